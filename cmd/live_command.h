// `etwcat live`: starts a real-time session (or attaches to a running one), streams its events
// through the same pipeline as `dump` until Ctrl-C, --duration or --max-events, stops the
// session on every way out, and reports what was lost.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "cmd/event_filter_options.h"
#include "cmd/event_output.h"
#include "cmd/session_arguments.h"
#include "lib/live/etw_api.h"

namespace etwcat::cmd {

struct live_options {
  session_arguments session;
  std::string attach;            // --attach NAME: an existing real-time session
  std::string duration;          // --duration 10s
  std::uint64_t max_events = 0;  // --max-events N; 0: no limit
  std::string etl;               // --etl FILE: also log the session to this file
  std::uint32_t queue_mb = 16;   // --queue-size
  event_output_options out;
  event_filter_options select;  // no --provider, --pid (the session's own), --limit, --skip
};

CLI::App* add_live_command(CLI::App& app, live_options& options);

/// Runs it against `etw` (the machine's; nullptr where there is none). Exit codes as `dump`:
/// 0, 1 when events were lost or did not decode, 2 for usage and system errors.
int run_live(const live_options& options, live::etw_api* etw);

}  // namespace etwcat::cmd
