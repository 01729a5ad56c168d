// `etwcat dump FILE…`: the events of one or more .etl files, as one trace in time order,
// written as JSON lines, text, or a per-event summary.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace etwcat::cmd {

struct dump_options {
  std::vector<std::string> files;
  std::string format = "jsonl";
  std::string output;  // empty: stdout
  bool summary = false;
  std::vector<std::string> manifests;     // --manifest FILE|DIR, repeatable
  std::vector<std::string> format_files;  // --tmf DIR|FILE, repeatable
  bool raw = false;                       // --raw: RawData even for decoded payloads
};

CLI::App* add_dump_command(CLI::App& app, dump_options& options);

/// Reads, decodes and writes; returns the exit code (0, or 1 when anything was reported).
int run_dump(const dump_options& options);

}  // namespace etwcat::cmd
