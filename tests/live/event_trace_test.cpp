// Tests for lib/live/event_trace.h against the simulated ETW (tests/support/simulated_etw.h)
// replaying real captures: the seed's first example (Process events in batches, the names of
// the processes started, as `etwcat dump` prints them), what each enrichment option asks of
// ETW and what it changes in the events, the stream modes, a batch's lifetime, run(), stop().
#include "lib/live/event_trace.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <stop_token>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "formats/jsonl_writer.h"
#include "lib/base/text_buffer.h"
#include "lib/decode/typed_events.h"
#include "lib/etl/kernel_groups.h"
#include "lib/etl/merged_reader.h"
#include "lib/trace/pipeline.h"
#include "tests/support/corpus.h"
#include "tests/support/simulated_etw.h"

using namespace etwcat;
using namespace std::chrono_literals;
using live::batch_result;
using live::event_batch;
using live::event_trace;
using live::stream_mode;
using testing::simulated_etw;

namespace {

const guid http_service = *guid::parse("{DD5EF90A-6398-47A4-AD34-4DCECDEF795F}");
const guid kernel_file = *guid::parse("{EDD08927-9CC4-4E65-B970-C2560FB5C289}");
const guid process_class = *guid::parse("3d6fa8d0-fe05-11d0-9dda-00c04fd7ba7c");
const guid thread_class = *guid::parse("3d6fa8d1-fe05-11d0-9dda-00c04fd7ba7c");
const guid image_class = *guid::parse("2cb15d1d-5fc1-11d2-abe1-00a0c911f518");
const guid perfinfo_class = *guid::parse("ce1dbfb4-137e-4da6-87b0-3f59aa102cbc");
const guid stackwalk_class = *guid::parse("def2fe46-7bd6-4b80-bd94-f57fe20d0ce3");

constexpr std::size_t big_queue = std::size_t{128} << 20;  // a whole capture: nothing dropped

std::string message_of(const result<event_trace>& t) {
  return t.ok() ? std::string() : t.failure().message;
}

// Reads a trace whose capture the simulated ETW replays, batch after batch, until the whole
// capture was delivered and every queued event read. No time is asserted: a replay that
// never ends fails the test after a minute of empty batches.
template <class OnBatch>
void read_all(event_trace& trace, simulated_etw& etw, event_batch& batch, OnBatch&& on_batch) {
  int idle = 0;
  for (;;) {
    // Asked before reading: when it is true, everything delivered is queued already.
    const bool replayed = etw.wait_for_replay(0ms);
    const batch_result got = trace.next_batch(batch, 20ms);
    if (got == batch_result::events) {
      on_batch(static_cast<const event_batch&>(batch));
      idle = 0;
      continue;
    }
    if (got == batch_result::ended || replayed) return;
    REQUIRE_MESSAGE(++idle < 3000, "the replay did not end");
  }
}

// Every event of a trace, as JSON lines.
std::vector<std::string> read_json(event_trace& trace, simulated_etw& etw,
                                   std::size_t batch_size = 64) {
  event_batch batch(batch_size);
  std::vector<std::string> lines;
  read_all(trace, etw, batch, [&](const event_batch& b) {
    for (const event& e : b.events()) {
      lines.emplace_back();
      lines.back() = formats::event_json(e);
    }
  });
  return lines;
}

// What `etwcat dump` prints for the events of `capture` that `keep` selects.
template <class Keep>
std::vector<std::string> dump(const std::filesystem::path& capture, Keep keep) {
  diagnostics diags;
  auto trace = etl::merged_reader::open(std::span(&capture, 1), diags);
  decode::decoder decoder;
  trace::pipeline pipeline(decoder);
  pipeline.attribute_processes(false);  // event_trace hands out events as their records are
  std::vector<std::string> lines;
  pipeline.run(trace, [&](const event& e) {
    if (keep(e)) {
      lines.emplace_back();
      lines.back() = formats::event_json(e);
    }
    return true;
  });
  return lines;
}

// How many events of each kernel class and type a trace handed out, and of each provider.
struct tally {
  std::map<std::pair<guid, int>, std::uint64_t> kernel;  // (class, type)
  std::map<guid, std::uint64_t> providers;               // manifest providers
  std::uint64_t events = 0;
  std::uint64_t with_stack = 0;  // user events with a stack item

