// Tests for lib/live/session.h and lib/live/consumer.h against the simulated ETW
// (tests/support/simulated_etw.h): what a session asks of ETW, the errors a person sees, and
// events consumed in real time — the same, byte for byte, as `etwcat dump` of the capture they
// come from; a queue that a slow reader lets fill drops events and counts every one.
#include "lib/live/session.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "formats/jsonl_writer.h"
#include "lib/base/unicode.h"
#include "lib/decode/decoder.h"
#include "lib/etl/merged_reader.h"
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
  CHECK(provider::registered_providers_available());
}

// The real ETW: run on Windows, skipped under Wine (which has no ETW).
TEST_SUITE("etw_api") {
  TEST_CASE("registered_providers: TDH knows Microsoft-Windows-Kernel-Process") {
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
    CHECK(ninth.failure().message.starts_with(
        "enabling {DD5EF90A-6398-47A4-AD34-4DCECDEF795F} in p8: too many sessions run"));
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

// Every event of a real-time session as JSON lines, through the consumer and the pipeline.
std::vector<std::string> consume(live::consumer& events, std::atomic<bool>& stop) {
  decode::decoder decoder;
  trace::pipeline pipeline(decoder);
  live::live_source source(
      events, [&stop] { return stop.load(); }, std::chrono::milliseconds(20));
  std::vector<std::string> lines;
  pipeline.run(source, [&](const event& e) {
    lines.emplace_back();
    formats::append_event_json(lines.back(), e);
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
    formats::append_event_json(lines.back(), e);
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
}
