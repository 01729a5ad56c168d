// Tests for lib/live/session.h and lib/live/consumer.h against the simulated ETW
// (tests/support/simulated_etw.h): what a session asks of ETW, the errors a person sees, and
// events consumed in real time — the same, byte for byte, as `etwcat dump` of the capture they
// come from; a queue that a slow reader lets fill drops events and counts every one.
#include "lib/live/session.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "formats/jsonl_writer.h"
#include "lib/base/unicode.h"
#include "lib/decode/decoder.h"
#include "lib/etl/kernel_groups.h"
#include "lib/etl/merged_reader.h"
#include "lib/event/record_event.h"
#include "lib/live/consumer.h"
#include "lib/provider/registered_providers.h"
#include "lib/trace/pipeline.h"
#include "tests/support/corpus.h"
#include "tests/support/simulated_etw.h"

using namespace etwcat;
using live::session;
using testing::simulated_etw;

namespace {

const guid http_service = *guid::parse("{DD5EF90A-6398-47A4-AD34-4DCECDEF795F}");

live::provider_options provider_of(const guid& id, std::uint8_t level = 255) {
  live::provider_options o;
  o.provider.id = id;
  o.provider.level = level;
  return o;
}

live::session_options named(const std::string& name) {
  live::session_options o;
  o.name = name;
  return o;
}

}  // namespace

#ifndef _WIN32
TEST_CASE("session: outside Windows there is no ETW, and live tracing says so") {
  CHECK(live::system_etw() == nullptr);
  CHECK_FALSE(live::live_tracing_supported());
  CHECK_FALSE(provider::registered_providers_available());
  CHECK(std::string(live::no_etw_message) ==
        "live tracing needs Windows (ETW); on this system read .etl files with `etwcat dump`");
}
#else
TEST_CASE("session: on Windows live tracing is compiled in") {
  CHECK(live::system_etw() != nullptr);
  CHECK(live::live_tracing_supported());
}

// The real ETW: run on Windows, skipped under Wine (which has no ETW).
TEST_SUITE("etw_api") {
  TEST_CASE("registered_providers: TDH knows Microsoft-Windows-Kernel-Process") {
    // Real Windows only: under Wine TDH's functions are stubs that end the process.
    CHECK(provider::registered_providers_available());
    auto id = provider::find_registered_provider("microsoft-windows-kernel-process");
    REQUIRE(id);
    CHECK(id->to_string() == "{22FB2CD6-0E7B-422B-A0C7-2FAD1FD0E716}");
    CHECK_FALSE(provider::find_registered_provider("no-such-provider-etwcat"));
  }

  TEST_CASE("session: stopping a session that does not exist says so") {
    auto stopped = session::stop_by_name(*live::system_etw(), "etwcat-no-such-session");
    REQUIRE_FALSE(stopped.ok());
    CHECK(stopped.failure().message == "no session etwcat-no-such-session runs");
  }
}
#endif

TEST_CASE("session: what StartTrace and EnableTraceEx2 are asked for") {
  simulated_etw etw;
  live::session_options o = named("etwcat-test");
  live::provider_options p = provider_of(http_service, 4);
  p.provider.match_any_keyword = 0x10;
  p.provider.event_ids = {2, 12};
  p.process_ids = {4, 1234};
  p.executable = "w3wp.exe;svchost.exe";
  p.stack_trace = true;
  o.providers.push_back(p);
  o.buffer_size_kb = 256;
  o.flush_timer_seconds = 0;
  auto started = session::start(etw, o);
  REQUIRE_MESSAGE(started.ok(), (started.ok() ? "" : started.failure().message));
  CHECK(started.value().name() == "etwcat-test");
  CHECK(etw.running() == std::vector<std::u16string>{u"etwcat-test"});
  const auto props = etw.properties(u"etwcat-test");
  REQUIRE(props);
  CHECK(props->log_file_mode ==
        (live::log_file_mode::real_time | live::log_file_mode::independent_session));
  CHECK(props->buffer_size == 256);
  CHECK(props->minimum_buffers == 8);       // raised to 2 per processor (4)
  CHECK(props->flush_timer == 1);           // real time: 0 becomes 1 s
  CHECK(props->wnode.client_context == 1);  // QPC
  const auto enabled = etw.enabled(u"etwcat-test", http_service);
  REQUIRE(enabled);
  CHECK(enabled->level == 4);
  CHECK(enabled->match_any == 0x10);
  CHECK(enabled->event_ids == std::vector<std::uint16_t>{2, 12});
  CHECK(enabled->ids_in);
  CHECK(enabled->process_ids == std::vector<std::uint32_t>{4, 1234});
  CHECK(enabled->executables == u"w3wp.exe;svchost.exe");
  CHECK(enabled->enable_property == live::enable_property::stack_trace);
  auto stopped = started.value().stop();
  REQUIRE(stopped.ok());
  CHECK(stopped.value().name == "etwcat-test");
  CHECK(etw.running().empty());
}

