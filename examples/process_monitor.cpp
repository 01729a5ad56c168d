// process_monitor: processes as they start on this machine, live. The first example of the Rust
// crate windows_erg's etw module (EventTrace::builder("ProcessMonitor")
// .system_provider(SystemProvider::Process).start(), then a loop over the events) in etwcat's
// terms: a session, a consumer of it, and the pipeline that turns records into events.
// Needs Windows and an Administrator prompt (kernel events); Ctrl-C ends it.
#include <atomic>
#include <csignal>
#include <iostream>
#include <variant>

#include "lib/decode/decoder.h"
#include "lib/decode/typed_events.h"
#include "lib/live/consumer.h"
#include "lib/live/session.h"
#include "lib/provider/system_providers.h"
#include "lib/trace/pipeline.h"

using namespace etwcat;

namespace {
std::atomic<bool> stop_requested{false};  // set by Ctrl-C, read by the loop
}  // namespace

int main() {
  // The same program builds everywhere; only Windows has ETW to run it on.
  if (!live::live_tracing_supported()) {
    std::cerr << "process_monitor: " << live::no_etw_message << '\n';
    return 2;
  }
  live::etw_api& etw = *live::system_etw();

  // The kernel's Process group, in a session of its own name: a system logger (Windows 8+)
  // rather than the one NT Kernel Logger, which another tool may be using.
  live::session_options options;
  options.name = "etwcat-process-monitor";
  options.kernel_flags = provider::parse_system_providers("Process");
  options.system_logger = true;
  auto session = live::session::start(etw, options);
  if (!session) {
    std::cerr << "process_monitor: " << session.failure().message << '\n';
    return 2;
  }

  // ETW calls back on a thread of the consumer's own; the events wait in a queue for this
  // thread. A full queue drops (and counts) events rather than hold up ETW.
  auto consumer = live::consumer::open(etw, session.value().name());
  if (!consumer) {
    std::cerr << "process_monitor: " << consumer.failure().message << '\n';
    return 2;
  }
  std::signal(SIGINT, [](int) { stop_requested = true; });
  live::live_source source(*consumer.value(), [] { return stop_requested.load(); });

  std::cerr << "process_monitor: process starts follow; Ctrl-C ends\n";
  decode::decoder decoder;
  trace::pipeline events(decoder);
  events.run(source, [](const event& e) {
    const decode::typed_event view = decode::typed_view(e);
    const auto* start = std::get_if<decode::process_start>(&view);
    // Rundown events list the processes already running when the session began: not starts.
    if (start != nullptr && !start->rundown) {
      std::cout << start->process_id << ' ' << start->image_name << std::endl;  // shown at once
    }
    return true;
  });

  // ETW's own count of lost events (its buffers were full) and the consumer's (its queue was).
  auto stopped = session.value().stop();
  const auto dropped = consumer.value()->counts().dropped;
  if (stopped && stopped.value().events_lost + dropped != 0) {
    std::cerr << "process_monitor: " << stopped.value().events_lost << " events lost by ETW, "
              << dropped << " dropped by the consumer\n";
  }
  return 0;
}
