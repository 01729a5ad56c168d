// Corpus tests of the JSON types of EventData (docs/output-schema.md "Values"): every .etl of
// the corpus through the real pipeline (merged_reader, fill_event, decoder with the public
// manifests and the corpus's TMF files, the JSON line writer), each line re-read with simdjson.
#include <doctest/doctest.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "formats/jsonl_writer.h"
#include "lib/base/text_buffer.h"
#include "lib/decode/decoder.h"
#include "lib/etl/merged_reader.h"
#include "lib/event/record_event.h"
#include "tests/support/corpus.h"
#include "tests/support/decoding.h"

using namespace etwcat;

namespace {

enum json_kind : std::uint8_t { number, string, boolean, object, array, null, kind_count };
constexpr std::array<const char*, kind_count> kind_names = {"number", "string", "boolean",
                                                            "object", "array",  "null"};

// What one field (provider, event name, version, path) was, over every event that has it.
struct field_stats {
  std::array<std::uint64_t, kind_count> kinds{};
  std::uint64_t above_2_53 = 0;  // integers whose magnitude exceeds 2^53
};

// The fields whose every value a test looks at, one capture each: "file|field key".
const std::set<std::string> watched = {
    "perfview/net.4.5.2.x86.etl|Microsoft-Windows-DotNETRuntime|Method/LoadVerbose|1|MethodFlags",
    "perfview/net.4.5.x86.etl|Microsoft-Windows-DotNETRuntime|Loader/AssemblyLoad|1|AssemblyFlags",
    "perfview/gcevents.etl|Microsoft-Windows-DotNETRuntime|GC/CreateSegment|1|Type",
    "perfview/net.4.5.2.x86.etl|PerfView|ProviderEnableParameters|0|keywords",
    "perfview/net.4.5.2.x86.etl|PerfView|ClrEnableParameters|0|keywords",
};

struct corpus_fields {
  std::unordered_map<std::string, field_stats> fields;       // "provider|event|version|path"
  std::map<std::string, std::map<std::string, int>> values;  // watched key -> JSON text -> n
  std::uint64_t files = 0, events = 0;
};

class scanner {
 public:
  explicit scanner(corpus_fields& out) : out_(out) {}

  void scan_file(const std::filesystem::path& file, const std::string& relative) {
    decode::decoder decoder;
    testing::add_provider_manifest(decoder, "microsoft-perfview/ClrEtwAll.man");
    testing::add_provider_manifest(decoder, "microsoft-Tx/SystemEvents.man");
    testing::add_provider_manifest(decoder, "microsoft-Tx/HTTP_Server.man");
    testing::add_provider_manifest(
        decoder, "powershell-PowerShell-Native/PowerShell.Core.Instrumentation.man");
    REQUIRE(decoder.add_format_files(testing::corpus_file("findneedle-wpp/tmf")).ok());
    REQUIRE(decoder.add_format_files(testing::corpus_file("findneedle-wpp/provision")).ok());
    diagnostics diags;  // damage (EmptyETL.etl) is the reader tests' business
    const std::filesystem::path paths[] = {file};
    auto trace = etl::merged_reader::open(paths, diags);
    etl::record_view record;
    event e;
    ++out_.files;
    file_ = &relative;
    watch_file_ = std::any_of(watched.begin(), watched.end(),
                              [&](const std::string& w) { return w.starts_with(relative + "|"); });
    while (trace.next(record)) {
      fill_event(record, trace.clock(trace.file()), e);
      decoder.decode(record, e);
      line_.clear();
      formats::append_event_json(line_, e);
      ++out_.events;
      simdjson::dom::element doc;
      if (parser_.parse(line_.data(), line_.size()).get(doc) != simdjson::SUCCESS) {
        FAIL_CHECK(relative << ": not JSON: " << line_);
        return;
      }
      simdjson::dom::object data;
      if (doc["EventData"].get(data) != simdjson::SUCCESS) continue;
      // System always has these (the record_event corpus test checks that); an event without a
      // provider name is keyed by its GUID.
      simdjson::dom::element system = doc["System"];
      std::string_view provider, name;
      std::uint64_t version = 0;
      if (system["Provider"]["Name"].get(provider) != simdjson::SUCCESS &&
          system["Provider"]["Guid"].get(provider) != simdjson::SUCCESS) {
        provider = "?";
      }
      if (system["EventName"].get(name) != simdjson::SUCCESS) name = "?";
      if (system["Version"].get(version) != simdjson::SUCCESS) version = 0;
      key_.assign(provider).append("|").append(name).append("|").append(std::to_string(version));
      key_.push_back('|');
      const std::size_t base = key_.size();
      for (auto [field, value] : data) walk(field, value, base);
    }
  }