TEST_CASE("session: kernel flags make the NT Kernel Logger, of which there is one") {
  simulated_etw etw;
  live::session_options o;
  o.kernel_flags = 0x1 | 0x4;
  auto first = session::start(etw, o);
  REQUIRE(first.ok());
  CHECK(first.value().name() == "NT Kernel Logger");
  CHECK(etw.properties(u"NT Kernel Logger")->enable_flags == 0x5);
  auto second = session::start(etw, o);
  REQUIRE_FALSE(second.ok());
  CHECK(second.failure().message ==
        "the NT Kernel Logger already runs (another tool uses it); `etwcat stop \"NT Kernel "
        "Logger\"` ends it");
  // A system logger takes kernel flags under a name of its own.
  o.system_logger = true;
  o.name = "etwcat-kernel";
  auto system = session::start(etw, o);
  REQUIRE(system.ok());
  CHECK((etw.properties(u"etwcat-kernel")->log_file_mode & live::log_file_mode::system_logger) !=
        0);
}

TEST_CASE("session: the errors a person can act on") {
  SUBCASE("a name in use") {
    simulated_etw etw;
    auto first = session::start(etw, named("Busy"));
    REQUIRE(first.ok());
    auto again = session::start(etw, named("busy"));  // names ignore case
    REQUIRE_FALSE(again.ok());
    CHECK(again.failure().message == "session busy already runs; `etwcat stop busy` ends it");
  }
  SUBCASE("not elevated") {
    simulated_etw etw({.elevated = false});
    auto started = session::start(etw, named("etwcat-x"));
    REQUIRE_FALSE(started.ok());
    CHECK(started.failure().message ==
          "starting session etwcat-x: access denied: needs an Administrator prompt (or the "
          "Performance Log Users group)");
  }
  SUBCASE("the session table is full") {
    simulated_etw etw({.max_sessions = 3});
    std::vector<session> held;
    for (int i = 0; i < 3; ++i)
      held.push_back(std::move(session::start(etw, named("s" + std::to_string(i))).value()));
    auto fourth = session::start(etw, named("s3"));
    REQUIRE_FALSE(fourth.ok());
    CHECK(fourth.failure().message ==
          "starting session s3: too many sessions run (64 at most, 8 of them kernel or system "
          "loggers); `etwcat sessions` lists them");
  }
  SUBCASE("stopping what does not run") {
    simulated_etw etw;
    auto stopped = session::stop_by_name(etw, "nothing-here");
    REQUIRE_FALSE(stopped.ok());
    CHECK(stopped.failure().message == "no session nothing-here runs");
  }
  SUBCASE("a provider that cannot be enabled leaves no session behind") {
    simulated_etw etw;
    live::session_options o = named("etwcat-pids");
    live::provider_options p = provider_of(http_service);
    p.process_ids = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    o.providers.push_back(p);
    auto started = session::start(etw, o);
    REQUIRE_FALSE(started.ok());
    CHECK(started.failure().message == "a provider's process filter takes at most 8 process IDs");
    CHECK(etw.running().empty());
  }
  SUBCASE("a ninth session on one provider") {
    simulated_etw etw;
    std::vector<session> held;
    for (int i = 0; i < 8; ++i) {
      live::session_options o = named("p" + std::to_string(i));
      o.providers.push_back(provider_of(http_service));
      held.push_back(std::move(session::start(etw, o).value()));
    }
    live::session_options o = named("p8");
    o.providers.push_back(provider_of(http_service));
    auto ninth = session::start(etw, o);
    REQUIRE_FALSE(ninth.ok());
    CHECK(ninth.failure().message ==
          "enabling {DD5EF90A-6398-47A4-AD34-4DCECDEF795F} in p8: 8 sessions have it enabled "
          "already, ETW's limit; `etwcat sessions` lists them");
    CHECK(etw.running().size() == 8);
  }
}

