// `etwcat providers`: list the built-in providers or kernel flags, or parse
// one provider string and print what a session would enable.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace etwcat::cmd {

struct providers_options {
  std::string format = "text";
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
