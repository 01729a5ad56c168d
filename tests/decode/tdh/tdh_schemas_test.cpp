// Tests for lib/decode/tdh/tdh_schemas.h: the TDH fallback over recorded TDH answers — the
// TRACE_EVENT_INFO and EVENT_MAP_INFO blobs merged captures carry — decodes what the decoder's
// own handling of those blobs decodes; off Windows there is no TDH. On Windows (etw_api suite,
// not under Wine) the same fallback and tdh_provider_details ask the machine's tdh.dll.
#include "lib/decode/tdh/tdh_schemas.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "lib/decode/manifest/manifest_assembler.h"
#include "lib/decode/payload_decoder.h"
#include "lib/decode/tdh/tdh_blobs.h"
#include "lib/decode/tdh/tdh_record.h"
#include "lib/etl/merged_reader.h"
#include "lib/event/record_event.h"
#include "tests/decode/tdh/recorded_tdh.h"
#include "tests/support/corpus.h"
#include "tests/support/etl_builder.h"

using namespace etwcat;
using namespace etwcat::decode;
using testing::recorded_tdh;

namespace {

// A trace of the corpus that carries KernelTraceControl schemas: one .etl file, or the files
// of a folder named after one of them, which are one trace (diaghub/diaghub.etl holds the
// schemas of the events in diaghub/diaghub.user_paged.1.etl).
struct capture {
  std::string name;  // relative to the corpus
  std::vector<std::filesystem::path> paths;
};

std::vector<capture> merged_captures() {
  namespace fs = std::filesystem;
  std::vector<capture> out;
  const fs::path root = testing::corpus_dir();
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec || !it->is_regular_file() || it->path().extension() != ".etl") continue;
    if (it->file_size(ec) == 0) continue;
    capture c{it->path().lexically_relative(root).generic_string(), {it->path()}};
    if (recorded_tdh::from_capture(c.paths).infos.empty()) continue;
    const fs::path folder = it->path().parent_path();
    if (folder.filename() == it->path().stem()) {
      for (const auto& sibling : fs::directory_iterator(folder, ec)) {
        if (sibling.path().extension() == ".etl" && sibling.path() != it->path()) {
          c.paths.push_back(sibling.path());
        }
      }
      c.name = folder.lexically_relative(root).generic_string() + "/*.etl";
    }
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(),
            [](const capture& a, const capture& b) { return a.name < b.name; });
  return out;
}

const std::vector<capture>& captures() {
  static const std::vector<capture> found = merged_captures();
  return found;
}

// What a decoder made of an event's payload, as one comparable line: whether and how it
// decoded, and each EventData item with its type and value.
std::string render_payload(const event& e) {
  std::string out = e.payload_decoded ? "decoded|" : "not decoded|";
  out += e.decode_error + "|" + std::to_string(e.data.surplus().offset) + "+" +
         std::to_string(e.data.surplus().bytes.size()) + "|";
  for (const data_item& item : e.data.items()) {
    out += item.name;
    out += '=';
    switch (item.type) {
      case data_type::boolean:
        out += item.boolean ? "true" : "false";
        break;
      case data_type::signed_int:
        out += std::to_string(item.signed_value);
        break;
      case data_type::unsigned_int:
      case data_type::filetime:
        out += std::to_string(item.unsigned_value);
        break;
      case data_type::hex_int:
        out += "0x" + std::to_string(item.unsigned_value) + "/" + std::to_string(item.hex_digits);
        break;
      case data_type::float32:
      case data_type::float64:
        // The bits: equal values, not equal-looking ones.
        out += "f" + std::to_string(std::bit_cast<std::uint64_t>(item.float_value));
        break;
      case data_type::string:
        out += '"';
        out += e.data.text(item);
        out += '"';
        break;
      case data_type::guid:
        out += e.data.guid_value(item).to_string();
        break;
      case data_type::binary:
        for (std::byte b : e.data.bytes(item)) out += std::to_string(static_cast<int>(b)) + ".";
        break;
      case data_type::begin_struct:
        out += '{';
        break;
      case data_type::end_struct:
        out += '}';
        break;
      case data_type::begin_array:
        out += '[';
        break;
      case data_type::end_array:
        out += ']';
        break;
    }
    out += ';';
  }
  return out;
}