TEST_CASE("session: list, detach and stop by name, as `etwcat sessions` and `stop` do") {
  simulated_etw etw;
  live::session_options o = named("etwcat-file");
  o.log_file = "trace.etl";
  {
    auto started = session::start(etw, o);
    REQUIRE(started.ok());
    started.value().detach();  // `etwcat start`: the session outlives the command
  }
  auto listed = session::list(etw);
  REQUIRE(listed.ok());
  REQUIRE(listed.value().size() == 1);
  CHECK(listed.value()[0].name == "etwcat-file");
  CHECK(listed.value()[0].log_file == "trace.etl");
  CHECK(listed.value()[0].log_file_mode ==
        (live::log_file_mode::real_time | live::log_file_mode::file_sequential |
         live::log_file_mode::independent_session));
  auto stopped = session::stop_by_name(etw, "ETWCAT-FILE");
  REQUIRE(stopped.ok());
  CHECK(stopped.value().name == "etwcat-file");
  CHECK(etw.running().empty());
}

namespace {

// "Process/Start": the name a consumer's tools give a kernel event type.
std::string kernel_event_name(const live::classic_event_id& id) {
  const auto group = etl::kernel_group_of_class(id.event_class);
  if (!group) return "";
  return std::string(kernel_class_name(*group, id.type)) + "/" +
         std::string(kernel_type_name(*group, id.type));
}

std::vector<std::string> kernel_event_names(const std::vector<live::classic_event_id>& ids) {
  std::vector<std::string> names;
  for (const auto& id : ids) names.push_back(kernel_event_name(id));
  return names;
}

template <class T>
std::vector<std::byte> bytes_of(const std::vector<T>& values) {
  const auto bytes = std::as_bytes(std::span(values));
  return {bytes.begin(), bytes.end()};
}

}  // namespace

TEST_CASE("session: kernel_stack_events names the kernel events worth a stack") {
  // Process, Thread, ImageLoad: who started or loaded it.
  CHECK(kernel_event_names(live::kernel_stack_events(0x1 | 0x2 | 0x4)) ==
        std::vector<std::string>{"Process/Start", "Thread/Start", "Image/Load"});
  CHECK(live::kernel_stack_events(0x1)[0].event_class ==
        *guid::parse("3d6fa8d0-fe05-11d0-9dda-00c04fd7ba7c"));
  // Profile: where each CPU sample hit; CSwitch: where a thread gave up its CPU.
  CHECK(kernel_event_names(live::kernel_stack_events(0x01000000)) ==
        std::vector<std::string>{"PerfInfo/Sample"});
  CHECK(live::kernel_stack_events(0x01000000)[0].event_class ==
        *guid::parse("ce1dbfb4-137e-4da6-87b0-3f59aa102cbc"));
  CHECK(kernel_event_names(live::kernel_stack_events(0x10)) ==
        std::vector<std::string>{"Thread/CSwitch"});
  CHECK(kernel_event_names(live::kernel_stack_events(0x100 | 0x400)) ==
        std::vector<std::string>{"DiskIO/Read", "DiskIO/Write", "DiskIO/ReadInit",
                                 "DiskIO/WriteInit", "DiskIO/FlushInit"});
  // FILE_IO and FILE_IO_INIT name the same requests once.
  CHECK(kernel_event_names(live::kernel_stack_events(0x02000000 | 0x04000000)) ==
        std::vector<std::string>{"FileIO/Create", "FileIO/Read", "FileIO/Write", "FileIO/SetInfo",
                                 "FileIO/Delete", "FileIO/Rename"});
  CHECK(kernel_event_names(live::kernel_stack_events(0x10000)) ==
        std::vector<std::string>{"TcpIp/Send", "TcpIp/Recv", "TcpIp/Connect", "TcpIp/Accept",
                                 "TcpIp/SendIPV6", "TcpIp/RecvIPV6", "TcpIp/ConnectIPV6",
                                 "TcpIp/AcceptIPV6", "UdpIp/Send", "UdpIp/Recv", "UdpIp/SendIPV6",
                                 "UdpIp/RecvIPV6"});
  CHECK(live::kernel_stack_events(0x20000).size() == 11);  // Registry Create … SetInformation
  // DPCs and interrupts run on no thread's behalf: no stack worth taking.
  CHECK(live::kernel_stack_events(0x20 | 0x40).empty());
  // Every group at once stays within TraceStackTracingInfo's 256, each event named once.
  const auto all = live::kernel_stack_events(0xFFFFFFFF);
  CHECK(all.size() == 52);
  CHECK(all.size() <= live::max_stack_events);
  for (const auto& id : all) {
    const std::string name = kernel_event_name(id);
    CHECK_MESSAGE((name.size() > 2 && name.front() != '/' && name.back() != '/'), name);
    CHECK(std::count(all.begin(), all.end(), id) == 1);
  }
}

