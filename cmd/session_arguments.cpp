#include "cmd/session_arguments.h"

#include <fmt/format.h>

#include "lib/base/ascii.h"
#include "lib/base/path_text.h"
#include "lib/base/usage_error.h"
#include "lib/provider/kernel_flags.h"
#include "lib/provider/provider_parser.h"
#include "lib/provider/system_providers.h"

namespace etwcat::cmd {

void add_session_arguments(CLI::App* sub, session_arguments& a, bool name_option) {
  sub->add_option("--config", a.config,
                  "A JSON file that describes the whole session: providers, kernel groups, "
                  "filters, buffers, file, output (see docs/session-config.md); the options "
                  "below are then given there, not here")
      ->type_name("FILE.json");
  sub->add_option("-p,--provider", a.providers,
                  "Provider to enable: Name[:Level[:IDs[:AnyKeywords[:AllKeywords]]]], by name, "
                  "GUID or *EventSourceName (see `etwcat providers --parse`); repeatable")
      ->type_name("SPEC")
      ->allow_extra_args(false);
  sub->add_option("--kernel", a.kernel,
                  "Kernel events by flag name, comma-separated (process,thread,img,…; "
                  "`etwcat providers --kernel` lists them); alone: the NT Kernel Logger")
      ->type_name("FLAGS");
  sub->add_option("--system", a.system,
                  "Kernel event groups (Process, Thread, ImageLoad, FileIo, DiskIo, Registry, "
                  "Network, …) in a session of their own name, beside any -p providers")
      ->type_name("GROUPS");
  sub->add_flag("--stack", a.stack,
                "Call stacks: with every event of the -p providers, and with the kernel events "
                "worth one (process and thread start, image load, file and disk I/O, registry, "
                "network, context switch, CPU sample)");
  sub->add_option("--pid", a.pids,
                  "Only events of these processes: ETW filters the -p providers (up to 8 IDs); "
                  "`live` filters kernel events too, before queueing (a kernel event belongs to "
                  "the process it names, a CPU sample to its thread's); repeatable")
      ->type_name("PID")
      ->allow_extra_args(false);
  sub->add_option("--exe", a.executable,
                  "Only events of processes with this executable name from the -p providers "
                  "(several: separated by ';')")
      ->type_name("NAME");
  sub->add_flag("--sid", a.sid, "The user SID and terminal session with every -p event");
  if (name_option) sub->add_option("--name", a.name, "Session name (default etwcat-<pid>)");
  sub->add_flag("--force", a.force,
                "If a session of that name runs already, stop it first (and replace an "
                "existing log file)");
  sub->add_option("--buffer-size", a.buffer_size_kb, "Buffer size in KB (default 64)")
      ->type_name("KB")
      ->check(CLI::Range(1, 1024));
  sub->add_option("--min-buffers", a.minimum_buffers, "Minimum number of buffers (default: ETW's)")
      ->type_name("N");
  sub->add_option("--max-buffers", a.maximum_buffers, "Maximum number of buffers (default: ETW's)")
      ->type_name("N");
  sub->add_option("--flush-timer", a.flush_seconds,
                  "Flush buffers at least every N seconds (default: ETW's, only when full)")
      ->type_name("SECONDS");
  sub->add_option("--clock", a.clock, "Timestamp clock: qpc (default), system or cycles")
      ->check(CLI::IsMember({"qpc", "system", "cycles"}));
}

bool names_events(const session_arguments& a) {
  return !a.providers.empty() || !a.kernel.empty() || !a.system.empty();
}

bool describes_session(const session_arguments& a) {
  const session_arguments defaults;
  return names_events(a) || a.stack || !a.pids.empty() || !a.executable.empty() || a.sid ||
         a.buffer_size_kb != defaults.buffer_size_kb ||
         a.minimum_buffers != defaults.minimum_buffers ||
         a.maximum_buffers != defaults.maximum_buffers ||
         a.flush_seconds != defaults.flush_seconds || a.clock != defaults.clock;
}

void rename_session(live::session_options& session, const std::string& name) {
  session.name = name;
  if (session.kernel_flags != 0 && !equals_ignoring_case(name, "NT Kernel Logger")) {
    session.system_logger = true;
  }
}

result<live::session_config> load_config(const session_arguments& a) {
  if (describes_session(a)) {
    return error{fmt::format("--config {} describes the session: give its providers, kernel "
                             "groups, filters, buffers and clock there, not also on the command "
                             "line",
                             a.config),
                 0};
  }
  auto loaded = live::load_session_config(path_from_utf8(a.config));
  if (!loaded) return loaded;
  const live::session_options& s = loaded.value().session;
  if (s.providers.empty() && s.kernel_flags == 0) {
    return error{fmt::format(R"({}: names nothing to trace: give "providers", "kernel" or )"
                             R"("system")",
                             a.config),
                 0};
  }
  return loaded;
}

live::session_options session_options_of(const session_arguments& a) {
  live::session_options o;
  o.name = a.name;
  for (const std::string& text : a.providers) {
    live::provider_options p;
    p.provider = provider::parse_provider(text);
    // ETW's own PID filter takes 8; beyond that etwcat's filter (consumer) does it alone.
    if (a.pids.size() <= 8) p.process_ids = a.pids;
    p.executable = a.executable;
    p.stack_trace = a.stack;
    p.sid = a.sid;
    p.terminal_session_id = a.sid;
    o.providers.push_back(std::move(p));
  }
  if (!a.executable.empty() && a.providers.empty()) {
    throw usage_error("--exe filters the -p providers (ETW filters no kernel event by its image)");
  }
  if (!a.kernel.empty()) o.kernel_flags |= provider::parse_kernel_flags(a.kernel);
  if (!a.system.empty()) o.kernel_flags |= provider::parse_system_providers(a.system);
  // Stacks for kernel events: those of the chosen groups worth a stack (TraceStackTracingInfo).
  if (a.stack && o.kernel_flags != 0) o.stack_events = live::kernel_stack_events(o.kernel_flags);
  // --pid over kernel events: Thread events tell which process a CPU sample or a thread's event
  // belongs to.
  if (!a.pids.empty() && (o.kernel_flags & 0x01000000) != 0) o.kernel_flags |= 0x00000002;
  // Kernel events beside user providers, as groups, or under a name of the user's: a system
  // logger (Windows 8+). Kernel flags alone: the NT Kernel Logger, as logman and xperf use it.
  o.system_logger =
      o.kernel_flags != 0 && (!a.system.empty() || !a.providers.empty() || !a.name.empty());
  o.buffer_size_kb = a.buffer_size_kb;
  o.minimum_buffers = a.minimum_buffers;
  o.maximum_buffers = a.maximum_buffers;
  o.flush_timer_seconds = a.flush_seconds;
  o.clock = a.clock == "system"   ? live::clock_type::system_time
            : a.clock == "cycles" ? live::clock_type::cpu_cycles
                                  : live::clock_type::qpc;
  return o;
}

}  // namespace etwcat::cmd