 private:
  // Records `value` under key_ + path (key_ holds the path of the parent up to `at`).
  void walk(std::string_view step, simdjson::dom::element value, std::size_t at) {
    key_.resize(at);
    key_.append(step);
    const std::size_t here = key_.size();
    field_stats& stats = out_.fields[key_];
    switch (value.type()) {
      case simdjson::dom::element_type::OBJECT:
        ++stats.kinds[object];
        for (auto [member, v] : simdjson::dom::object(value)) {
          key_.resize(here);
          key_.push_back('.');
          walk(member, v, here + 1);
        }
        return;
      case simdjson::dom::element_type::ARRAY:
        ++stats.kinds[array];
        for (simdjson::dom::element v : simdjson::dom::array(value)) walk("[]", v, here);
        return;
      case simdjson::dom::element_type::INT64: {
        ++stats.kinds[number];
        const std::int64_t v = value.get_int64().value_unsafe();
        if (v > (std::int64_t{1} << 53) || v < -(std::int64_t{1} << 53)) ++stats.above_2_53;
        break;
      }
      case simdjson::dom::element_type::UINT64:
        ++stats.kinds[number];
        if (value.get_uint64().value_unsafe() > (std::uint64_t{1} << 53)) ++stats.above_2_53;
        break;
      case simdjson::dom::element_type::DOUBLE:
        ++stats.kinds[number];
        break;
      case simdjson::dom::element_type::STRING:
        ++stats.kinds[string];
        break;
      case simdjson::dom::element_type::BOOL:
        ++stats.kinds[boolean];
        break;
      case simdjson::dom::element_type::NULL_VALUE:
        ++stats.kinds[null];
        break;
    }
    if (!watch_file_) return;
    watched_key_.assign(*file_).append("|").append(key_);
    if (watched.count(watched_key_) != 0) ++out_.values[watched_key_][simdjson::to_string(value)];
  }

  corpus_fields& out_;
  simdjson::dom::parser parser_;
  text_buffer line_;
  std::string key_, watched_key_;
  const std::string* file_ = nullptr;
  bool watch_file_ = false;  // some watched key is in this file
};

// One pass over the corpus, shared by the test cases below (it takes a few seconds).
const corpus_fields& corpus_scan() {
  static const corpus_fields scanned = [] {
    corpus_fields out;
    scanner s(out);
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(testing::corpus_dir())) {
      if (entry.path().extension() == ".etl") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      s.scan_file(file, file.lexically_relative(testing::corpus_dir()).generic_string());
    }
    return out;
  }();
  return scanned;
}

std::string kinds_text(const field_stats& stats) {
  std::string text;
  for (int k = 0; k < kind_count; ++k) {
    if (stats.kinds[k] == 0) continue;
    if (!text.empty()) text += ", ";
    text += kind_names[k];
    text += " ";
    text += std::to_string(stats.kinds[k]);
  }
  return text;
}

// The values of a watched field as one line: `"Jitted" 351, 16 10`.
std::string values_text(const std::map<std::string, int>& values) {
  std::string text;
  for (const auto& [value, n] : values) {
    if (!text.empty()) text += ", ";
    text += value + " " + std::to_string(n);
  }
  return text;
}

// A name that says mask, keyword or address, checked here without the library's rule.
bool named_like_mask_or_pointer(std::string_view path) {
  std::string leaf(path.substr(path.rfind('|') + 1));
  if (const auto dot = leaf.rfind('.'); dot != std::string::npos) leaf.erase(0, dot + 1);
  if (leaf.ends_with("[]")) leaf.resize(leaf.size() - 2);
  for (char& c : leaf) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view end :
       {"keyword", "keywords", "mask", "flags", "pointer", "ptr", "address"}) {
    if (leaf.ends_with(end)) return true;
  }
  return false;
}

}  // namespace

