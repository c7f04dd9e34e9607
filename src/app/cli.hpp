// src/app/cli.hpp
#pragma once

namespace livedash::app {

//! Parses the command line and runs the chosen command. Returns the process exit code:
//! 0 success, 1 runtime failure, 2 usage or config error.
int runCli(int argc, char** argv);

}  // namespace livedash::app
