// Tests for formats/jsonl_writer.h: the exact JSON lines of output-schema.md for hand-filled
// events, synthesized records, and the first event of a real capture; whole captures re-read
// with simdjson.
#include "formats/jsonl_writer.h"

#include <doctest/doctest.h>
#include <simdjson.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "lib/base/text_buffer.h"
#include "lib/etl/file_reader.h"
#include "lib/etl/merged_reader.h"
#include "lib/event/record_event.h"
#include "lib/trace/pipeline.h"
#include "tests/support/corpus.h"
#include "tests/support/decoding.h"
#include "tests/support/etl_builder.h"

using etwcat::event;
using etwcat::guid;
using etwcat::formats::append_event_json;

namespace {

std::string json_of(const event& e, etwcat::formats::jsonl_options options = {}) {
  etwcat::text_buffer out;
  append_event_json(out, e, options);
  return out.str();
}

guid guid_of(std::string_view text) { return guid::parse(text).value_or(guid{}); }

std::string read_all(std::FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::string text;
  char chunk[65536];
  for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, file)) > 0;) text.append(chunk, n);
  return text;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  for (std::size_t nl; (nl = text.find('\n', at)) != std::string::npos; at = nl + 1) {
    lines.push_back(text.substr(at, nl - at));
  }
  CHECK(at == text.size());  // every line ends in a newline
  return lines;
}

// What `writer` writes over one run, for writers made on a sink of our own.
template <class MakeWriter>
std::string written(const etwcat::formats::trace_info& info, const std::vector<event>& events,
                    MakeWriter make) {
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  {
    etwcat::formats::output_sink sink(file);
    auto writer = make(sink);
    writer->begin(info);
    for (const event& e : events) writer->write(e);
    writer->finish({});
  }
  std::string text = read_all(file);
  std::fclose(file);
  return text;
}

// Corpus captures read together as `etwcat dump A B` reads them (merged in time, decoded with
// the built-in schemas, attributed to processes), through a jsonl_writer; returns its output
// and counts the events.
std::string dump_jsonl(const std::vector<std::string>& files, std::uint64_t& events,
                       const etwcat::formats::field_selection& fields = {}) {
  etwcat::decode::decoder decoder;
  etwcat::diagnostics diags;
  std::vector<std::filesystem::path> paths;
  etwcat::formats::trace_info info;
  for (std::size_t i = 0; i < files.size(); ++i) {
    paths.push_back(etwcat::testing::corpus_file(files[i]));
    info.sources.push_back({.name = files[i], .index = static_cast<std::uint16_t>(i)});
  }
  auto trace = etwcat::etl::merged_reader::open(paths, diags);
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  events = 0;
  {
    etwcat::formats::output_sink sink(file);
    etwcat::formats::jsonl_writer writer(sink, {}, fields);
    writer.begin(info);
    etwcat::trace::pipeline pipeline(decoder);
    pipeline.run(trace, [&](const event& e) {
      ++events;
      writer.write(e);
      return true;
    });
    writer.finish({});
  }
  std::string text = read_all(file);
  std::fclose(file);
  return text;
}

}  // namespace

TEST_CASE("jsonl_writer: the empty event has a provider and a processor only") {
  event e;
  CHECK(json_of(e) == R"({"System":{"Provider":{"Guid":"{00000000-0000-0000-0000-000000000000}"},)"
                      R"("Execution":{"ProcessorID":0}}})");
}