TEST_CASE("session: kernel stacks and the sampling interval, as TraceSetInformation is asked") {
  simulated_etw etw;
  live::session_options o = named("etwcat-stacks");
  o.system_logger = true;
  o.kernel_flags = 0x1 | 0x01000000;
  o.stack_events = live::kernel_stack_events(o.kernel_flags);
  o.profile_interval = 1250;  // 8 kHz
  auto started = session::start(etw, o);
  REQUIRE_MESSAGE(started.ok(), (started.ok() ? "" : started.failure().message));
  const auto calls = etw.information_calls();
  REQUIRE(calls.size() == 2);
  // The stack list on the session's own handle: 24 bytes an event.
  CHECK(calls[0].session == started.value().handle());
  CHECK(calls[0].information_class == 3);
  CHECK(calls[0].data.size() == 48);
  CHECK(calls[0].data == bytes_of(o.stack_events));
  CHECK(calls[0].status == 0);
  CHECK(kernel_event_names(etw.stack_events(u"etwcat-stacks")) ==
        std::vector<std::string>{"Process/Start", "PerfInfo/Sample"});
  // The interval machine-wide, on handle 0: Source 0 (the timer), Interval 1250.
  CHECK(calls[1].session == 0);
  CHECK(calls[1].information_class == 5);
  CHECK(calls[1].data ==
        bytes_of(std::vector<live::trace_profile_interval>{live::trace_profile_interval{0, 1250}}));
  CHECK(calls[1].status == 0);
  CHECK(etw.profile_interval() == 1250);
  // Without either, no call is made.
  live::session_options plain = named("etwcat-plain");
  plain.system_logger = true;
  plain.kernel_flags = 0x1;
  REQUIRE(session::start(etw, plain).ok());
  CHECK(etw.information_calls().size() == 2);
}

TEST_CASE("session: kernel stacks and sampling that cannot be set leave no session behind") {
  live::session_options o = named("etwcat-bad");
  o.system_logger = true;
  o.kernel_flags = 0x01000000;
  SUBCASE("more than 256 event types") {
    simulated_etw etw;
    o.stack_events.resize(257, live::kernel_stack_events(0x01000000)[0]);
    auto started = session::start(etw, o);
    REQUIRE_FALSE(started.ok());
    CHECK(started.failure().message ==
          "kernel stacks can be collected for at most 256 event types, not 257");
    CHECK(etw.running().empty());
    CHECK(etw.information_calls().empty());
  }
  SUBCASE("stacks without kernel groups") {
    simulated_etw etw;
    o.kernel_flags = 0;
    o.stack_events = live::kernel_stack_events(0x1);
    auto started = session::start(etw, o);
    REQUIRE_FALSE(started.ok());
    CHECK(started.failure().message ==
          "kernel stacks need kernel event groups (kernel flags) in the session");
  }
  SUBCASE("an interval without the Profile group") {
    simulated_etw etw;
    o.kernel_flags = 0x1;
    o.profile_interval = 10000;
    auto started = session::start(etw, o);
    REQUIRE_FALSE(started.ok());
    CHECK(started.failure().message ==
          "a CPU sampling interval needs the Profile kernel group (flag 0x01000000)");
    CHECK(etw.running().empty());
  }
  SUBCASE("no profiling privilege: the session that started is stopped again") {
    simulated_etw etw({.profile_privilege = false});
    o.profile_interval = 1250;
    auto started = session::start(etw, o);
    REQUIRE_FALSE(started.ok());
    CHECK(started.failure().message ==
          "setting the CPU sampling interval to 0.125 ms: needs the SeSystemProfilePrivilege "
          "privilege (an Administrator prompt has it)");
    const auto calls = etw.information_calls();
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].status == live::win32::privilege_not_held);
    CHECK(etw.running().empty());
    CHECK(etw.profile_interval() == 10000);  // unchanged
  }
}