// The names a schema gave an event, then its payload.
std::string render(const event& e) {
  std::string out;
  for (std::string_view part : {e.event_name(), e.provider_name, e.level_name, e.task_name,
                                e.opcode_name, e.channel_name}) {
    out += part;
    out += '|';
  }
  for (std::string_view k : e.keyword_names) {
    out += k;
    out += ',';
  }
  return out + "|" + render_payload(e);
}

bool is_metadata(const etl::record_view& r) {
  return !etl::is_kernel_kind(r.kind()) && r.kind() != etl::header_kind::wpp_message &&
         r.header_guid() == event_metadata_guid;
}

bool self_described(const etl::record_view& r) {
  if (etl::is_kernel_kind(r.kind())) return false;
  if (r.kind() != etl::header_kind::event_header32 &&
      r.kind() != etl::header_kind::event_header64) {
    return false;
  }
  if (r.event_id() == manifest_event_id) return true;
  for (const etl::extended_item& item : r.extended_items()) {
    if (item.type == etl::ext_type::event_schema_tl) return true;
  }
  return false;
}

// Reads a capture in time order, as `etwcat dump` does; `each(record, event)` after `decode`.
template <class Decode, class Each>
void read_capture(std::span<const std::filesystem::path> paths, Decode decode, Each each) {
  diagnostics diags;
  auto trace = etl::merged_reader::open(paths, diags);
  etl::record_view record;
  event e;
  while (trace.next(record)) {
    fill_event(record, trace.clock(trace.file()), e);
    if (decode(record, e)) each(record, e);
  }
}

}  // namespace

TEST_CASE("tdh_schemas: no TDH off Windows, and no fallback without a source") {
  CHECK(make_tdh_fallback(nullptr) == nullptr);
  // Windows has TDH; Linux has none, and Wine's TDH functions are stubs.
  CHECK((make_tdh_schemas() != nullptr) == tdh_available());
  if (tdh_available()) return;
#ifndef _WIN32
  const std::string why = "needs Windows";
#else
  const std::string why = "not available under Wine";
#endif
  auto details = tdh_provider_details(guid{});
  REQUIRE_FALSE(details.ok());
  CHECK(details.failure().message.find(why) != std::string::npos);
}

#ifdef _WIN32
// Windows itself: this machine's registered manifests, through tdh.dll. Not run under Wine.
TEST_SUITE("etw_api") {
  // Microsoft-Windows-Kernel-Process and Microsoft-Windows-Kernel-Network: registered on every
  // Windows since 7.
  const guid kernel_process = testing::guid_of("22FB2CD6-0E7B-422B-A0C7-2FAD1FD0E716");
  const guid kernel_network = testing::guid_of("7DD42A49-5329-4832-8DFD-43D979153A88");

  TEST_CASE("tdh_schemas: TDH's details of Microsoft-Windows-Kernel-Process") {
    REQUIRE(tdh_available());
    auto details = tdh_provider_details(kernel_process);
    REQUIRE_MESSAGE(details.ok(), details.failure().message);
    const manifest_provider& p = *details.value();
    CHECK(p.id == kernel_process);
    CHECK(p.name == "Microsoft-Windows-Kernel-Process");
    CHECK_FALSE(p.keywords.empty());
    CHECK_FALSE(p.levels.empty());
    CHECK_FALSE(p.tasks.empty());
    // Events where TdhEnumerateManifestProviderEvents exists (Windows 8.1 and later).
    MESSAGE(p.events.size() << " events, " << p.maps.size() << " maps");
    for (const event_schema& e : p.events) {
      CHECK(e.provider_guid == kernel_process);
      for (const property& prop : e.properties) {
        if (prop.map == nullptr) continue;
        CHECK(prop.map >= p.maps.data());
        CHECK(prop.map < p.maps.data() + p.maps.size());
      }
    }
  }

  TEST_CASE("tdh_schemas: TDH does not know a made-up provider, and says why") {
    auto details = tdh_provider_details(testing::guid_of("0BADF00D-0000-4000-8000-00000000CAFE"));
    REQUIRE_FALSE(details.ok());
    CHECK(details.failure().message.starts_with("TDH does not know provider {0BADF00D-"));
  }

  TEST_CASE("tdh_schemas: the TDH fallback describes a registered provider's events") {
    ETWCAT_REQUIRE_CORPUS();
    auto fallback = make_tdh_schemas();
    REQUIRE(fallback != nullptr);
    diagnostics diags;
    const std::filesystem::path paths[] = {testing::corpus_file("tx/KernelNetwork.etl")};
    auto trace = etl::merged_reader::open(paths, diags);
    etl::record_view r;
    int asked = 0;
    while (trace.next(r) && asked < 5) {
      if (r.kind() != etl::header_kind::event_header64 &&
          r.kind() != etl::header_kind::event_header32) {
        continue;
      }
      if (r.header_guid() != kernel_network) continue;
      ++asked;
      schema_ptr schema = fallback->find(r);
      REQUIRE(schema != nullptr);
      CHECK(schema->provider_guid == kernel_network);
      CHECK(schema->id == r.event_id());
      CHECK_FALSE(schema->properties.empty());
    }
    CHECK(asked > 0);
  }
}
#endif