TEST_CASE("jsonl_writer: every System key in the documented order") {
  event e;
  e.provider_name = "Provider \"A\"";
  e.provider_guid = guid_of("dd5ef90a-6398-47a4-ad34-4dcecdef795f");
  e.has_event_id = e.has_version = e.has_level = e.has_task = e.has_opcode = e.has_keywords =
      e.has_channel = true;
  e.event_id = 21;
  e.version = 1;
  e.level = 4;
  e.level_name = "Information";
  e.task = 4;
  e.task_name = "T";
  e.opcode = 28;
  e.opcode_name = "O";
  e.keywords = 0x8000000000000010;
  e.keyword_names = {"K1", "K2"};
  e.channel = 16;
  e.channel_name = "C";
  e.set_event_name("T/O");
  e.has_time = true;
  e.time_created = 129402940472257591;
  e.has_activity_id = e.has_related_activity_id = true;
  e.activity_id = guid_of("00000100-0000-0003-193d-42fb30bbcb01");
  e.related_activity_id = guid_of("00000100-0000-0003-193d-42fb30bbcb02");
  e.has_process_and_thread = true;
  e.process_id = 4;
  e.thread_id = 8;
  e.processor_id = 2;
  e.cpu_times = etwcat::cpu_time_kind::kernel_user;
  e.kernel_time = 15;
  e.user_time = 31;
  e.is_classic = e.has_group = true;
  e.group_name = "Process";
  e.classic_type = 1;
  e.header_type = "SYSTEM64";
  CHECK(json_of(e) ==
        R"({"System":{"Provider":{"Name":"Provider \"A\"",)"
        R"("Guid":"{DD5EF90A-6398-47A4-AD34-4DCECDEF795F}"},"EventID":21,"Version":1,)"
        R"("Level":{"Value":4,"Name":"Information"},"Task":{"Value":4,"Name":"T"},)"
        R"("Opcode":{"Value":28,"Name":"O"},)"
        R"("Keywords":{"Mask":"0x8000000000000010","Name":["K1","K2"]},)"
        R"("Channel":{"Value":16,"Name":"C"},"EventName":"T/O",)"
        R"("TimeCreated":{"SystemTime":"2011-01-23T22:07:27.2257591Z"},)"
        R"("Correlation":{"ActivityID":"{00000100-0000-0003-193D-42FB30BBCB01}",)"
        R"("RelatedActivityID":"{00000100-0000-0003-193D-42FB30BBCB02}"},)"
        R"("Execution":{"ProcessID":4,"ThreadID":8,"ProcessorID":2,"KernelTime":15,"UserTime":31},)"
        R"("Classic":{"Group":"Process","Type":1,"HeaderType":"SYSTEM64"}}})");
}

TEST_CASE("jsonl_writer: ProcessorTime replaces KernelTime and UserTime") {
  event e;
  e.cpu_times = etwcat::cpu_time_kind::processor;
  e.processor_time = 677443;
  CHECK(json_of(e).find(R"("Execution":{"ProcessorID":0,"ProcessorTime":677443})") !=
        std::string::npos);
}

TEST_CASE("jsonl_writer: ExtendedData keys and RawData") {
  const std::array<std::byte, 16> frames = {
      std::byte{0x10}, std::byte{0x32}, std::byte{0x54}, std::byte{0x76},
      std::byte{0xF6}, std::byte{0x7F}, std::byte{0},    std::byte{0},
      std::byte{0xEF}, std::byte{0xCD}, std::byte{0xAB}, std::byte{0x89},
      std::byte{0x67}, std::byte{0x45}, std::byte{0x23}, std::byte{0x01}};
  const std::array<std::byte, 3> raw = {std::byte{0x0A}, std::byte{0x0B}, std::byte{0xFF}};
  event e;
  e.has_stack_trace = true;
  e.stack.pointer_size = 8;
  e.stack.match_id = 7;
  e.stack.frames = frames;
  e.set_sid("S-1-5-18");
  e.has_terminal_session_id = true;
  e.terminal_session_id = 1;
  e.has_stack_key = true;
  e.stack_key_item = {3, 0xFFFF800012345678};
  e.has_event_key = true;
  e.event_key = 0x1234;
  e.has_process_start_key = true;
  e.process_start_key = 0x2000000000001;
  e.has_container_id = true;
  e.container_id = "{c}";
  e.other_items.push_back({4, std::span<const std::byte>(raw).first(2)});
  e.raw_data = raw;
  CHECK(json_of(e) == R"({"System":{"Provider":{"Guid":"{00000000-0000-0000-0000-000000000000}"},)"
                      R"("Execution":{"ProcessorID":0}},)"
                      R"("ExtendedData":{"StackTrace":["0x7FF676543210","0x123456789ABCDEF"],)"
                      R"("StackMatchID":7,"Sid":"S-1-5-18","TerminalSessionID":1,)"
                      R"("StackKey":{"MatchID":3,"Key":"0xFFFF800012345678"},"EventKey":"0x1234",)"
                      R"("ProcessStartKey":"0x2000000000001","ContainerID":"{c}",)"
                      R"("Other":[{"Type":4,"Data":"0A0B"}]},"RawData":"0A0BFF"})");
  // A decoded payload drops RawData unless --raw asks for it.
  e = event{};
  e.raw_data = raw;
  e.payload_decoded = true;
  CHECK(json_of(e).find("RawData") == std::string::npos);
  CHECK(json_of(e, {.always_raw = true}).find(R"("RawData":"0A0BFF")") != std::string::npos);
}

