// `etwcat dump FILE…`: the events of one or more .etl files, as one trace in time order,
// written as JSON lines, text, or a per-event summary.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cmd/event_filter_options.h"
#include "cmd/event_output.h"

namespace etwcat::cmd {

struct dump_options {
  std::vector<std::string> files;
  event_output_options out;
  event_filter_options select;
  bool follow = false;   // --follow: keep reading a file a session is still writing
  unsigned threads = 0;  // --threads: 1 one thread, 2 or more two; 0 as many as there are cores
};

CLI::App* add_dump_command(CLI::App& app, dump_options& options);

/// Reads, decodes and writes; returns the exit code (0, or 1 when anything was reported).
int run_dump(const dump_options& options);

}  // namespace etwcat::cmd
