// `etwcat start`, `stop` and `sessions`: sessions that outlive the command, as logman's
// `start -ets` / `stop -ets` / `query -ets` manage them.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "cmd/session_arguments.h"
#include "lib/live/etw_api.h"

namespace etwcat::cmd {

struct start_options {
  session_arguments session;  // session.name: the NAME argument
  std::string log_file;       // -o FILE.etl
  std::string mode = "sequential";
  std::uint32_t max_size_mb = 0;
  bool real_time = false;
};

struct stop_options {
  std::string name;
  std::string format = "text";
};

struct sessions_options {
  std::string name;  // empty: all
  std::string format = "text";
};

CLI::App* add_start_command(CLI::App& app, start_options& options);
CLI::App* add_stop_command(CLI::App& app, stop_options& options);
CLI::App* add_sessions_command(CLI::App& app, sessions_options& options);

/// Each runs against `etw` (nullptr where there is no ETW) and returns the exit code.
int run_start(const start_options& options, live::etw_api* etw);
int run_stop(const stop_options& options, live::etw_api* etw);
int run_sessions(const sessions_options& options, live::etw_api* etw);

}  // namespace etwcat::cmd