TEST_CASE("jsonl_writer: write() appends one line per event to the sink") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  {
    etwcat::formats::output_sink sink(file, 150);  // one event fits, two flush
    etwcat::formats::jsonl_writer writer(sink);
    writer.begin({});
    event e;
    e.processor_id = 1;
    writer.write(e);
    CHECK(sink.buffer().size() == json_of(e).size() + 1);
    writer.write(e);
    CHECK(sink.buffer().empty());
    writer.finish({});
    CHECK_FALSE(sink.failed());
  }
  std::rewind(file);
  std::string text(4096, '\0');
  text.resize(std::fread(text.data(), 1, text.size(), file));
  std::fclose(file);
  event e;
  e.processor_id = 1;
  CHECK(text == json_of(e) + "\n" + json_of(e) + "\n");
}

TEST_CASE("jsonl_writer: ProcessName and Attributed follow ThreadID in Execution") {
  event e;
  e.has_process_and_thread = true;
  e.process_id = 4;
  e.thread_id = 8;
  e.process_name = "svchost.exe";
  e.attributed = true;
  e.processor_id = 1;
  CHECK(json_of(e).find(R"("Execution":{"ProcessID":4,"ThreadID":8,"ProcessName":"svchost.exe",)"
                        R"("Attributed":true,"ProcessorID":1})") != std::string::npos);
  // Not attributed, name unknown: neither key.
  e.process_name = {};
  e.attributed = false;
  CHECK(json_of(e).find(R"("Execution":{"ProcessID":4,"ThreadID":8,"ProcessorID":1})") !=
        std::string::npos);
}

TEST_CASE("jsonl_writer: System.Source names the input, only when there are several") {
  event a, b;
  a.source = 0;
  b.source = 1;
  b.decode_error = "short";
  const auto make = [](etwcat::formats::output_sink& sink) {
    return std::make_unique<etwcat::formats::jsonl_writer>(sink);
  };
  etwcat::formats::trace_info one;
  one.sources.push_back({.name = "a.etl", .index = 0});
  CHECK(written(one, {a}, make) == json_of(a) + "\n");
  etwcat::formats::trace_info two = one;
  two.sources.push_back({.name = "dir/b \"x\".etl", .index = 1});
  const std::vector<std::string> lines = lines_of(written(two, {a, b}, make));
  REQUIRE(lines.size() == 2);
  // Last in System, after DecodeError; the name JSON-escaped.
  CHECK(lines[0].ends_with(R"("Execution":{"ProcessorID":0},"Source":"a.etl"}})"));
  CHECK(lines[1].ends_with(R"("DecodeError":"short","Source":"dir/b \"x\".etl"}})"));
}

