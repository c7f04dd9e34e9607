// src/app/cli.cpp
#include "app/cli.hpp"

namespace livedash::app {

int runCli(int, char**) { return 0; }

}  // namespace livedash::app
