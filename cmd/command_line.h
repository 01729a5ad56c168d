// command_line: what `etwcat WORDS…` does — the options parsed, the command run, its exit code.
// main() adds only what belongs to a process (signals, the console, argv in UTF-8); tests run
// the same words in-process with the simulated ETW.
#pragma once

#include <string>
#include <vector>

#include "lib/live/etw_api.h"

namespace etwcat::cmd {

/// Runs the command that `args` (args[0] the program name) asks for, against `etw` (the
/// machine's ETW; nullptr where there is none). Returns the exit code.
int run_command_line(const std::vector<std::string>& args, live::etw_api* etw);

}  // namespace etwcat::cmd
