// Tests for lib/decode/tracelogging/tracelogging.h: the five corpus files with TraceLogging events
// (values against PerfView's baselines and the repos' own tests), and synthesized metadata and
// payloads for every InType, the OutTypes that change a value, and damaged input.
#include "lib/decode/tracelogging/tracelogging.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "formats/event_data_json.h"
#include "lib/base/text_buffer.h"
#include "lib/base/time_format.h"
#include "lib/etl/file_reader.h"
#include "lib/event/record_event.h"
#include "tests/support/corpus.h"
#include "tests/support/etl_builder.h"
#include "tests/support/event_data_checks.h"

using namespace etwcat;
using namespace etwcat::testing;
using decode::tracelogging_decoder;

namespace {

// --- helpers ------------------------------------------------------------------------------------

const data_item& item_named(const event_data& data, std::string_view name) {
  const data_item* item = data.find(name);
  REQUIRE_MESSAGE(item != nullptr, "no field " << std::string(name));
  return *item;
}

std::string text_of(const event_data& data, std::string_view name) {
  const data_item& item = item_named(data, name);
  REQUIRE(item.type == data_type::string);
  return std::string(data.text(item));
}

std::string rfc3339(std::uint64_t filetime) {
  char buffer[rfc3339_length];
  return std::string(format_rfc3339(filetime, buffer));
}

std::string json_members(const event_data& data) {
  text_buffer out;
  formats::append_event_data_members(out, data);
  return out.str();
}

/// An EVENT_SCHEMA_TL blob (§5.1): fields are given as name + raw InMeta/OutMeta/… bytes.
class metadata_builder {
 public:
  explicit metadata_builder(std::string_view event_name,
                            std::initializer_list<std::uint8_t> tags = {0}) {
    w_.put(std::uint16_t{0});
    for (auto t : tags) w_.put(t);
    put_name(event_name);
  }
  metadata_builder& field(std::string_view name, std::initializer_list<std::uint8_t> meta) {
    put_name(name);
    for (auto b : meta) w_.put(b);
    return *this;
  }
  /// The blob with Size filled in (`size_delta` makes it lie).
  bytes take(int size_delta = 0) {
    bytes b = w_.take();
    const auto size = static_cast<std::uint16_t>(static_cast<int>(b.size()) + size_delta);
    std::memcpy(b.data(), &size, 2);
    return b;
  }

 private:
  void put_name(std::string_view s) {
    for (char c : s) w_.put(c);
    w_.put('\0');
  }
  byte_writer w_;
};

// The payload-level entry point. Item names point into the schema, so it is kept alongside.
struct decoded {
  std::unique_ptr<decode::tl_event_schema> schema;
  event_data data;
  std::string error;
  bool ok = false;
};
decoded decode_payload(const bytes& metadata, const bytes& payload, std::uint8_t pointer_size = 8) {
  decoded d;
  d.schema = std::make_unique<decode::tl_event_schema>(decode::parse_tl_event_schema(metadata));
  d.ok = decode::decode_tl_payload(*d.schema, payload, pointer_size, d.data, d.error);
  return d;
}

// A record as a TraceLogging provider writes it: metadata (and traits) as extended items.
bytes tl_record(const bytes& metadata, const bytes& payload, const bytes& traits = {},
                std::uint8_t header_type = etl::header_type::event_header64) {
  etl::event_header h{};
  h.header_type = header_type;
  h.provider_id = guid_of("d3dd3dd4-aac2-4e2a-8dd4-a8fb61b77615");
  h.descriptor.channel = 11;  // TraceLogging's channel; Id 0 for every event
  std::vector<ext_item> items{{etl::ext_type::event_schema_tl, metadata}};
  if (!traits.empty()) items.push_back({etl::ext_type::prov_traits, traits});
  return event_record(h, payload, items);
}

etl::record_view parsed(const bytes& record) {
  etl::record_view v;
  const auto bad = v.parse(record, etl::record_origin{});
  REQUIRE_MESSAGE(!bad, (bad ? bad->message : std::string()));
  return v;
}

const etl::trace_clock identity_clock;

/// Every TraceLogging event of a corpus file, decoded, with a callback per event.
template <class F>
int for_each_tl_event(const char* file, F&& each) {
  diagnostics diags;
  auto reader = etl::file_reader::open(corpus_file(file), diags);
  REQUIRE(reader.ok());
  const etl::trace_clock clock(reader.value().header());
  etl::record_view record;
  event e;
  tracelogging_decoder tl;
  int count = 0;
  while (reader.value().next(record)) {
    fill_event(record, clock, e);
    if (!tl.decode(record, e)) continue;
    ++count;
    CAPTURE(file);
    CAPTURE(record.file_offset());
    CHECK_MESSAGE(e.payload_decoded, e.decode_error);
    CHECK(e.decode_error.empty());
    each(e, tl);
  }
  return count;
}

}  // namespace

// --- real captures ------------------------------------------------------------------------------