  void add(const event& e) {
    ++events;
    if (e.is_classic) {
      ++kernel[{e.provider_guid, e.classic_type}];
    } else {
      ++providers[e.provider_guid];
      with_stack += e.has_stack_trace;
    }
  }
  std::uint64_t of(const guid& c, int type) const {
    auto it = kernel.find({c, type});
    return it == kernel.end() ? 0 : it->second;
  }
  std::uint64_t of(const guid& p) const {
    auto it = providers.find(p);
    return it == providers.end() ? 0 : it->second;
  }
  std::uint64_t of_class(const guid& c) const {
    std::uint64_t n = 0;
    for (const auto& [key, count] : kernel) n += key.first == c ? count : 0;
    return n;
  }
};

tally read_tally(event_trace& trace, simulated_etw& etw) {
  event_batch batch(256);
  tally t;
  read_all(trace, etw, batch, [&](const event_batch& b) {
    for (const event& e : b.events()) t.add(e);
  });
  return t;
}

}  // namespace

#ifndef _WIN32
TEST_CASE("event_trace: without ETW, start() says live tracing needs Windows") {
  auto trace = event_trace::builder("etwcat-x").system_provider("Process").start();
  REQUIRE_FALSE(trace.ok());
  CHECK(trace.failure().message == live::no_etw_message);
}
#endif

TEST_CASE("event_trace: the builder's options are what StartTrace and EnableTraceEx2 are asked") {
  simulated_etw etw;
  auto trace = event_trace::builder("etwcat-options")
                   .system_provider("Process,ImageLoad")
                   .provider("Microsoft-Windows-HttpService:4:2,12")
                   .buffer_size(256)
                   .min_buffers(16)
                   .max_buffers(64)
                   .flush(3s)
                   .clock(live::clock_type::system_time)
                   .log_file("trace.etl", live::file_mode::circular, 100)
                   .start(etw);
  REQUIRE_MESSAGE(trace.ok(), message_of(trace));
  CHECK(trace.value().name() == "etwcat-options");
  CHECK(trace.value().mode() == stream_mode::decoded);  // the default
  const auto p = etw.properties(u"etwcat-options");
  REQUIRE(p);
  CHECK(p->buffer_size == 256);
  CHECK(p->minimum_buffers == 16);
  CHECK(p->maximum_buffers == 64);
  CHECK(p->flush_timer == 3);
  CHECK(p->wnode.client_context == 2);
  CHECK(p->maximum_file_size == 100);
  // Kernel groups and a provider in one session: a system logger of its own name.
  CHECK(p->enable_flags == 0x5);
  CHECK(p->log_file_mode ==
        (live::log_file_mode::real_time | live::log_file_mode::file_circular |
         live::log_file_mode::independent_session | live::log_file_mode::system_logger));
  const auto http = etw.enabled(u"etwcat-options", http_service);
  REQUIRE(http);
  CHECK(http->level == 4);
  CHECK(http->event_ids == std::vector<std::uint16_t>{2, 12});
  CHECK(http->enable_property == 0);  // no enrichment asked
  CHECK(etw.information_calls().empty());
  // The NT Kernel Logger, for systems before Windows 8.
  auto kernel = event_trace::builder().system_provider("Process").kernel_logger().start(etw);
  REQUIRE_MESSAGE(kernel.ok(), message_of(kernel));
  CHECK(kernel.value().name() == "NT Kernel Logger");
  CHECK(kernel.value().options().system_logger == false);
  CHECK(etw.properties(u"NT Kernel Logger")->enable_flags == 0x1);
  // The destructor stops the sessions.
  trace = error{"gone", 0};
  CHECK(etw.running() == std::vector<std::u16string>{u"NT Kernel Logger"});
}

