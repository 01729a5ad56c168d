// session_arguments: what `live` and `start` share on their command lines — the providers,
// kernel groups, filters and buffers of the session they start — and the session_options
// those words mean.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "lib/base/result.h"
#include "lib/live/session.h"
#include "lib/live/session_config.h"

namespace etwcat::cmd {

struct session_arguments {
  std::string config;                  // --config FILE.json: the whole session
  std::string name;                    // --name; empty: etwcat-<pid>
  bool force = false;                  // --force: stop a session of that name first
  std::vector<std::string> providers;  // -p SPEC, repeatable
  std::string kernel;                  // --kernel process,thread,…: NT Kernel Logger flags
  std::string system;                  // --system Process,FileIo,…: kernel groups
  bool stack = false;                  // --stack: providers' events and kernel events
  std::vector<std::uint32_t> pids;     // --pid, repeatable: ETW's filter (<= 8) and etwcat's
  std::string executable;              // --exe
  bool sid = false;                    // --sid
  std::uint32_t buffer_size_kb = 64;
  std::uint32_t minimum_buffers = 0;
  std::uint32_t maximum_buffers = 0;
  std::uint32_t flush_seconds = 0;
  std::string clock = "qpc";
};

/// Adds -p, --kernel, --system, --stack, --pid, --exe, --sid, --force, the buffer and clock
/// options and, with `name_option`, --name to `command`.
void add_session_arguments(CLI::App* command, session_arguments& arguments,
                           bool name_option = true);

/// True when the arguments name anything to trace (-p, --kernel, --system).
bool names_events(const session_arguments& arguments);

/// True when any option that describes the session itself was given (all but --config,
/// --name and --force): with --config they are refused, the file describes the session.
bool describes_session(const session_arguments& arguments);

/// Gives `session` the name the command line chose. Kernel flags under a name of the user's
/// make a system logger, as session_options_of() decides it: never the NT Kernel Logger by
/// accident.
void rename_session(live::session_options& session, const std::string& name);

/// Loads --config, which must name something to trace and which no session option on the
/// command line may contradict. The error is one line, without the command's name.
result<live::session_config> load_config(const session_arguments& arguments);

/// The session they describe (without a log file). Throws usage_error for a bad provider
/// string, kernel group or filter.
live::session_options session_options_of(const session_arguments& arguments);

}  // namespace etwcat::cmd