TEST_SUITE("corpus") {
  TEST_CASE("tracelogging: primitive-types.etl carries the values of PerfView's baseline") {
    ETWCAT_REQUIRE_CORPUS();
    struct planet {
      const char* name;
      bool boolean;
      char character;
      int value;              // int16 = -value, uint16 = value, int32 = -2 value, …
      const char* guid;       // the 20 characters the baseline prints
      const char* file_time;  // baseline, to 10 ms, which prints UTC (see below)
    };
    // primitive-types.baseline.txt. The header's UtcOffsetMinutes=-120 is the capturing
    // machine's bias (UTC+2); the baseline's times equal the raw FILETIMEs read as UTC, so they
    // are compared with our UTC text.
    const planet planets[] = {
        {"Mercury", false, 'M', 51, "0ad614c4-0ef4-4225-8", "2021-09-09T14:59:35.79"},
        {"Venus", true, 'V', 95, "e04ff801-9ea3-494f-a", "2021-09-09T14:59:36.23"},
        {"Earth", false, 'E', 65, "c7a6c80e-f2a6-4220-a", "2021-09-09T14:59:36.67"},
        {"Mars", false, 'M', 29, "0a922cee-67c1-4108-b", "2021-09-09T14:59:37.04"},
        {"Jupiter", true, 'J', 69, "bb11b97b-1110-4eb6-b", "2021-09-09T14:59:37.48"},
    };
    const char* const names[] = {"string_type", "boolean_type",   "char_type",
                                 "int16_type",  "int32_type",     "uint16_type",
                                 "uint32_type", "int64_type",     "uint64_type",
                                 "guid_type",   "file_time_type", "system_time_type"};
    std::size_t n = 0;
    const int count = for_each_tl_event(
        "perfview/primitive-types.etl", [&](const event& e, const tracelogging_decoder& tl) {
          REQUIRE(n < 5);
          const planet& p = planets[n++];
          CAPTURE(p.name);
          CHECK(e.provider_name == "solar_system");
          CHECK(e.event_name() == "PrimitiveTypesTest");
          CHECK(tl.cached_schemas() == 1);  // five events, one metadata blob
          const auto items = e.data.items();
          REQUIRE(items.size() == 12);
          for (std::size_t i = 0; i < 12; ++i) CHECK(items[i].name == names[i]);

          CHECK(text_of(e.data, "string_type") == p.name);
          CHECK(items[1].type == data_type::boolean);  // UINT8, OutType Boolean
          CHECK(items[1].boolean == p.boolean);
          // char_type is UINT8 with OutType String (TraceLoggingChar8): we print the character;
          // PerfView prints its code (77 for 'M').
          CHECK(text_of(e.data, "char_type") == std::string(1, p.character));
          CHECK(items[3].type == data_type::signed_int);
          CHECK(items[3].signed_value == -p.value);
          CHECK(items[4].signed_value == -2 * p.value);
          CHECK(items[5].type == data_type::unsigned_int);
          CHECK(items[5].unsigned_value == static_cast<std::uint64_t>(p.value));
          CHECK(items[6].unsigned_value == static_cast<std::uint64_t>(2 * p.value));
          // The producer declared int64_type as UINT64 (InType 10), so the value is the 64-bit
          // pattern of -4·value; PerfView reads UINT64 as signed and prints e.g. -204.
          CHECK(items[7].type == data_type::unsigned_int);
          CHECK(items[7].unsigned_value == static_cast<std::uint64_t>(-4 * p.value));
          CHECK(items[8].unsigned_value == static_cast<std::uint64_t>(4 * p.value));
          REQUIRE(items[9].type == data_type::guid);
          std::string g = e.data.guid_value(items[9]).to_string().substr(1, 20);
          std::transform(g.begin(), g.end(), g.begin(), [](char c) { return std::tolower(c); });
          CHECK(g == p.guid);
          REQUIRE(items[10].type == data_type::filetime);
          CHECK(rfc3339(items[10].unsigned_value).substr(0, 22) == p.file_time);
          // SYSTEMTIME: the program stored the same clock reading as the FILETIME (ms
          // resolution). PerfView's baseline prints ".03" for every system_time_type, which
          // matches neither field, so only the whole second is compared with it.
          REQUIRE(items[11].type == data_type::filetime);
          CHECK(items[11].unsigned_value == items[10].unsigned_value);
          CHECK(rfc3339(items[11].unsigned_value).substr(0, 19) ==
                std::string(p.file_time).substr(0, 19));
        });
    CHECK(count == 5);
  }

  TEST_CASE("tracelogging: SelfDescribingSingleEvent.etl struct renders as {b:Hello, c:World!}") {
    ETWCAT_REQUIRE_CORPUS();
    const int count = for_each_tl_event(
        "perfview/SelfDescribingSingleEvent.etl", [](const event& e, const tracelogging_decoder&) {
          CHECK(e.provider_name == "MySource");
          CHECK(e.event_name() == "TestEvent");
          const auto items = e.data.items();
          REQUIRE(items.size() == 4);
          CHECK(items[0].type == data_type::begin_struct);
          CHECK(items[0].name == "a");
          CHECK(items[1].name == "b");
          CHECK(e.data.text(items[1]) == "Hello");
          CHECK(items[2].name == "c");
          CHECK(e.data.text(items[2]) == "World!");
          CHECK(items[3].type == data_type::end_struct);
          CHECK(json_members(e.data) == R"("a":{"b":"Hello","c":"World!"})");
        });
    CHECK(count == 1);
  }

  TEST_CASE("tracelogging: AMSITrace.etl has 19 AmsiScript events of provider AmsiTrace") {
    ETWCAT_REQUIRE_CORPUS();
    int same_text = 0;
    std::map<std::string, int> scripts, engines;
    const int count = for_each_tl_event(
        "airbus-etl-parser/AMSITrace.etl", [&](const event& e, const tracelogging_decoder& tl) {
          CHECK(e.provider_name == "AmsiTrace");
          CHECK(e.event_name() == "AmsiScript");
          CHECK(tl.cached_schemas() == 1);
          REQUIRE(e.data.items().size() == 3);
          ++engines[text_of(e.data, "Engine")];
          // "Raw Script" is a UINT16 array with OutType String (a WCHAR array): one string.
          same_text += text_of(e.data, "Raw Script") == text_of(e.data, "Script");
          ++scripts[text_of(e.data, "Script")];
        });
    CHECK(count == 19);
    CHECK(same_text == 19);
    CHECK(engines.size() == 2);
    const std::string powershell =
        "PowerShell_C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe_10.0.18362.1";
    CHECK(engines[powershell] == 15);
    CHECK(engines["VBScript"] == 4);
    CHECK(scripts["Get-Alias"] >= 1);
    CHECK(scripts["$global:?"] >= 1);
  }

  TEST_CASE("tracelogging: lxcore_kernel.etl has 2 BreakPoint events of the LxCore provider") {
    ETWCAT_REQUIRE_CORPUS();
    std::vector<std::string> functions, messages;
    std::vector<std::uint64_t> lines;
    const int count = for_each_tl_event(
        "airbus-etl-parser/lxcore_kernel.etl", [&](const event& e, const tracelogging_decoder&) {
          CHECK(e.provider_name == "Microsoft.Windows.Subsystem.LxCore");
          CHECK(e.event_name() == "BreakPoint");
          CHECK(item_named(e.data, "ErrorLevel").unsigned_value == 2);
          CHECK(item_named(e.data, "LxPid").signed_value == -1);
          CHECK(text_of(e.data, "ExecutablePath").empty());  // COUNTEDANSISTRING, 0 bytes
          functions.push_back(text_of(e.data, "Function"));
          lines.push_back(item_named(e.data, "Line").unsigned_value);
          messages.push_back(text_of(e.data, "Message"));
        });
    CHECK(count == 2);
    CHECK(functions == std::vector<std::string>{"LxpInstanceStart", "LxpDrvFsTypeMount"});
    CHECK(lines == std::vector<std::uint64_t>{2659, 10528});
    CHECK(messages[0] == "[0xc0000034] LxpInstanceInitialize\n");
    CHECK(messages[1] == "Failed to open volume C:\\WINDOWS\\system32\\lxss\\tools, result -2\n");
  }

  TEST_CASE("tracelogging: diaghub DiagnosticSource events decode, Activity order as PerfView's") {
    ETWCAT_REQUIRE_CORPUS();
    std::map<std::string, int> names;
    std::vector<std::pair<std::uint64_t, std::string>> activities;
    std::size_t schemas = 0;
    int arguments = 0;
    const int count = for_each_tl_event(
        "perfview/diaghub/diaghub.user_paged.1.etl",
        [&](const event& e, const tracelogging_decoder& tl) {
          CHECK(e.provider_name == "Microsoft-Diagnostics-DiagnosticSource");
          const std::string name(e.event_name());
          ++names[name];
          schemas = tl.cached_schemas();
          if (name.rfind("Activity", 0) == 0) {
            activities.emplace_back(e.time_created, name + (e.opcode == 1   ? "/Start"
                                                            : e.opcode == 2 ? "/Stop"
                                                                            : ""));
            // Arguments: a variable-count array of {Key, Value} structs.
            const data_item& a = item_named(e.data, "Arguments");
            CHECK(a.type == data_type::begin_array);
            arguments += json_members(e.data).find(R"("Arguments":[{"Key":)") != std::string::npos;
          }
        });
    CHECK(count == 256);
    CHECK(names["Activity1Start"] == 1);
    CHECK(names["Activity1Stop"] == 2);
    CHECK(names["Activity2Start"] == 110);
    CHECK(names["Activity2Stop"] == 55);  // MultiFileMergeAll.cs: 55 "Activity2Stop/Stop"
    CHECK(names["Message"] == 80);
    CHECK(names["NewDiagnosticListener"] == 8);
    CHECK(schemas == 6);
    CHECK(arguments == 168);
    // diaghub-etls.txt lists PerfView's Activity* events in time order.
    std::stable_sort(activities.begin(), activities.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::ifstream listing(corpus_file("perfview/diaghub/diaghub-etls.txt"));
    std::vector<std::string> expected;
    for (std::string line; std::getline(listing, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) expected.push_back(line);
    }
    REQUIRE(expected.size() == 168);
    REQUIRE(activities.size() == 168);
    for (std::size_t i = 0; i < expected.size(); ++i) {
      CAPTURE(i);
      CHECK(activities[i].second == expected[i]);
    }
  }

  TEST_CASE("tracelogging: all 283 TraceLogging events of the corpus decode exactly") {
    ETWCAT_REQUIRE_CORPUS();
    // etl-format.md §5.1. Each event's payload_decoded is checked inside for_each_tl_event.
    const std::pair<const char*, int> files[] = {
        {"perfview/primitive-types.etl", 5},
        {"perfview/SelfDescribingSingleEvent.etl", 1},
        {"airbus-etl-parser/AMSITrace.etl", 19},
        {"airbus-etl-parser/lxcore_kernel.etl", 2},
        {"perfview/diaghub/diaghub.user_paged.1.etl", 256},
    };
    int total = 0;
    for (const auto& [file, expected] : files) {
      const int n = for_each_tl_event(file, [](const event&, const tracelogging_decoder&) {});
      const std::string_view file_name = file;  // clang 14 cannot capture a structured binding
      CAPTURE(file_name);
      CHECK(n == expected);
      total += n;
    }
    CHECK(total == 283);
  }
}

// --- metadata -----------------------------------------------------------------------------------

TEST_CASE("tracelogging: metadata tags, names, counts and struct extents") {
  const bytes blob = metadata_builder("Ev", {0x81, 0x02})
                         .field("a", {0x84})                          // UINT8
                         .field("t", {0x86, 0x84, 0x81, 0x02})        // UINT16 Hex + tags
                         .field("c", {0x26, 0x03, 0x00})              // UINT16[3]
                         .field("s", {0x98, 0x02})                    // struct, 2 members
                         .field("inner", {0x98, 0x01})                //   struct, 1 member
                         .field("x", {0x07})                          //     INT32
                         .field("y", {0x01})                          //   UNICODESTRING
                         .field("z", {0x6E, 0x02, 0x00, 0xAA, 0xBB})  // custom, 2-byte schema
                         .take();
  const auto s = decode::parse_tl_event_schema(blob);
  REQUIRE(s.error.empty());
  CHECK(s.name == "Ev");
  CHECK(s.tags == ((1u << 21) | (2u << 14)));
  REQUIRE(s.fields.size() == 8);
  CHECK(s.fields[0].in == decode::tl_in::uint8);
  CHECK(s.fields[1].out == decode::tl_out::hex);
  CHECK(s.fields[1].tags == ((1u << 21) | (2u << 14)));
  CHECK(s.fields[2].count_kind == decode::tl_count::fixed);
  CHECK(s.fields[2].const_count == 3);
  CHECK(s.fields[3].member_count == 2);
  CHECK(s.fields[3].end == 7);  // s, inner, x, y
  CHECK(s.fields[4].end == 6);
  CHECK(s.fields[7].count_kind == decode::tl_count::custom);
  CHECK(s.fields[7].end == 8);
}

TEST_CASE("tracelogging: a metadata blob shorter than its Size is rejected") {
  const bytes blob = metadata_builder("Ev").field("a", {0x08}).take(+10);
  const auto s = decode::parse_tl_event_schema(blob);
  CHECK(s.error == "TraceLogging metadata Size 19 is larger than its blob (9 bytes)");
  CHECK(s.fields.empty());

  // Through the decoder: the event is TraceLogging, but nothing decodes.
  const bytes record = tl_record(blob, payload_of({1, 0, 0, 0}));
  const auto view = parsed(record);
  event e;
  fill_event(view, identity_clock, e);
  tracelogging_decoder tl;
  CHECK(tl.decode(view, e));
  CHECK_FALSE(e.payload_decoded);
  CHECK(e.decode_error == s.error);
  CHECK(e.data.empty());

  // Cut inside a field: the const count is missing.
  const auto cut =
      decode::parse_tl_event_schema(metadata_builder("Ev").field("c", {0x26, 0x03}).take());
  CHECK(cut.error == "TraceLogging metadata: field c: no array count at metadata offset 6");
  const auto no_name = decode::parse_tl_event_schema(payload_of({5, 0, 0, 'E', 'v'}));
  CHECK(no_name.error == "TraceLogging metadata: event name without NUL at metadata offset 3");
  CHECK(decode::parse_tl_event_schema(payload_of({1})).error ==
        "TraceLogging metadata of 1 bytes has no size field");
}

TEST_CASE("tracelogging: bad InTypes and missing struct members are metadata errors") {
  CHECK(decode::parse_tl_event_schema(metadata_builder("Ev").field("q", {0x1A}).take()).error ==
        "TraceLogging metadata: field q: unknown InType 26 at metadata offset 6");
  CHECK(decode::parse_tl_event_schema(metadata_builder("Ev").field("n", {0x00}).take()).error ==
        "TraceLogging metadata: field n: unknown InType 0 at metadata offset 6");
  CHECK(decode::parse_tl_event_schema(
            metadata_builder("Ev").field("s", {0x98, 0x03}).field("x", {0x04}).take())
            .error ==
        "TraceLogging metadata: struct s declares 3 members, 1 follow at metadata "
        "offset 6");
  CHECK(decode::parse_tl_event_schema(
            metadata_builder("Ev").field("t", {0x84, 0x80, 0xFF, 0xFF, 0xFF, 0xFF}).take())
            .error == "TraceLogging metadata: field t: bad field tags at metadata offset 6");
}

TEST_CASE("tracelogging: hostile struct nesting is refused before any recursion") {
  // 10,000 structs, each the only member of the one before: metadata a recursive decoder
  // would follow 10,000 frames deep.
  metadata_builder deep("Deep");
  for (int i = 0; i < 10'000; ++i) deep.field("s", {0x98, 0x01});
  deep.field("x", {0x04});
  const auto s = decode::parse_tl_event_schema(deep.take());
  CHECK(s.error ==
        "TraceLogging metadata: struct s nests more than 32 levels at metadata "
        "offset 39876");
  CHECK(s.fields.empty());

  // Exactly the limit still decodes.
  metadata_builder ok("Deep");
  for (std::size_t i = 0; i < decode::tl_max_struct_depth; ++i) ok.field("s", {0x98, 0x01});
  ok.field("x", {0x04});
  const auto d = decode_payload(ok.take(), payload_of({9}));
  CHECK(d.ok);
  REQUIRE(d.data.items().size() == 2 * decode::tl_max_struct_depth + 1);
  CHECK(d.data.items()[decode::tl_max_struct_depth].unsigned_value == 9);
}

// --- payload ------------------------------------------------------------------------------------

TEST_CASE("tracelogging: every InType, and the OutTypes that change a value") {
  metadata_builder m("All");
  byte_writer p;
  m.field("s", {0x01});  // UNICODESTRING
  p.put_utf16z("hi");
  m.field("a", {0x02});  // ANSISTRING, Windows-1252
  p.put(std::uint8_t{0x80}).put('x').put('\0');
  m.field("u", {0x82, 35});  // ANSISTRING, OutType UTF8
  p.put(std::uint8_t{0xC3}).put(std::uint8_t{0xA9}).put('\0');
  m.field("i8", {0x03});
  p.put(std::int8_t{-5});
  m.field("ch", {0x84, 2});  // UINT8 String: one Windows-1252 character
  p.put(std::uint8_t{0xE9});
  m.field("flag", {0x84, 3});  // UINT8 Boolean
  p.put(std::uint8_t{1});
  m.field("i16", {0x05});
  p.put(std::int16_t{-300});
  m.field("port", {0x86, 7});  // big-endian
  p.put(std::uint8_t{0x1F}).put(std::uint8_t{0x90});
  m.field("wch", {0x86, 2});  // UINT16 String: one UTF-16 unit
  p.put(std::uint16_t{0x263A});
  m.field("i32", {0x07});
  p.put(std::int32_t{-70000});
  m.field("ip4", {0x88, 8});
  p.put(std::uint8_t{192}).put(std::uint8_t{168}).put(std::uint8_t{0}).put(std::uint8_t{1});
  m.field("err", {0x88, 13});  // Win32Error
  p.put(std::uint32_t{5});
  m.field("hr", {0x87, 15});  // HRESULT on INT32
  p.put(std::uint32_t{0x80070005});
  m.field("pid", {0x88, 5});
  p.put(std::uint32_t{1234});
  m.field("sgn", {0x88, 17});  // UINT32 shown Signed
  p.put(std::uint32_t{0xFFFFFFFF});
  m.field("i64", {0x09});
  p.put(std::int64_t{-5'000'000'000});
  m.field("h64", {0x8A, 4});  // UINT64 Hex
  p.put(std::uint64_t{0xDEADBEEF00});
  m.field("ft64", {0x89, 16});  // INT64 FileTime
  p.put(std::uint64_t{132756731757990000});
  m.field("f", {0x0B});
  p.put(1.5f);
  m.field("d", {0x0C});
  p.put(-2.25);
  m.field("b32", {0x0D});
  p.put(std::uint32_t{2});
  m.field("bin", {0x0E});
  p.put(std::uint16_t{3}).put(std::uint8_t{1}).put(std::uint8_t{2}).put(std::uint8_t{3});
  m.field("g", {0x0F});
  p.put(guid_of("0ad614c4-0ef4-4225-8013-f44f37cb0397"));
  m.field("ptr", {0x10});  // the record's pointer size: 4 here
  p.put(std::uint32_t{0x7FFE0000});
  m.field("ft", {0x11});
  p.put(std::uint64_t{132756731757990000});
  m.field("st", {0x12});
  for (std::uint16_t v : {2021, 9, 4, 9, 14, 59, 35, 799}) p.put(v);
  m.field("bad_st", {0x12});
  for (std::uint16_t v : {2021, 13, 4, 9, 14, 59, 35, 799}) p.put(v);
  m.field("sid", {0x13});
  for (std::uint8_t v : {1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0}) p.put(v);
  m.field("x32", {0x14});
  p.put(std::uint32_t{0xABC});
  m.field("x64", {0x15});
  p.put(std::uint64_t{0x1'0000'0000});
  m.field("cs", {0x16});  // byte count
  p.put(std::uint16_t{4}).put(u'o').put(u'k');
  m.field("cas", {0x17});
  p.put(std::uint16_t{2}).put('h').put('i');
  m.field("cb", {0x19});
  p.put(std::uint16_t{2}).put(std::uint8_t{0xAA}).put(std::uint8_t{0xBB});
  m.field("v6", {0xCE, 9});  // BINARY[] (variable count), OutType IPv6
  const std::vector<std::vector<std::uint8_t>> addresses = {
      {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
      {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
      {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
      {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1},
      {0, 1, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 3},
      {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 192, 0, 2, 1},
  };
  p.put(static_cast<std::uint16_t>(addresses.size()));
  for (const auto& a : addresses) {
    p.put(std::uint16_t{16});
    for (auto b : a) p.put(b);
  }
  m.field("sa", {0x8E, 10});  // SOCKADDR_IN 127.0.0.1:80
  p.put(std::uint16_t{16}).put(std::uint16_t{2}).put(std::uint8_t{0}).put(std::uint8_t{80});
  p.put(std::uint8_t{127}).put(std::uint8_t{0}).put(std::uint8_t{0}).put(std::uint8_t{1});
  p.put(std::uint64_t{0});
  m.field("cc", {0x26, 0x03, 0x00});  // UINT16[3]
  p.put(std::uint16_t{1}).put(std::uint16_t{2}).put(std::uint16_t{3});
  m.field("custom", {0x6E, 0x01, 0x00, 0x77});
  p.put(std::uint16_t{2}).put(std::uint8_t{0x0C}).put(std::uint8_t{0x0D});
  m.field("pts", {0xD8, 0x02}).field("x", {0x07}).field("y", {0x07});  // struct[] {x, y}
  p.put(std::uint16_t{2}).put(std::int32_t{1}).put(std::int32_t{2});
  p.put(std::int32_t{3}).put(std::int32_t{4});
  m.field("chars", {0xA4, 0x02, 0x05, 0x00});  // char[5], a C buffer
  p.put('a').put('b').put('\0').put('z').put('\0');
  m.field("wchars", {0xC6, 0x02});  // WCHAR[] with a count
  p.put(std::uint16_t{2}).put(u'o').put(u'k');

  const decoded d = decode_payload(m.take(), p.take(), 4);
  CHECK_MESSAGE(d.ok, d.error);
  const event_data& e = d.data;
  CHECK(text_of(e, "s") == "hi");
  CHECK(text_of(e, "a") == "\u20ACx");
  CHECK(text_of(e, "u") == "\u00E9");
  CHECK(item_named(e, "i8").signed_value == -5);
  CHECK(text_of(e, "ch") == "\u00E9");
  CHECK(item_named(e, "flag").type == data_type::boolean);
  CHECK(item_named(e, "flag").boolean);
  CHECK(item_named(e, "i16").signed_value == -300);
  CHECK(item_named(e, "port").unsigned_value == 8080);
  CHECK(text_of(e, "wch") == "\u263A");
  CHECK(item_named(e, "i32").signed_value == -70000);
  CHECK(text_of(e, "ip4") == "192.168.0.1");
  CHECK(item_named(e, "err").type == data_type::hex_int);
  CHECK(item_named(e, "err").unsigned_value == 5);
  CHECK(item_named(e, "err").hex_digits == 8);
  CHECK(item_named(e, "hr").type == data_type::hex_int);
  CHECK(item_named(e, "hr").unsigned_value == 0x80070005);
  CHECK(item_named(e, "pid").type == data_type::unsigned_int);
  CHECK(item_named(e, "pid").unsigned_value == 1234);
  CHECK(item_named(e, "sgn").type == data_type::signed_int);
  CHECK(item_named(e, "sgn").signed_value == -1);
  CHECK(item_named(e, "i64").signed_value == -5'000'000'000);
  CHECK(item_named(e, "h64").type == data_type::hex_int);
  CHECK(item_named(e, "h64").unsigned_value == 0xDEADBEEF00);
  CHECK(item_named(e, "ft64").type == data_type::filetime);
  CHECK(item_named(e, "f").type == data_type::float32);
  CHECK(item_named(e, "f").float_value == 1.5);
  CHECK(item_named(e, "d").type == data_type::float64);
  CHECK(item_named(e, "d").float_value == -2.25);
  CHECK(item_named(e, "b32").type == data_type::boolean);
  CHECK(item_named(e, "b32").boolean);
  CHECK(e.bytes(item_named(e, "bin")).size() == 3);
  CHECK(e.guid_value(item_named(e, "g")).to_string() == "{0AD614C4-0EF4-4225-8013-F44F37CB0397}");
  CHECK(item_named(e, "ptr").type == data_type::hex_int);
  CHECK(item_named(e, "ptr").unsigned_value == 0x7FFE0000);
  CHECK(item_named(e, "ft").unsigned_value == 132756731757990000);
  CHECK(item_named(e, "st").type == data_type::filetime);
  CHECK(item_named(e, "st").unsigned_value == 132756731757990000);
  CHECK(text_of(e, "bad_st") == "2021-13-09T14:59:35.799");
  CHECK(text_of(e, "sid") == "S-1-5-18");
  CHECK(item_named(e, "x32").unsigned_value == 0xABC);
  CHECK(item_named(e, "x64").unsigned_value == 0x100000000);
  CHECK(text_of(e, "cs") == "ok");
  CHECK(text_of(e, "cas") == "hi");
  CHECK(e.bytes(item_named(e, "cb")).size() == 2);
  CHECK(text_of(e, "sa") == "127.0.0.1:80");
  CHECK(e.bytes(item_named(e, "custom")).size() == 2);
  CHECK(text_of(e, "chars") == "ab");
  CHECK(text_of(e, "wchars") == "ok");

  // Arrays and structs, in item order.
  const auto items = e.items();
  const auto at = [&](std::string_view name) {
    return static_cast<std::size_t>(&item_named(e, name) - items.data());
  };
  std::size_t i = at("v6");
  CHECK(items[i].type == data_type::begin_array);
  for (const char* text :
       {"2001:db8::1", "::1", "::", "2001:db8:0:1:1:1:1:1", "1:0:0:2::3", "::ffff:192.0.2.1"}) {
    ++i;
    CHECK(items[i].name.empty());
    CHECK(e.text(items[i]) == text);
  }
  CHECK(items[++i].type == data_type::end_array);
  i = at("cc");
  CHECK(items[i + 1].unsigned_value == 1);
  CHECK(items[i + 3].unsigned_value == 3);
  CHECK(items[i + 4].type == data_type::end_array);
  i = at("pts");
  const data_type shape[] = {
      data_type::begin_array, data_type::begin_struct, data_type::signed_int, data_type::signed_int,
      data_type::end_struct,  data_type::begin_struct, data_type::signed_int, data_type::signed_int,
      data_type::end_struct,  data_type::end_array};
  for (std::size_t k = 0; k < std::size(shape); ++k) CHECK(items[i + k].type == shape[k]);
  CHECK(items[i + 2].name == "x");
  CHECK(items[i + 8 - 1].name == "y");
  CHECK(items[i + 7].signed_value == 4);
  CHECK(testing::balanced(e));
}

TEST_CASE("tracelogging: 64-bit integers named as keyword masks print as hex") {
  metadata_builder m("Masks");
  byte_writer p;
  m.field("Keywords", {0x0A});  // UINT64
  p.put(std::uint64_t{0xF00000000000});
  m.field("ProcessorMask", {0x89, 18});  // INT64 shown Unsigned: still a mask
  p.put(std::uint64_t{0xFF});
  m.field("Count", {0x0A});
  p.put(std::uint64_t{1} << 60);
  m.field("Flags", {0x08});  // UINT32: no precision to lose
  p.put(std::uint32_t{6});
  const decoded d = decode_payload(m.take(), p.take());
  CHECK_MESSAGE(d.ok, d.error);
  CHECK(json_members(d.data) ==
        R"("Keywords":"0xF00000000000","ProcessorMask":"0xFF","Count":1152921504606846976,)"
        R"("Flags":6)");
}

TEST_CASE("tracelogging: a truncated payload names the field and offset, earlier fields kept") {
  const bytes meta =
      metadata_builder("Ev").field("a", {0x08}).field("s", {0x01}).field("c", {0x0A}).take();
  byte_writer p;
  p.put(std::uint32_t{7})
      .put_utf16z("hi")
      .put(std::uint8_t{1})
      .put(std::uint8_t{2})
      .put(std::uint8_t{3});
  const decoded d = decode_payload(meta, p.take());
  CHECK_FALSE(d.ok);
  CHECK(d.error == "field c at offset 10: runs past the end of the payload (13 bytes)");
  REQUIRE(d.data.items().size() == 2);
  CHECK(item_named(d.data, "a").unsigned_value == 7);
  CHECK(text_of(d.data, "s") == "hi");

  // Cut inside a struct inside an array: what decoded stays, every container is closed.
  const bytes nested = metadata_builder("Ev")
                           .field("list", {0xD8, 0x02})
                           .field("k", {0x04})
                           .field("v", {0x06})
                           .take();
  const decoded n = decode_payload(nested, payload_of({2, 0, 1, 0x10, 0, 2}));
  CHECK(n.error == "field v at offset 6: runs past the end of the payload (6 bytes)");
  CHECK(testing::balanced(n.data));
  CHECK(json_members(n.data) == R"("list":[{"k":1,"v":16},{"k":2}])");

  // Strings without their NUL.
  CHECK(decode_payload(metadata_builder("Ev").field("s", {0x01}).take(), payload_of({'h', 0, 'i'}))
            .error ==
        "field s at offset 0: UTF-16 string has no NUL before the end of the payload");
  CHECK(decode_payload(metadata_builder("Ev").field("s", {0x02}).take(), payload_of({'h', 'i'}))
            .error == "field s at offset 0: string has no NUL before the end of the payload");
  // A counted string whose byte count is larger than what is left.
  CHECK(
      decode_payload(metadata_builder("Ev").field("cs", {0x16}).take(), payload_of({9, 0, 'o', 0}))
          .error == "field cs at offset 0: runs past the end of the payload (4 bytes)");
  // A SID whose sub-authority count reaches past the end.
  CHECK(decode_payload(metadata_builder("Ev").field("sid", {0x13}).take(),
                       payload_of({1, 5, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0}))
            .error == "field sid at offset 0: runs past the end of the payload (12 bytes)");
}

TEST_CASE("tracelogging: bytes left over after the last field are an error") {
  const decoded d =
      decode_payload(metadata_builder("Ev").field("a", {0x04}).take(), payload_of({5, 6, 7}));
  CHECK_FALSE(d.ok);
  CHECK(d.error == "2 bytes left over after the last field (offset 1)");
  CHECK(item_named(d.data, "a").unsigned_value == 5);
}

TEST_CASE("tracelogging: a variable count running past the end of the payload") {
  const bytes meta = metadata_builder("Ev").field("v", {0x46}).take();  // UINT16[]
  const decoded d = decode_payload(meta, payload_of({100, 0, 1, 0, 2, 0}));
  CHECK(d.error == "field v[2] at offset 6: runs past the end of the payload (6 bytes)");
  CHECK(json_members(d.data) == R"("v":[1,2])");
  CHECK(decode_payload(meta, payload_of({1})).error ==
        "field v at offset 0: array count runs past the end of the payload");
  // A character array's count past the end.
  CHECK(decode_payload(metadata_builder("Ev").field("w", {0xC6, 0x02}).take(),
                       payload_of({50, 0, 'a', 0}))
            .error == "field w at offset 0: runs past the end of the payload (4 bytes)");
}

TEST_CASE("tracelogging: const-count arrays of empty structs stop at the item limit") {
  // 65,535 × 65,535 empty structs need no payload bytes: without a limit, 8.6 billion items.
  const bytes meta = metadata_builder("Bomb")
                         .field("outer", {0xB8, 0x01, 0xFF, 0xFF})
                         .field("inner", {0xB8, 0x00, 0xFF, 0xFF})
                         .take();
  const decoded d = decode_payload(meta, {});
  CHECK_FALSE(d.ok);
  CHECK(d.error.find("field inner[") == 0);
  CHECK(d.error.find("too many values for a payload this size") != std::string::npos);
  CHECK(testing::balanced(d.data));
  CHECK(d.data.items().size() < 5000);
}

// --- the decoder on records --------------------------------------------------------------------

TEST_CASE("tracelogging: decoder keys metadata by its bytes, not the event id (krabsetw #193)") {
  // Two event shapes, both Id 0 of the same provider, interleaved.
  const bytes first = metadata_builder("First").field("n", {0x08}).take();
  const bytes second = metadata_builder("Second").field("s", {0x02}).take();
  byte_writer traits;
  traits.put(std::uint16_t{0});
  for (char c : std::string_view("MyProvider")) traits.put(c);
  traits.put('\0')
      .put(std::uint16_t{19})
      .put(std::uint8_t{1})
      .put(guid_of("4f50731a-89cf-4782-b3e0-dce8c90476ba"));
  bytes traits_blob = traits.take();
  const auto traits_size = static_cast<std::uint16_t>(traits_blob.size());
  std::memcpy(traits_blob.data(), &traits_size, 2);

  std::vector<bytes> records = {tl_record(first, payload_of({42, 0, 0, 0}), traits_blob),
                                tl_record(second, payload_of({'o', 'k', 0}), traits_blob),
                                tl_record(first, payload_of({43, 0, 0, 0}), traits_blob)};
  tracelogging_decoder tl;
  event e;
  std::vector<std::string> seen;
  for (bytes& record : records) {
    const auto view = parsed(record);
    fill_event(view, identity_clock, e);
    REQUIRE(tl.decode(view, e));
    CHECK(e.payload_decoded);
    CHECK(e.event_id == 0);
    seen.push_back(std::string(e.event_name()) + " " + json_members(e.data));
    // The provider name and event name come from the cache, not the record's bytes.
    std::fill(record.begin(), record.end(), std::byte{0});
    CHECK(e.provider_name == "MyProvider");
    CHECK((e.event_name() == "First" || e.event_name() == "Second"));
  }
  CHECK(seen ==
        std::vector<std::string>{R"(First "n":42)", R"(Second "s":"ok")", R"(First "n":43)"});
  CHECK(tl.cached_schemas() == 2);
}

TEST_CASE("tracelogging: records without metadata are left alone, 32-bit records' pointers") {
  etl::event_header h{};
  h.header_type = etl::header_type::event_header64;
  const bytes plain = event_record(h, payload_of({1, 2, 3}));
  const auto view = parsed(plain);
  event e;
  fill_event(view, identity_clock, e);
  tracelogging_decoder tl;
  CHECK_FALSE(tl.decode(view, e));
  CHECK(e.data.empty());
  CHECK_FALSE(e.payload_decoded);
  CHECK(e.event_name() == "EventID(0)");

  // POINTER takes the record's pointer size (§2.10): 4 in an EVENT_HEADER32 record.
  const bytes meta = metadata_builder("P").field("p", {0x10}).field("n", {0x04}).take();
  const bytes r32 = tl_record(meta, payload_of({0x78, 0x56, 0x34, 0x12, 9}), {},
                              etl::header_type::event_header32);
  const auto v32 = parsed(r32);
  fill_event(v32, identity_clock, e);
  REQUIRE(tl.decode(v32, e));
  CHECK(e.payload_decoded);
  CHECK(item_named(e.data, "p").unsigned_value == 0x12345678);
  CHECK(item_named(e.data, "n").unsigned_value == 9);
  CHECK(e.event_name() == "P");
}