TEST_SUITE("corpus") {
  // One test case, so that ctest (a process per case) reads the corpus once.
  TEST_CASE("event_data_json: EventData JSON types follow the schema over the whole corpus") {
    ETWCAT_REQUIRE_CORPUS();
    const corpus_fields& scan = corpus_scan();

    SUBCASE("each field has one JSON type in every event") {
      CHECK(scan.files == 34);
      CHECK(scan.events == 673'658);
      std::map<std::string, std::string> mixed;  // sorted, for a readable failure
      for (const auto& [key, stats] : scan.fields) {
        int kinds = 0;
        for (std::uint64_t n : stats.kinds) kinds += n != 0;
        if (kinds > 1) mixed[key] = kinds_text(stats);
      }
      for (const auto& [key, kinds] : mixed) FAIL_CHECK(key << ": " << kinds);
      CHECK(mixed.empty());
      // (provider, event, version, field path) keys; 69 of them from events that only the
      // built-in schemas describe (HttpService, PowerShell, and events of gcevents.etl and
      // WsRm01.etl that only the Windows 11 set describes), and 60 from built-in layouts of
      // events no schema describes: CLR-Private GC/PerHeapHistory v2 (GenData, its elements,
      // their 10 counters and 8 other fields: 20), SystemConfig/Virtualization and /Boot (10),
      // and the .NET 8 events GC/LOHCompact and GC/FitBucketInfo (Values, its elements, their
      // 6 and 4 members and 2 and 4 other fields: 10 each), GC/SettingsRundown (8) and
      // TieredCompilationRundown/SettingsDCStart (2).
      CHECK(scan.fields.size() == 1919);

      // A bitmap's value with bits the map does not name: the JIT helpers of .NET 4.5.2 have
      // MethodFlags 0x10, which the 2016 CLR manifest's MethodFlagsMap lacks.
      const auto flags = scan.values.find(
          "perfview/net.4.5.2.x86.etl|Microsoft-Windows-DotNETRuntime|Method/LoadVerbose|1|"
          "MethodFlags");
      REQUIRE(flags != scan.values.end());
      CHECK(values_text(flags->second) ==
            R"("0x10" 10, "Dynamic|Jitted" 24, "Generic|HasSharedGenericCode|Jitted" 20, )"
            R"("Jitted" 351)");
      // A bitmap's 0 that no entry names, and a valuemap's value that no entry names (PinnedHeap,
      // 3, came with .NET 5).
      CHECK(values_text(scan.values.at("perfview/net.4.5.x86.etl|Microsoft-Windows-DotNETRuntime|"
                                       "Loader/AssemblyLoad|1|AssemblyFlags")) ==
            R"("0x0" 5, "DomainNeutral|Native" 2, "Native" 4)");
      CHECK(values_text(scan.values.at(
                "perfview/gcevents.etl|Microsoft-Windows-DotNETRuntime|GC/CreateSegment|1|Type")) ==
            R"("0x3" 1, "LargeObjectHeap" 1, "ReadOnlyHeap" 1, "SmallObjectHeap" 4)");
    }

    SUBCASE("keyword masks are hex strings, and only decimal fields exceed 2^53") {
      // PerfView's own EventSource manifest declares `keywords` win:UInt64; the name makes it a
      // mask (names_bit_mask), "0x…" in every event, never a number that jq 1.6 rounds.
      const field_stats& keywords = scan.fields.at("PerfView|ProviderEnableParameters|0|keywords");
      CHECK(kinds_text(keywords) == "string 102");
      const auto& enabled =
          scan.values.at("perfview/net.4.5.2.x86.etl|PerfView|ProviderEnableParameters|0|keywords");
      CHECK(enabled.size() == 20);
      CHECK(enabled.at(R"("0xFFFFFFFFFFFFFFFF")") == 16);
      CHECK(enabled.at(R"("0xFFFFFFFFFFFFF7FF")") == 1);
      CHECK(enabled.at(R"("0x4002000B")") == 2);
      CHECK(enabled.at(R"("0x0")") == 1);
      CHECK(values_text(scan.values.at(
                "perfview/net.4.5.2.x86.etl|PerfView|ClrEnableParameters|0|keywords")) ==
            R"("0x1080060138" 1, "0x14C14FCCBD" 1)");

      // Every integer left above 2^53 (jq 1.6 rounds those) is a field whose schema says decimal.
      std::string above;  // "key n; …", sorted
      for (const auto& [key, stats] : std::map(scan.fields.begin(), scan.fields.end())) {
        if (stats.above_2_53 == 0) continue;
        above += key + " " + std::to_string(stats.above_2_53) + "; ";
        const std::string& name = key;  // clang 14 cannot capture a structured binding
        CHECK_MESSAGE(!named_like_mask_or_pointer(name), name);
      }
      CHECK(above ==
            // FILETIMEs that Tx's BinaryEventSource manifest declares win:Int64.
            "MSOpenTech-Tx-BinaryEventSource|WriteBinaryPayload|0|occurenceFileTimeUtc 10; "
            "MSOpenTech-Tx-BinaryEventSource|WriteBinaryPayload|0|receiveFileTimeUtc 10; "
            "MSOpenTech-Tx-BinaryEventSource|WriteManifestPayload|0|occurenceFileTimeUtc 1; "
            "MSOpenTech-Tx-BinaryEventSource|WriteManifestPayload|0|receiveFileTimeUtc 1; "
            // -204 and friends, logged with TraceLogging type UInt64 (PerfView shows the signed
            // value; etwcat the bits as declared).
            "solar_system|PrimitiveTypesTest|0|int64_type 5; ");
    }
  }
}
