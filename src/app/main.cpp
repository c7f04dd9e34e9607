// src/app/main.cpp
#include "app/cli.hpp"

int main(int argc, char** argv) {
  return livedash::app::runCli(argc, argv);
}