TEST_CASE("simulated_etw: TraceSetInformation checks what Windows documents") {
  simulated_etw etw;
  live::session_options o = named("etwcat-info");
  o.system_logger = true;
  o.kernel_flags = 0x1;
  auto kernel = session::start(etw, o);
  REQUIRE(kernel.ok());
  auto user = session::start(etw, named("etwcat-user"));
  REQUIRE(user.ok());
  const auto ids = live::kernel_stack_events(0x1 | 0x2);
  const auto id_bytes = std::as_bytes(std::span(ids));
  const live::trace_profile_interval interval{0, 5000};
  const auto interval_bytes = std::as_bytes(std::span(&interval, 1));
  const live::trace_handle session = kernel.value().handle();
  namespace w = live::win32;
  // Stack tracing: a whole number of 24-byte CLASSIC_EVENT_IDs …
  CHECK(etw.set_information(session, 3, id_bytes.first(30)) == w::bad_length);
  // … at most 256 of them …
  std::vector<live::classic_event_id> many(257, ids[0]);
  CHECK(etw.set_information(session, 3, std::as_bytes(std::span(many))) == w::invalid_parameter);
  // … for a running session that logs kernel events.
  CHECK(etw.set_information(0, 3, id_bytes) == w::invalid_parameter);
  CHECK(etw.set_information(0x7777, 3, id_bytes) == w::invalid_parameter);
  CHECK(etw.set_information(user.value().handle(), 3, id_bytes) == w::not_supported);
  CHECK(etw.stack_events(u"etwcat-info").empty());
  CHECK(etw.set_information(session, 3, id_bytes) == w::success);
  CHECK(etw.stack_events(u"etwcat-info") == ids);
  // Each call replaces the list; an empty one ends stack walking.
  CHECK(etw.set_information(session, 3, {}) == w::success);
  CHECK(etw.stack_events(u"etwcat-info").empty());
  // The profile interval: 8 bytes, on handle 0 only.
  CHECK(etw.set_information(session, 5, interval_bytes) == w::invalid_parameter);
  CHECK(etw.set_information(0, 5, interval_bytes.first(4)) == w::bad_length);
  CHECK(etw.profile_interval() == 10000);
  CHECK(etw.set_information(0, 5, interval_bytes) == w::success);
  CHECK(etw.profile_interval() == 5000);
  CHECK(etw.information_calls().size() == 10);
}

namespace {

// Every event of a real-time session as JSON lines, through the consumer and the pipeline.
std::vector<std::string> consume(live::consumer& events, std::atomic<bool>& stop) {
  decode::decoder decoder;
  trace::pipeline pipeline(decoder);
  live::live_source source(
      events, [&stop] { return stop.load(); }, std::chrono::milliseconds(20));
  std::vector<std::string> lines;
  pipeline.run(source, [&](const event& e) {
    lines.emplace_back();
    lines.back() = formats::event_json(e);
    return true;
  });
  return lines;
}

std::vector<std::string> dump(const std::filesystem::path& file) {
  diagnostics diags;
  auto trace = etl::merged_reader::open(std::span(&file, 1), diags);
  decode::decoder decoder;
  trace::pipeline pipeline(decoder);
  std::vector<std::string> lines;
  pipeline.run(trace, [&](const event& e) {
    lines.emplace_back();
    lines.back() = formats::event_json(e);
    return true;
  });
  return lines;
}

}  // namespace