TEST_SUITE("corpus") {
  TEST_CASE("tdh_schemas: the corpus has merged captures with TDH blobs") {
    ETWCAT_REQUIRE_CORPUS();
    std::size_t blobs = 0;
    for (const capture& c : captures()) {
      const recorded_tdh tdh = recorded_tdh::from_capture(c.paths);
      MESSAGE(c.name << ": " << tdh.info_records << " TRACE_EVENT_INFO records ("
                     << tdh.infos.size() << " identities), " << tdh.maps.size() << " maps");
      blobs += tdh.info_records;
    }
    // net.4.5.2.x64.etl alone records 61 (etl-format.md §7.2).
    CHECK(blobs >= 61);
    CHECK(std::any_of(captures().begin(), captures().end(),
                      [](const capture& c) { return c.name == "perfview/net.4.5.2.x64.etl"; }));
  }

  TEST_CASE("tdh_schemas: every TRACE_EVENT_INFO of a capture converts, with the maps it names") {
    ETWCAT_REQUIRE_CORPUS();
    for (const capture& c : captures()) {
      CAPTURE(c.name);
      recorded_tdh tdh = recorded_tdh::from_capture(c.paths);
      for (const auto& [identity, blob] : tdh.infos) {
        const guid provider = guid::from_bytes(std::span(blob).first<16>());
        int lookups = 0;
        auto schema = schema_from_event_info(blob, [&](std::string_view name) {
          ++lookups;
          auto it = tdh.maps.find({provider, std::string(name)});
          return it == tdh.maps.end() ? std::span<const std::byte>{} : std::span(it->second);
        });
        REQUIRE_MESSAGE(schema.ok(), schema.failure().message);
        // The same schema read_event_info gives, plus maps.
        auto plain = read_event_info(blob);
        REQUIRE(plain.ok());
        schema_ptr converted = schema.value();
        schema = error{};  // only the copy keeps the maps alive now
        CHECK(converted->event_name == plain.value().event_name);
        CHECK(converted->provider_guid == plain.value().provider_guid);
        REQUIRE(converted->properties.size() == plain.value().properties.size());
        std::vector<std::string> names;
        for (const property& p : converted->properties) {
          CAPTURE(p.name);
          if (p.map_name.empty()) {
            CHECK(p.map == nullptr);
            continue;
          }
          if (std::find(names.begin(), names.end(), p.map_name) == names.end()) {
            names.push_back(p.map_name);
          }
          auto recorded = tdh.maps.find({provider, p.map_name});
          if (recorded == tdh.maps.end()) {
            CHECK(p.map == nullptr);
            continue;
          }
          REQUIRE(p.map != nullptr);
          auto expected = read_map_info(recorded->second);
          REQUIRE(expected.ok());
          CHECK(p.map->name == p.map_name);
          CHECK(p.map->type == expected.value().type);
          REQUIRE(p.map->entries.size() == expected.value().entries.size());
          for (std::size_t i = 0; i < p.map->entries.size(); ++i) {
            CHECK(p.map->entries[i].value == expected.value().entries[i].value);
            CHECK(p.map->entries[i].name == expected.value().entries[i].name);
          }
        }
        // Each map name is asked once, however many properties use it.
        CHECK(lookups == static_cast<int>(names.size()));
      }
    }
  }

  TEST_CASE(
      "tdh_schemas: the fallback over recorded blobs alone decodes as the trace's schemas do") {
    ETWCAT_REQUIRE_CORPUS();
    // The normal path learns the blobs from the MetaData records as they stream past. The TDH
    // path never sees those records: its only schemas are what the fallback makes from TDH's
    // answers, here the same blobs, found through the EVENT_RECORD each event yields. Every
    // event the fallback described must come out the same, names and EventData.
    std::size_t compared_total = 0;
    for (const capture& c : captures()) {
      CAPTURE(c.name);
      std::vector<std::string> normal;
      decoder normal_decoder;
      read_capture(
          c.paths,
          [&](const etl::record_view& r, event& e) {
            normal_decoder.decode(r, e);
            return true;
          },
          [&](const etl::record_view&, const event& e) { normal.push_back(render(e)); });

      auto owned = std::make_unique<recorded_tdh>(recorded_tdh::from_capture(c.paths));
      recorded_tdh& tdh = *owned;
      decoder tdh_decoder;
      tdh_decoder.use_builtin_schemas(false);
      tdh_decoder.use_fallback(make_tdh_fallback(std::move(owned)));
      std::size_t index = 0, compared = 0, mismatches = 0;
      read_capture(
          c.paths,
          [&](const etl::record_view& r, event& e) {
            const std::size_t at = index++;
            if (is_metadata(r)) return false;
            tdh_decoder.decode(r, e);
            // Described by the fallback: its identity was answered (the decoder asks once per
            // identity, before the first event of it is decoded).
            if (!tdh.answered.contains(testing::identity_of(tdh_event_record(r)))) return false;
            ++compared;
            const std::string got = render(e);
            if (got != normal[at] && ++mismatches <= 5) {
              CHECK(got == normal[at]);
            }
            return false;
          },
          [](const etl::record_view&, const event&) {});
      CHECK(mismatches == 0);
      MESSAGE(c.name << ": " << compared << " events decoded through the TDH fallback, "
                     << tdh.answered.size() << " identities");
      // Once per identity, answered or not: nothing per event.
      for (const auto& asked : tdh.questions) {
        const std::string id = asked.first.id.to_string();
        CAPTURE(id);
        CAPTURE(asked.first.number);
        CHECK(asked.second == 1);
      }
      compared_total += compared;
    }
    CHECK(compared_total > 0);
  }

  TEST_CASE("tdh_schemas: every payload with a recorded schema decodes with it as the trace's") {
    ETWCAT_REQUIRE_CORPUS();
    // Events the fallback is never asked about (classic kernel events, which have built-in
    // layouts) still must decode with the converted schema as the normal path decodes them
    // with the blob it learned.
    std::size_t compared_total = 0;
    for (const capture& c : captures()) {
      CAPTURE(c.name);
      recorded_tdh tdh = recorded_tdh::from_capture(c.paths);
      std::map<testing::tdh_identity, schema_ptr> schemas;
      decoder normal_decoder;
      payload_decoder payload;
      event converted;
      std::size_t compared = 0, mismatches = 0;
      read_capture(
          c.paths,
          [&](const etl::record_view& r, event& e) {
            normal_decoder.decode(r, e);
            // Not WPP, and not the events the decoder never looks a schema up for: TraceLogging
            // (described by the record itself) and EventSource manifests.
            return !is_metadata(r) && r.kind() != etl::header_kind::wpp_message &&
                   !self_described(r);
          },
          [&](const etl::record_view& r, const event& e) {
            const live::event_record asked = tdh_event_record(r);
            const testing::tdh_identity identity = testing::identity_of(asked);
            if (!tdh.infos.contains(identity)) return;
            auto& schema = schemas[identity];
            if (!schema) {
              auto made = schema_from_event_info(
                  tdh.event_information(asked),
                  [&](std::string_view name) { return tdh.event_map_information(asked, name); });
              REQUIRE(made.ok());
              schema = made.value();
            }
            converted.data.clear();
            converted.decode_error.clear();
            converted.payload_decoded = payload.decode(*schema, r.payload(), r.pointer_size(),
                                                       converted.data, converted.decode_error);
            ++compared;
            const std::string want = render_payload(e);
            const std::string got = render_payload(converted);
            if (got != want && ++mismatches <= 5) CHECK(got == want);
          });
      CHECK(mismatches == 0);
      MESSAGE(c.name << ": " << compared << " payloads decoded with " << schemas.size()
                     << " converted schemas");
      compared_total += compared;
    }
    CHECK(compared_total > 0);
  }
}