TEST_CASE("event_trace: a builder's mistakes come back from start(), and no session is left") {
  simulated_etw etw;
  auto fails = [&](const event_trace::builder& b) {
    auto t = b.start(etw);
    REQUIRE_FALSE(t.ok());
    CHECK(etw.running().empty());
    return t.failure().message;
  };
  CHECK(fails(event_trace::builder("x").system_provider("Proces")) ==
        "system providers \"Proces\": unknown group \"Proces\" (Process, Thread, ImageLoad, "
        "FileIo, DiskIo, Registry, Network, Memory, ContextSwitch, Cpu, Alpc, Syscall, "
        "Interrupt)");
  CHECK(fails(event_trace::builder("x").provider("Microsoft-Windows-HttpService:loud")) ==
        "provider \"Microsoft-Windows-HttpService:loud\": level \"loud\" is neither a number "
        "(0-255) nor a level name (critical, error, warning, information, verbose)");
  CHECK(fails(event_trace::builder("x")) ==
        "nothing to trace: add a system provider (\"Process\", …) or a provider");
  CHECK(fails(event_trace::builder("x").system_provider("Process").kernel_logger().provider(
            "Microsoft-Windows-HttpService")) ==
        "the NT Kernel Logger takes kernel groups only; without kernel_logger() a system-logger "
        "session (Windows 8 and later) takes both");
  CHECK(fails(event_trace::builder("x").with_cpu_samples(50ns)) ==
        "the CPU sampling interval must be between 100 ns and 429 s");
  CHECK(fails(event_trace::builder("x").system_provider("Process").with_process_filter({})) ==
        "a process filter needs at least one process ID");
  // ETW's own refusals, as session.h words them.
  auto first = event_trace::builder("etwcat-busy").system_provider("Process").start(etw);
  REQUIRE(first.ok());
  auto second = event_trace::builder("ETWCAT-BUSY").system_provider("Process").start(etw);
  REQUIRE_FALSE(second.ok());
  CHECK(second.failure().message ==
        "session ETWCAT-BUSY already runs; `etwcat stop ETWCAT-BUSY` ends it");
  simulated_etw unelevated({.elevated = false});
  auto denied = event_trace::builder("etwcat-x").system_provider("Process").start(unelevated);
  REQUIRE_FALSE(denied.ok());
  CHECK(denied.failure().message ==
        "starting session etwcat-x: access denied: needs an Administrator prompt (or the "
        "Performance Log Users group)");
}

TEST_CASE(
    "event_trace: with_stack_traces, with_thread_context, with_process_filter in what ETW "
    "is asked") {
  simulated_etw etw;
  auto trace = event_trace::builder("etwcat-enriched")
                   .system_provider("Process,ImageLoad")
                   .provider("Microsoft-Windows-Kernel-File")
                   .with_stack_traces()
                   .with_thread_context()
                   .with_process_filter({3676, 3988})
                   .start(etw);
  REQUIRE_MESSAGE(trace.ok(), message_of(trace));
  namespace ep = live::enable_property;
  const auto file = etw.enabled(u"etwcat-enriched", kernel_file);
  REQUIRE(file);
  CHECK(file->enable_property == (ep::stack_trace | ep::sid | ep::ts_id));
  CHECK(file->process_ids == std::vector<std::uint32_t>{3676, 3988});
  // Thread context adds the Thread group (0x2) to Process (0x1) and ImageLoad (0x4).
  CHECK(etw.properties(u"etwcat-enriched")->enable_flags == 0x7);
  // Stacks for the three groups' events worth one.
  std::vector<std::pair<guid, int>> stacks;
  for (const auto& id : etw.stack_events(u"etwcat-enriched")) {
    stacks.emplace_back(id.event_class, id.type);
  }
  CHECK(stacks == std::vector<std::pair<guid, int>>{
                      {process_class, 1}, {thread_class, 1}, {image_class, 10}});
  // More than ETW's 8 PIDs: the provider is enabled without a PID filter, the consumer
  // filters alone.
  auto many = event_trace::builder("etwcat-many")
                  .provider("Microsoft-Windows-Kernel-File")
                  .with_process_filter({1, 2, 3, 4, 5, 6, 7, 8, 9})
                  .start(etw);
  REQUIRE_MESSAGE(many.ok(), message_of(many));
  CHECK(etw.enabled(u"etwcat-many", kernel_file)->process_ids.empty());
  // User providers only, with thread context: no kernel group is added.
  CHECK(many.value().options().kernel_flags == 0);
  CHECK_FALSE(many.value().options().system_logger);
}

