// `etwcat providers`: the providers etwcat knows of (built-in schemas, well-known table,
// Windows 11 system providers, --manifest files, and on Windows the registered ones), one
// provider's keywords, levels, tasks, opcodes and events (--details), the providers in
// captures with their counts (--etl), the kernel flags (--kernel), or one parsed provider
// string (--parse).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace etwcat::cmd {

struct providers_options {
  std::string format = "text";
  std::string pattern;  // a name or GUID, a part of one, or a glob
  bool details = false;
  std::vector<std::string> etl;        // --etl FILE…
  std::vector<std::string> manifests;  // --manifest FILE|DIR, repeatable
  bool system = false;
  bool kernel = false;
  std::string parse;
  // Whether the options were on the command line (CLI11's count), not their defaults: an
  // empty --parse "" is still a string to parse, and --parse prints JSON unless --format
  // was given.
  bool format_given = false;
  bool parse_given = false;
};

/// Adds the subcommand; its callback records which options were given.
CLI::App* add_providers_command(CLI::App& app, providers_options& options);

/// Writes the listing to stdout; returns the exit code. Throws usage_error.
int run_providers(const providers_options& options);

}  // namespace etwcat::cmd