TEST_SUITE("corpus") {
  TEST_CASE("consumer: a session's events, consumed live, print as dump prints them") {
    ETWCAT_REQUIRE_CORPUS();
    const auto capture = testing::corpus_file("tx/HTTP_Server.etl");
    simulated_etw etw;
    etw.feed(capture);
    live::session_options o = named("etwcat-http");
    o.providers.push_back(provider_of(http_service));
    auto started = session::start(etw, o);
    REQUIRE(started.ok());
    auto events = live::consumer::open(etw, "etwcat-http");
    REQUIRE(events.ok());
    std::atomic<bool> stop{false};
    std::vector<std::string> lines;
    std::thread reader([&] { lines = consume(*events.value(), stop); });
    // The whole capture is delivered, then the session is stopped, which ends ProcessTrace.
    while (etw.delivered() < 2042) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    REQUIRE(started.value().stop().ok());
    reader.join();
    CHECK(lines == dump(capture));
    CHECK(lines.size() == 2042);
    const auto counts = events.value()->counts();
    CHECK(counts.delivered == 2042);
    CHECK(counts.dropped == 0);
  }

  TEST_CASE("consumer: a level and an event-ID filter select what Windows would deliver") {
    ETWCAT_REQUIRE_CORPUS();
    simulated_etw etw;
    etw.feed(testing::corpus_file("tx/HTTP_Server.etl"));
    live::session_options o = named("etwcat-ids");
    live::provider_options p = provider_of(http_service);
    p.provider.event_ids = {2, 12};  // Parse 291, FastSend 289
    o.providers.push_back(p);
    auto started = session::start(etw, o);
    REQUIRE(started.ok());
    auto events = live::consumer::open(etw, "etwcat-ids");
    REQUIRE(events.ok());
    std::atomic<bool> stop{false};
    std::vector<std::string> lines;
    std::thread reader([&] { lines = consume(*events.value(), stop); });
    while (etw.delivered() < 1 + 291 + 289)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    REQUIRE(started.value().stop().ok());
    reader.join();
    REQUIRE(lines.size() == 1 + 291 + 289);  // with the log-file header event
    std::size_t parse = 0, fast_send = 0;
    for (const auto& line : lines) {
      parse += line.find(R"("EventID":2,)") != std::string::npos;
      fast_send += line.find(R"("EventID":12,)") != std::string::npos;
    }
    CHECK(parse == 291);
    CHECK(fast_send == 289);
  }

  TEST_CASE(
      "consumer: a reader slower than ETW fills the queue, and every dropped event is counted") {
    ETWCAT_REQUIRE_CORPUS();
    simulated_etw etw;
    etw.feed(testing::corpus_file("perfview/net.4.5.2.x64.etl"));
    live::session_options o;
    o.kernel_flags = 0x1 | 0x2 | 0x4 | 0x100 | 0x02000000 | 0x10000 | 0x01000000;
    auto started = session::start(etw, o);
    REQUIRE(started.ok());
    // The smallest queue (128 KB), and nobody reading until ETW has delivered everything.
    auto events = live::consumer::open(etw, "NT Kernel Logger", 1);
    REQUIRE(events.ok());
    std::uint64_t before = 0;
    for (;;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      const std::uint64_t now = etw.delivered();
      if (now == before && now != 0) break;  // the replay is over
      before = now;
    }
    std::uint64_t taken = 0;
    etl::record_view r;
    while (events.value()->next(r, std::chrono::milliseconds(0)) ==
           live::consumer::wait_result::record) {
      ++taken;
    }
    const auto counts = events.value()->counts();
    CHECK(counts.delivered == etw.delivered());
    CHECK(counts.dropped > 0);
    CHECK(taken + counts.dropped + counts.too_large == counts.delivered);
    MESSAGE("delivered " << counts.delivered << ", taken " << taken << ", dropped "
                         << counts.dropped);
    // Closing ends processing; the reader sees the end.
    events.value()->close();
    CHECK(events.value()->next(r, std::chrono::seconds(30)) == live::consumer::wait_result::ended);
  }

  TEST_CASE("consumer: a reader that throws mid-run leaves no session behind") {
    ETWCAT_REQUIRE_CORPUS();
    simulated_etw etw;
    etw.feed(testing::corpus_file("tx/HTTP_Server.etl"), std::chrono::microseconds(500));
    std::uint64_t taken = 0;
    bool caught = false;
    try {
      live::session_options o = named("etwcat-throws");
      o.providers.push_back(provider_of(http_service));
      auto started = session::start(etw, o);
      REQUIRE(started.ok());
      const live::session running = std::move(started.value());
      auto events = live::consumer::open(etw, "etwcat-throws");
      REQUIRE(events.ok());
      CHECK(etw.running().size() == 1);
      etl::record_view r;
      while (events.value()->next(r, std::chrono::seconds(30)) ==
             live::consumer::wait_result::record) {
        if (++taken == 10) throw std::runtime_error("the reader failed");
      }
    } catch (const std::runtime_error&) {
      caught = true;  // the consumer and the session are gone by now
    }
    CHECK(caught);
    CHECK(taken == 10);
    CHECK(etw.running().empty());
  }
}
