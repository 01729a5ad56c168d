// event_filter_options: the filters `dump` and `live` share on their command lines (--provider,
// --id, --event, --level, --keywords, --pid, --tid, --process, --since, --until, --where) and
// dump's --limit and --skip. The filtering itself is lib/trace/event_filter.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>

#include "lib/trace/event_filter.h"

namespace etwcat::cmd {

struct event_filter_options {
  trace::filter_options filter;
  std::uint64_t limit = 0;  // --limit: 0 is no limit
  std::uint64_t skip = 0;   // --skip
};

/// Which options a command takes: live names its providers and processes for the session
/// itself (-p, --pid), and stops with --max-events.
struct filter_option_set {
  bool provider_and_pid = true;
  bool limit_and_skip = true;
};

/// Adds the filter options to `command`, in an option group of their own in --help.
void add_event_filter_options(CLI::App* command, event_filter_options& options,
                              filter_option_set which = {});

}  // namespace etwcat::cmd