TEST_CASE("jsonl_writer: with --fields each line is a flat object of the fields present") {
  event e;
  e.has_event_id = true;
  e.event_id = 2;
  e.data.add_string("ImageName", "a\"b.exe");
  const std::vector<std::string> paths = {"System.EventID", "EventData.imagename",
                                          "System.Execution.ProcessID"};
  const auto fields = etwcat::formats::field_selection::parse(paths);
  const auto make = [&](etwcat::formats::output_sink& sink) {
    return std::make_unique<etwcat::formats::jsonl_writer>(sink, etwcat::formats::jsonl_options{},
                                                           fields);
  };
  // No ProcessID in the event: left out, not null.
  CHECK(written({}, {e}, make) == R"({"System.EventID":2,"EventData.imagename":"a\"b.exe"})"
                                  "\n");
}

TEST_SUITE("corpus") {
  TEST_CASE("jsonl_writer: every line of several captures read at once parses with simdjson") {
    ETWCAT_REQUIRE_CORPUS();
    const std::vector<std::string> files = {"tx/HTTP_Server.etl", "perfview/net.4.5.2.x86.etl",
                                            "krabsetw/powershell.etl"};
    std::uint64_t events = 0;
    const std::vector<std::string> lines = lines_of(dump_jsonl(files, events));
    CHECK(lines.size() == events);
    CHECK(events > 10000);
    simdjson::dom::parser parser;
    std::set<std::string> sources_seen;
    std::uint64_t bad = 0, named = 0;
    for (const std::string& line : lines) {
      simdjson::dom::element doc;
      if (parser.parse(line).get(doc) != simdjson::SUCCESS) {
        if (++bad <= 3) FAIL_CHECK("not JSON: " << line);
        continue;
      }
      std::string_view source;
      REQUIRE(doc["System"]["Source"].get(source) == simdjson::SUCCESS);
      sources_seen.emplace(source);
      // Source is the last member of System.
      simdjson::dom::object system;
      REQUIRE(doc["System"].get(system) == simdjson::SUCCESS);
      std::string_view last;
      for (auto [key, value] : system) last = key;
      CHECK(last == "Source");
      std::string_view process;
      if (doc["System"]["Execution"]["ProcessName"].get(process) == simdjson::SUCCESS) ++named;
    }
    CHECK(bad == 0);
    CHECK(sources_seen == std::set<std::string>(files.begin(), files.end()));
    MESSAGE(named << " of " << events << " events name their process");
    // One input: no Source, so the lines are the same as before it existed.
    std::uint64_t single = 0;
    const std::string alone = dump_jsonl({"tx/HTTP_Server.etl"}, single);
    CHECK(single == 2042);
    CHECK(alone.find("\"Source\"") == std::string::npos);
  }

  TEST_CASE("jsonl_writer: the first event of tx/HTTP_Server.etl") {
    ETWCAT_REQUIRE_CORPUS();
    // Tx's "first event" is the first the ETW API delivers, which merges the per-CPU buffers
    // by time: the record with the smallest timestamp after the header, not the first in the
    // file. Find its position, then read up to it again (a record_view dies with its buffer).
    const auto path = etwcat::testing::corpus_file("tx/HTTP_Server.etl");
    etwcat::diagnostics diags;
    std::uint64_t earliest_index = 0;
    {
      auto reader = etwcat::etl::file_reader::open(path, diags);
      REQUIRE(reader.ok());
      etwcat::etl::record_view record;
      std::uint64_t index = 0, earliest = UINT64_MAX;
      REQUIRE(reader.value().next(record));  // the log-file header record
      while (reader.value().next(record)) {
        ++index;
        if (record.timestamp() < earliest) {
          earliest = record.timestamp();
          earliest_index = index;
        }
      }
    }
    auto reader = etwcat::etl::file_reader::open(path, diags);
    REQUIRE(reader.ok());
    const etwcat::etl::trace_clock clock(reader.value().header());
    etwcat::etl::record_view record;
    for (std::uint64_t i = 0; i <= earliest_index; ++i) REQUIRE(reader.value().next(record));
    event e;
    etwcat::fill_event(record, clock, e);
    // Tx (EtwTest.cs) reads this event as: Id 21, Version 0, Channel 16, Level 4, Opcode 28,
    // Task 4, Keyword 0x8000000000000010, Flags 0x240, ProcessId 0, ThreadId 0, ProcessorTime
    // 677443, TimeStamp FILETIME 129402940472257591 (= 2011-01-23T22:07:27.2257591Z), 72 bytes
    // of user data, no extended items. Tx's ProcessorTime is the raw 8-byte union; Flags 0x240
    // has neither PRIVATE_SESSION nor NO_CPUTIME, so it reads as KernelTime + UserTime.
    const std::string line = json_of(e);
    MESSAGE(line);
    CHECK(e.time_created == 129402940472257591);
    CHECK(line ==
          R"({"System":{"Provider":{"Guid":"{DD5EF90A-6398-47A4-AD34-4DCECDEF795F}"},)"
          R"("EventID":21,"Version":0,"Level":{"Value":4,"Name":"Information"},)"
          R"("Task":{"Value":4},"Opcode":{"Value":28},)"
          R"("Keywords":{"Mask":"0x8000000000000010"},"Channel":{"Value":16},)"
          R"j("EventName":"EventID(21)",)j"
          R"("TimeCreated":{"SystemTime":"2011-01-23T22:07:27.2257591Z"},)"
          R"("Correlation":{"ActivityID":"{00000100-0000-0003-193D-42FB30BBCB01}"},)"
          R"("Execution":{"ProcessID":0,"ThreadID":0,"ProcessorID":3,)"
          R"("KernelTime":677443,"UserTime":0}},)"
          R"("RawData":"1020E90380FAFFFF1C00000017000050000000002001489800000FFF00005EFE0A7810)"
          R"(9D000000001C000000170093CD000000002001489800000FFF00005EFE0A50E41000000000"})");
    CHECK(e.raw_data.size() == 72);
  }

  TEST_CASE("jsonl_writer: a payload with bytes left over has DecodeWarning and Surplus") {
    ETWCAT_REQUIRE_CORPUS();
    // The first ID 11 of tx/KernelNetwork.etl: 32 bytes where the template describes 28.
    etwcat::decode::decoder decoder;
    etwcat::testing::add_provider_manifest(decoder, "microsoft-Tx/SystemEvents.man");
    std::string line, raw_line;
    etwcat::testing::decode_capture(decoder, "tx/KernelNetwork.etl",
                                    [&](const auto&, const event& e) {
                                      if (!line.empty() || e.event_id != 11 || !e.has_event_id)
                                        return;
                                      line = json_of(e);
                                      etwcat::formats::jsonl_options raw;
                                      raw.always_raw = true;
                                      raw_line = json_of(e, raw);
                                    });
    REQUIRE(!line.empty());
    // System ends with the warning; the fields stay; the 4 bytes follow ExtendedData's place,
    // and RawData only with --raw (the payload decoded).
    CHECK(line.find(R"j("DecodeWarning":"4 bytes left over after the last field (offset 28)"},)j"
                    R"("EventData":{"PID":2716,"size":4101,"daddr":"157.56.244.38",)"
                    R"("saddr":"10.121.106.118","dport":443,"sport":61740,"seqnum":0,)"
                    R"("connid":0},"Surplus":"00000000"})") != std::string::npos);
    CHECK(line.find("DecodeError") == std::string::npos);
    CHECK(line.find("RawData") == std::string::npos);
    CHECK(raw_line.ends_with(R"("connid":0},"Surplus":"00000000",)"
                             R"("RawData":"9C0A0000051000009D38F4260A796A7601BBF12C)"
                             R"(000000000000000000000000"})"));
  }
}