TEST_SUITE("corpus") {
  TEST_CASE(
      "event_trace: the seed's first example, Process events in batches and the names "
      "of the processes started") {
    ETWCAT_REQUIRE_CORPUS();
    const auto capture = testing::corpus_file("perfview/diaghub/diaghub.kernel.1.etl");
    simulated_etw etw;
    etw.feed(capture);
    auto trace = event_trace::builder("ProcessMonitor")
                     .system_provider("Process")
                     .with_detailed_events()
                     .start(etw);
    REQUIRE_MESSAGE(trace.ok(), message_of(trace));
    event_batch batch(64);
    std::vector<std::tuple<std::uint32_t, std::uint32_t, std::string>> started;
    std::vector<std::string> process_lines;
    std::uint64_t read = 0;
    std::size_t largest = 0;
    read_all(trace.value(), etw, batch, [&](const event_batch& b) {
      largest = std::max(largest, b.size());
      for (const event& e : b.events()) {
        ++read;
        if (e.provider_guid == process_class) {
          process_lines.emplace_back();
          process_lines.back() = formats::event_json(e);
        }
        const decode::typed_event view = decode::typed_view(e);
        if (const auto* start = std::get_if<decode::process_start>(&view);
            start && !start->rundown) {
          started.emplace_back(start->process_id, start->parent_id, std::string(start->image_name));
        }
      }
    });
    // The 18 processes the capture saw start, as `etwcat dump` prints them.
    using p = std::tuple<std::uint32_t, std::uint32_t, std::string>;
    CHECK(started == std::vector<p>{{13540, 13160, "VsDebugConsole.exe"},
                                    {11896, 13540, "conhost.exe"},
                                    {13860, 13540, "cmd.exe"},
                                    {2044, 13160, "git.exe"},
                                    {4700, 2044, "conhost.exe"},
                                    {13940, 2044, "git.exe"},
                                    {3964, 13160, "git.exe"},
                                    {5916, 3964, "conhost.exe"},
                                    {9872, 3964, "git.exe"},
                                    {1736, 13160, "git.exe"},
                                    {7144, 1736, "conhost.exe"},
                                    {2140, 13540, "locProject.exe"},
                                    {3020, 1736, "git.exe"},
                                    {9052, 13160, "git.exe"},
                                    {13844, 9052, "conhost.exe"},
                                    {13872, 9052, "git.exe"},
                                    {14024, 888, "svchost.exe"},
                                    {14244, 13160, "ScriptedSandbox64.exe"}});
    // Every Process event, field for field as dump prints it: 223 DCStart, 223 DCStop, 18
    // Start, 3 Stop, 3 Terminate, 9 Defunct.
    CHECK(process_lines.size() == 479);
    CHECK(process_lines ==
          dump(capture, [](const event& e) { return e.provider_guid == process_class; }));
    // With the log-file header events (13) and the system configuration rundown (406); no
    // image loads (not asked for).
    CHECK(read == 479 + 13 + 406);
    CHECK(largest <= 64);  // the batch's capacity
    auto stats = trace.value().stop();
    REQUIRE(stats.ok());
    CHECK(stats.value().session.name == "ProcessMonitor");
    CHECK(stats.value().consumer.delivered == read);
    CHECK(stats.value().consumer.dropped == 0);
    CHECK(stats.value().read == read);
    CHECK(etw.running().empty());
    CHECK(trace.value().next_batch(batch, 0ms) == batch_result::ended);
  }

  TEST_CASE(
      "event_trace: stream modes: raw gives records, decoded events, both the two of "
      "each event") {
    ETWCAT_REQUIRE_CORPUS();
    const auto capture = testing::corpus_file("tx/HTTP_Server.etl");
    const auto dumped = dump(capture, [](const event&) { return true; });
    REQUIRE(dumped.size() == 2042);
    SUBCASE("raw") {
      simulated_etw etw;
      etw.feed(capture);
      auto trace = event_trace::builder("etwcat-raw")
                       .provider("Microsoft-Windows-HttpService")
                       .stream(stream_mode::raw)
                       .start(etw);
      REQUIRE(trace.ok());
      event_batch batch;
      std::uint64_t records = 0, http = 0, payload_bytes = 0;
      read_all(trace.value(), etw, batch, [&](const event_batch& b) {
        CHECK(b.events().empty());
        REQUIRE(b.records().size() == b.size());
        for (const etl::record_view& r : b.records()) {
          ++records;
          http += r.provider_guid() == http_service;
          payload_bytes += r.payload().size();
        }
      });
      CHECK(records == 2042);
      CHECK(http == 2041);  // and the log-file header
      // The same payloads dump reads from the file.
      diagnostics diags;
      auto file = etl::merged_reader::open(std::span(&capture, 1), diags);
      etl::record_view r;
      std::uint64_t file_payload_bytes = 0;
      while (file.next(r)) file_payload_bytes += r.payload().size();
      CHECK(payload_bytes == file_payload_bytes);
    }
    SUBCASE("decoded") {
      simulated_etw etw;
      etw.feed(capture);
      auto trace = event_trace::builder("etwcat-decoded")
                       .provider("Microsoft-Windows-HttpService")
                       .with_detailed_events()
                       .start(etw);
      REQUIRE(trace.ok());
      CHECK(read_json(trace.value(), etw) == dumped);
    }
    SUBCASE("both") {
      simulated_etw etw;
      etw.feed(capture);
      auto trace = event_trace::builder("etwcat-both")
                       .provider("Microsoft-Windows-HttpService")
                       .stream(stream_mode::both)
                       .with_detailed_events()
                       .start(etw);
      REQUIRE(trace.ok());
      event_batch batch(100);
      std::vector<std::string> lines;
      std::uint64_t same = 0;
      read_all(trace.value(), etw, batch, [&](const event_batch& b) {
        REQUIRE(b.records().size() == b.size());
        REQUIRE(b.events().size() == b.size());
        for (std::size_t i = 0; i < b.size(); ++i) {
          const etl::record_view& r = b.records()[i];
          const event& e = b.events()[i];
          same += r.provider_guid() == e.provider_guid && r.payload().data() == e.raw_data.data() &&
                  r.payload().size() == e.raw_data.size();
          lines.emplace_back();
          lines.back() = formats::event_json(e);
        }
      });
      CHECK(same == 2042);
      CHECK(lines == dumped);
    }
  }

  TEST_CASE(
      "event_trace: a batch owns copies of its records until the next call, and stops "
      "allocating once warm") {
    ETWCAT_REQUIRE_CORPUS();
    simulated_etw etw;
    etw.feed(testing::corpus_file("tx/HTTP_Server.etl"));
    auto trace = event_trace::builder("etwcat-lifetime")
                     .provider("Microsoft-Windows-HttpService")
                     .stream(stream_mode::both)
                     .with_detailed_events()
                     .queue_capacity(big_queue)
                     .start(etw);
    REQUIRE(trace.ok());
    REQUIRE(etw.wait_for_replay());  // all 2042 events queued
    event_batch first(16), second(16);
    REQUIRE(trace.value().next_batch(first, 1s) == batch_result::events);
    REQUIRE(first.size() == 16);  // capacity, though more are queued
    std::vector<std::vector<std::byte>> kept;
    std::vector<std::string> kept_json;
    for (std::size_t i = 0; i < first.size(); ++i) {
      const auto bytes = first.records()[i].bytes();
      kept.emplace_back(bytes.begin(), bytes.end());
      kept_json.emplace_back();
      kept_json.back() = formats::event_json(first.events()[i]);
    }
    // The consumer's ring moves on (its slots are reused); the first batch keeps its own copies.
    std::uint64_t read = first.size();
    const std::byte* arena = nullptr;
    int moves = 0, batches = 0;
    while (trace.value().next_batch(second, 0ms) == batch_result::events) {
      read += second.size();
      ++batches;
      if (second.records()[0].bytes().data() != arena) ++moves;
      arena = second.records()[0].bytes().data();
    }
    CHECK(read == 2042);
    CHECK(batches == (2042 - 16 + 15) / 16);
    for (std::size_t i = 0; i < first.size(); ++i) {
      CHECK(std::ranges::equal(first.records()[i].bytes(), kept[i]));
      text_buffer json;
      formats::append_event_json(json, first.events()[i]);
      CHECK(json == kept_json[i]);
    }
    // The arena grows a few times to its largest batch, then stays: no allocation per event.
    MESSAGE("the arena moved " << moves << " times in " << batches << " batches");
    CHECK(moves <= 8);
    // clear() empties the batch and keeps its storage.
    first.clear();
    CHECK(first.empty());
    CHECK(first.records().empty());
    CHECK(first.capacity() == 16);
  }

  TEST_CASE(
      "event_trace: with_stack_traces, user events carry their stacks and kernel events "
      "are followed by theirs") {
    ETWCAT_REQUIRE_CORPUS();
    const auto capture = testing::corpus_file("perfview/net.4.5.2.x64.etl");
    auto traced = [&](bool stacks, const char* groups) {
      simulated_etw etw;
      etw.feed(capture);
      auto builder = event_trace::builder("etwcat-stacks");
      builder.system_provider(groups)
          .provider("Microsoft-Windows-Kernel-File")
          .queue_capacity(big_queue);
      if (stacks) builder.with_stack_traces();
      auto trace = builder.start(etw);
      REQUIRE_MESSAGE(trace.ok(), message_of(trace));
      return read_tally(trace.value(), etw);
    };
    // In the capture: 562 Kernel-File events, each with a stack; 252 StackWalk/Stack events,
    // for 2 image loads, 1 thread start and 249 CPU samples.
    const tally with = traced(true, "Process,Thread,ImageLoad,Cpu");
    CHECK(with.of(kernel_file) == 562);
    CHECK(with.with_stack == 562);
    CHECK(with.of(stackwalk_class, 32) == 252);
    CHECK(with.of(perfinfo_class, 46) == 79528);
    const tally without = traced(false, "Process,Thread,ImageLoad,Cpu");
    CHECK(without.of(kernel_file) == 562);
    CHECK(without.with_stack == 0);
    CHECK(without.of_class(stackwalk_class) == 0);
    CHECK(without.of(perfinfo_class, 46) == 79528);
    // Stacks come for the events of the groups asked for only: the image loads'.
    const tally images = traced(true, "ImageLoad");
    CHECK(images.of(stackwalk_class, 32) == 2);
    CHECK(images.of(image_class, 10) == 35);
  }

  TEST_CASE(
      "event_trace: with_thread_context adds the Thread group, whose rundown names every "
      "running thread") {
    ETWCAT_REQUIRE_CORPUS();
    const auto capture = testing::corpus_file("perfview/net.4.5.2.x64.etl");
    auto traced = [&](bool context) {
      simulated_etw etw;
      etw.feed(capture);
      auto builder = event_trace::builder("etwcat-threads");
      builder.system_provider("Process").queue_capacity(big_queue);
      if (context) builder.with_thread_context();
      auto trace = builder.start(etw);
      REQUIRE_MESSAGE(trace.ok(), message_of(trace));
      return read_tally(trace.value(), etw);
    };
    const tally with = traced(true);
    CHECK(with.of(thread_class, 3) == 670);  // Thread/DCStart
    CHECK(with.of(thread_class, 4) == 664);  // Thread/DCStop
    CHECK(with.of(thread_class, 1) == 9);
    CHECK(with.of(process_class, 1) == 1);
    const tally without = traced(false);
    CHECK(without.of_class(thread_class) == 0);
    CHECK(without.of(process_class, 1) == 1);
  }

  TEST_CASE(
      "event_trace: with_detailed_events decodes payloads, without them events carry "
      "RawData") {
    ETWCAT_REQUIRE_CORPUS();
    const auto capture = testing::corpus_file("perfview/diaghub/diaghub.kernel.1.etl");
    for (const bool detailed : {true, false}) {
      CAPTURE(detailed);
      simulated_etw etw;
      etw.feed(capture);
      auto builder = event_trace::builder("etwcat-detail");
      builder.system_provider("Process").stream(stream_mode::both);
      if (detailed) builder.with_detailed_events();
      auto trace = builder.start(etw);
      REQUIRE(trace.ok());
      event_batch batch;
      std::uint64_t starts = 0, decoded = 0, raw_only = 0, typed = 0;
      std::string first_image;
      read_all(trace.value(), etw, batch, [&](const event_batch& b) {
        for (std::size_t i = 0; i < b.size(); ++i) {
          const event& e = b.events()[i];
          if (e.provider_guid != process_class || e.classic_type != 1) continue;
          ++starts;
          CHECK(e.event_name() == "Process/Start");  // named from the header either way
          CHECK(e.raw_data.size() == b.records()[i].payload().size());
          decoded += e.payload_decoded && e.data.items().size() == 12;
          raw_only += !e.payload_decoded && e.data.empty() && !e.raw_data.empty();
          const decode::typed_event view = decode::typed_view(e);
          if (const auto* start = std::get_if<decode::process_start>(&view)) {
            ++typed;
            if (first_image.empty()) first_image = start->image_name;
          }
        }
      });
      CHECK(starts == 18);
      if (detailed) {
        CHECK(decoded == 18);  // UniqueProcessKey … ApplicationID
        CHECK(typed == 18);
        CHECK(first_image == "VsDebugConsole.exe");
      } else {
        CHECK(raw_only == 18);
        CHECK(typed == 0);
      }
    }
  }

  TEST_CASE(
      "event_trace: with_cpu_samples sets the machine's interval, and every sample "
      "carries its CPU") {
    ETWCAT_REQUIRE_CORPUS();
    const auto capture = testing::corpus_file("perfview/net.4.5.2.x64.etl");
    simulated_etw etw;
    etw.feed(capture);
    auto trace = event_trace::builder("etwcat-cpu")
                     .with_cpu_samples(125us)
                     .stream(stream_mode::both)
                     .queue_capacity(big_queue)
                     .start(etw);
    REQUIRE_MESSAGE(trace.ok(), message_of(trace));
    CHECK(etw.properties(u"etwcat-cpu")->enable_flags == 0x01000000);
    CHECK(etw.profile_interval() == 1250);  // 125 µs in 100 ns units, 8 kHz
    const auto calls = etw.information_calls();
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].session == 0);
    CHECK(calls[0].information_class == 5);
    // The samples of each CPU, as the capture's buffers hold them.
    std::map<std::uint16_t, std::uint64_t> expected;
    {
      diagnostics diags;
      auto file = etl::merged_reader::open(std::span(&capture, 1), diags);
      etl::record_view r;
      while (file.next(r)) {
        if (etl::is_kernel_kind(r.kind()) && r.group() == etl::kernel_group::perfinfo &&
            r.opcode() == 46) {
          ++expected[r.processor_index()];
        }
      }
    }
    REQUIRE(expected.size() == 8);
    std::map<std::uint16_t, std::uint64_t> per_cpu;
    std::uint64_t same_cpu = 0;
    event_batch batch(512);
    read_all(trace.value(), etw, batch, [&](const event_batch& b) {
      for (std::size_t i = 0; i < b.size(); ++i) {
        const event& e = b.events()[i];
        if (e.provider_guid != perfinfo_class || e.classic_type != 46) continue;
        ++per_cpu[e.processor_id];
        same_cpu += e.processor_id == b.records()[i].processor_index();
      }
    });
    CHECK(per_cpu == expected);
    CHECK(same_cpu == 79528);
  }

  TEST_CASE(
      "event_trace: with_process_filter keeps one process's events, user and kernel, and "
      "counts the rest") {
    ETWCAT_REQUIRE_CORPUS();
    const auto capture = testing::corpus_file("perfview/net.4.5.2.x64.etl");
    std::map<bool, std::uint64_t> delivered;
    for (const bool many : {false, true}) {
      CAPTURE(many);
      simulated_etw etw;
      etw.feed(capture);
      // Test.x64.exe is 3676; the other eight IDs run nothing in the capture.
      std::vector<std::uint32_t> ids{3676};
      if (many) ids.insert(ids.end(), {1, 2, 3, 5, 6, 7, 9, 10});
      auto trace = event_trace::builder("etwcat-pid")
                       .system_provider("Process,ImageLoad")
                       .provider("Microsoft-Windows-Kernel-File")
                       .with_cpu_samples()
                       .with_process_filter(ids)
                       .queue_capacity(big_queue)
                       .start(etw);
      REQUIRE_MESSAGE(trace.ok(), message_of(trace));
      // Sampling with a process filter adds the Thread group: whose thread a sample hit.
      CHECK(etw.properties(u"etwcat-pid")->enable_flags == (0x1 | 0x2 | 0x4 | 0x01000000));
      const tally t = read_tally(trace.value(), etw);
      // As counted from `etwcat dump` of the capture (tests/live/process_filter_test.cpp).
      CHECK(t.of(kernel_file) == 130);
      CHECK(t.of(process_class, 1) == 1);  // its start, logged by its parent 3508
      CHECK(t.of(process_class, 2) == 1);
      CHECK(t.of(image_class, 10) == 31);
      CHECK(t.of(image_class, 2) == 31);
      CHECK(t.of(thread_class, 1) == 4);
      CHECK(t.of(thread_class, 2) == 4);
      CHECK(t.of(perfinfo_class, 46) == 5129);
      CHECK(t.events == 130 + 1 + 1 + 31 + 31 + 4 + 4 + 5129);
      auto stats = trace.value().stop();
      REQUIRE(stats.ok());
      const live::consumer_counts& c = stats.value().consumer;
      CHECK(c.filtered > 0);
      CHECK(c.dropped == 0);
      CHECK(c.delivered == etw.delivered());
      CHECK(c.delivered - c.filtered == t.events);
      delivered[many] = c.delivered;
    }
    // ETW filters the provider by process itself when it can (8 IDs at most): then the 432
    // Kernel-File events of other processes never reach the consumer.
    CHECK(delivered[true] - delivered[false] == 562 - 130);
  }

  TEST_CASE("event_trace: run() hands each event to a callback until told to stop") {
    ETWCAT_REQUIRE_CORPUS();
    simulated_etw etw;
    etw.feed(testing::corpus_file("tx/HTTP_Server.etl"));
    auto started = event_trace::builder("etwcat-run")
                       .provider("Microsoft-Windows-HttpService")
                       .with_detailed_events()
                       .queue_capacity(big_queue)
                       .start(etw);
    REQUIRE(started.ok());
    event_trace& trace = started.value();
    REQUIRE(etw.wait_for_replay());
    // The callback stops it after 100 events.
    std::uint64_t seen = 0;
    auto first = trace.run([&](const event&) { return ++seen < 100; }, [] { return false; });
    REQUIRE(first.ok());
    CHECK(first.value() == 100);
    // A stop token asked from inside (another thread would do the same); the run resumes
    // with the event after the last one given.
    std::stop_source source;
    std::vector<std::string> lines;
    auto second = trace.run(
        [&](const event& e) {
          lines.emplace_back();
          lines.back() = formats::event_json(e);
          if (lines.size() == 500) source.request_stop();
        },
        source.get_token());
    REQUIRE(second.ok());
    CHECK(second.value() >= 500);
    CHECK(second.value() == lines.size());
    // The rest, records and events together, until the trace ends.
    REQUIRE(trace.stop().ok());
    std::uint64_t rest = 0;
    auto third = trace.run([&](const etl::record_view& r,
                               const event& e) { rest += r.provider_guid() == e.provider_guid; },
                           [] { return false; });
    CHECK_FALSE(third.ok());  // the trace streams decoded events only
    CHECK(third.failure().message ==
          "the callback takes records, but the trace streams decoded events only");
    auto fourth = trace.run([&](const event&) { ++rest; }, [] { return false; });
    REQUIRE(fourth.ok());
    CHECK(100 + second.value() + fourth.value() == 2042);
    CHECK(rest == fourth.value());
    // What run() gave is what dump prints, in order.
    const auto dumped =
        dump(testing::corpus_file("tx/HTTP_Server.etl"), [](const event&) { return true; });
    CHECK(std::equal(lines.begin(), lines.end(), dumped.begin() + 100));
  }

  TEST_CASE(
      "event_trace: stop() returns ETW's and the consumer's counts, and what is queued "
      "stays readable") {
    ETWCAT_REQUIRE_CORPUS();
    simulated_etw etw;
    etw.feed(testing::corpus_file("perfview/net.4.5.2.x64.etl"));
    // The smallest queue (128 KB), and nobody reading until ETW has delivered everything.
    auto started = event_trace::builder("etwcat-full")
                       .system_provider("Process,Thread,ImageLoad,Cpu")
                       .queue_capacity(1)
                       .stream(stream_mode::raw)
                       .start(etw);
    REQUIRE(started.ok());
    event_trace& trace = started.value();
    REQUIRE(etw.wait_for_replay());
    event_batch batch(32);
    REQUIRE(trace.next_batch(batch, 1s) == batch_result::events);
    auto stats = trace.stop();
    REQUIRE(stats.ok());
    const live::trace_statistics s = stats.value();
    CHECK(s.session.name == "etwcat-full");
    CHECK(s.session.buffers == 8);  // 2 a processor, as ETW raised the minimum
    CHECK(s.session.events_lost == 0);
    CHECK(s.read == 32);
    CHECK(s.consumer.delivered == etw.delivered());
    CHECK(s.consumer.dropped > 0);
    CHECK(s.consumer.filtered == 0);
    CHECK(s.consumer.lost_event_notices == 0);
    CHECK(etw.running().empty());
    // The events still queued are handed out after stop(); then the trace has ended.
    std::uint64_t after = 0;
    batch_result got;
    while ((got = trace.next_batch(batch, 0ms)) == batch_result::events) after += batch.size();
    CHECK(got == batch_result::ended);
    CHECK(32 + after + s.consumer.dropped + s.consumer.too_large == s.consumer.delivered);
    MESSAGE("delivered " << s.consumer.delivered << ", read " << 32 + after << ", dropped "
                         << s.consumer.dropped);
    // A second stop() says the same.
    auto again = trace.stop();
    REQUIRE(again.ok());
    CHECK(again.value().consumer.delivered == s.consumer.delivered);
    CHECK(again.value().read == 32);
  }
}
