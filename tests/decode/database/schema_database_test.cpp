// The schema database: its text format round-trips real manifests, the committed built-in
// database is exactly what scripts/schema-db makes from the public provider data, and with it a
// capture without schemas of its own decodes as it does with its manifest.
#include "lib/decode/database/schema_database.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "formats/event_data_json.h"
#include "lib/base/input_file.h"
#include "lib/base/text_buffer.h"
#include "lib/decode/database/builtin_schemas.h"
#include "lib/decode/database/schema_sources.h"
#include "lib/decode/decoder.h"
#include "tests/support/decoding.h"

using namespace etwcat;
using namespace etwcat::decode;

namespace {

// Everything a schema says but its message, which the database does not keep.
void check_same(const event_schema& a, const event_schema& b) {
  CAPTURE(a.provider_name);
  CAPTURE(a.id);
  CAPTURE(a.version);
  CHECK(a.source == b.source);
  CHECK(a.provider_guid == b.provider_guid);
  CHECK(a.provider_name == b.provider_name);
  CHECK(a.level == b.level);
  CHECK(a.task == b.task);
  CHECK(a.opcode == b.opcode);
  CHECK(a.channel == b.channel);
  CHECK(a.keywords == b.keywords);
  CHECK(a.event_name == b.event_name);
  CHECK(a.task_name == b.task_name);
  CHECK(a.opcode_name == b.opcode_name);
  CHECK(a.level_name == b.level_name);
  CHECK(a.channel_name == b.channel_name);
  CHECK(a.keyword_names == b.keyword_names);
  CHECK(a.top_level_count == b.top_level_count);
  CHECK(a.allow_trailing_bytes == b.allow_trailing_bytes);
  REQUIRE(a.properties.size() == b.properties.size());
  for (std::size_t i = 0; i < a.properties.size(); ++i) {
    const property& p = a.properties[i];
    const property& q = b.properties[i];
    CAPTURE(p.name);
    CHECK(p.name == q.name);
    CHECK(p.in == q.in);
    CHECK(p.out == q.out);
    CHECK(p.is_struct == q.is_struct);
    CHECK(p.first_member == q.first_member);
    CHECK(p.member_count == q.member_count);
    CHECK(p.length_from == q.length_from);
    CHECK(p.length == q.length);
    CHECK(p.count_from == q.count_from);
    CHECK(p.count == q.count);
    CHECK(p.is_array == q.is_array);
    CHECK(p.map_name == q.map_name);
    CHECK((p.map == nullptr) == (q.map == nullptr));
    if (p.map != nullptr && q.map != nullptr) {
      CHECK(p.map->type == q.map->type);
      CHECK(p.map->entries.size() == q.map->entries.size());
    }
  }
}

void check_same(const manifest_provider& a, const manifest_provider& b) {
  CHECK(a.id == b.id);
  CHECK(a.name == b.name);
  CHECK(a.keywords == b.keywords);
  CHECK(a.levels == b.levels);
  CHECK(a.channels == b.channels);
  CHECK(a.tasks == b.tasks);
  CHECK(a.opcodes == b.opcodes);
  REQUIRE(a.maps.size() == b.maps.size());
  for (std::size_t i = 0; i < a.maps.size(); ++i) {
    CHECK(a.maps[i].name == b.maps[i].name);
    CHECK(a.maps[i].type == b.maps[i].type);
    REQUIRE(a.maps[i].entries.size() == b.maps[i].entries.size());
    for (std::size_t j = 0; j < a.maps[i].entries.size(); ++j) {
      CHECK(a.maps[i].entries[j].value == b.maps[i].entries[j].value);
      CHECK(a.maps[i].entries[j].name == b.maps[i].entries[j].name);
    }
  }
  REQUIRE(a.events.size() == b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) check_same(a.events[i], b.events[i]);
  REQUIRE(a.untemplated.size() == b.untemplated.size());
  for (std::size_t i = 0; i < a.untemplated.size(); ++i) {
    check_same(a.untemplated[i], b.untemplated[i]);
  }
}

const std::filesystem::path provider_data = testing::corpus_dir() / ".." / "provider-data";

}  // namespace

TEST_SUITE("corpus") {
  TEST_CASE("schema_database: real manifests written and read back are the same") {
    ETWCAT_REQUIRE_CORPUS();
    for (const char* file : {"microsoft-Tx/SystemEvents.man", "microsoft-Tx/HTTP_Server.man",
                             "microsoft-perfview/ClrEtwAll.man",
                             "powershell-PowerShell-Native/PowerShell.Core.Instrumentation.man"}) {
      CAPTURE(file);
      auto set = read_manifest_file(provider_data / file);
      REQUIRE(set.ok());
      const std::string text = write_schema_database(set.value().providers(), {});
      auto db = schema_database::open(text, "round trip");
      REQUIRE_MESSAGE(db.ok(), db.failure().message);
      REQUIRE(db.value().providers().size() == set.value().providers().size());
      for (const auto& original : set.value().providers()) {
        const auto* entry = db.value().find(original->id);
        REQUIRE(entry != nullptr);
        CHECK(entry->name == original->name);
        auto loaded = db.value().load(*entry);
        REQUIRE_MESSAGE(loaded.ok(), loaded.failure().message);
        check_same(*loaded.value(), *original);
      }
    }
  }

  TEST_CASE("schema_database: the built-in database is what scripts/schema-db makes") {
    ETWCAT_REQUIRE_CORPUS();
    const auto sources = builtin_schema_sources(provider_data);
    auto merged = merge_schema_sources(sources);
    REQUIRE_MESSAGE(merged.ok(), merged.failure().message);
    const std::string made = write_schema_database(merged.value(), schema_source_notes(sources));
    // Byte for byte: run scripts/schema-db and commit data/provider-schemas.txt when this fails.
    CHECK(made.size() == builtin_schema_text().size());
    CHECK(made == builtin_schema_text());
  }

  TEST_CASE("schema_database: built-in Kernel-Process has its keywords and ProcessStart") {
    ETWCAT_REQUIRE_CORPUS();
    const schema_database& db = builtin_schemas();
    const auto* entry = db.find_by_name("microsoft-windows-kernel-process");
    REQUIRE(entry != nullptr);
    CHECK(entry->id == *guid::parse("{22FB2CD6-0E7B-422B-A0C7-2FAD1FD0E716}"));
    auto loaded = db.load(*entry);
    REQUIRE(loaded.ok());
    const manifest_provider& p = *loaded.value();
    const auto keyword = std::find_if(p.keywords.begin(), p.keywords.end(), [](const auto& k) {
      return k.name == "WINEVENT_KEYWORD_PROCESS";
    });
    REQUIRE(keyword != p.keywords.end());
    CHECK(keyword->value == 0x10);
    // ProcessStart (event 1) v0 as microsoft/Tx's SystemEvents.man declares it.
    auto tx = read_manifest_file(provider_data / "microsoft-Tx/SystemEvents.man");
    REQUIRE(tx.ok());
    const event_schema* want = tx.value().find(entry->id, 1, 0);
    REQUIRE(want != nullptr);
    manifest_set set;
    set.add(loaded.value());
    const event_schema* got = set.find(entry->id, 1, 0);
    REQUIRE(got != nullptr);
    check_same(*got, *want);
    CHECK(got->task_name == "ProcessStart");
    // Newer versions are known by name from the Windows 11 set, their template lost there.
    const manifest_set::lookup v3 = set.find_event(entry->id, 1, 3);
    REQUIRE(v3.schema != nullptr);
    CHECK_FALSE(v3.layout_known);
  }

  TEST_CASE("schema_database: every provider of the built-in database loads") {
    ETWCAT_REQUIRE_CORPUS();
    auto db = schema_database::open(builtin_schema_text(), "built-in schemas");
    REQUIRE_MESSAGE(db.ok(), db.failure().message);
    // The Windows 11 set alone has 968 provider files.
    std::size_t files = 0;
    for (const auto& f :
         std::filesystem::directory_iterator(provider_data / "lilhoser-etwmanifests-26200.6901")) {
      files += f.path().extension() == ".xml";
    }
    CHECK(files == 968);
    CHECK(db.value().providers().size() >= files);
    std::size_t failures = 0;
    for (const auto& entry : db.value().providers()) {
      auto loaded = db.value().load(entry);
      if (!loaded.ok()) {
        ++failures;
        MESSAGE(loaded.failure().message);
        continue;
      }
      CHECK(loaded.value()->id == entry.id);
      CHECK(loaded.value()->id != guid{});
      CHECK_FALSE(loaded.value()->name.empty());
    }
    CHECK(failures == 0);
  }

  TEST_CASE("schema_database: Sysmon's schema gives every event version it declares") {
    ETWCAT_REQUIRE_CORPUS();
    auto xml = read_whole_file(provider_data / "sysinternals-SysmonCommon/manifest.xml");
    REQUIRE(xml.ok());
    auto set = read_sysmon_schema(xml.value(), "manifest.xml");
    REQUIRE_MESSAGE(set.ok(), set.failure().message);
    const guid sysmon = *guid::parse("{5770385F-C22A-43E0-BF4C-06F5698FFBD9}");
    // Process Create v5, as schema 4.81 lists it: RuleName, UtcTime, ProcessGuid, ProcessId…
    const event_schema* create = set.value().find(sysmon, 1, 5);
    REQUIRE(create != nullptr);
    REQUIRE(create->properties.size() >= 4);
    CHECK(create->properties[0].name == "RuleName");
    CHECK(create->properties[2].name == "ProcessGuid");
    CHECK(create->properties[2].in == in_type::guid);
    CHECK(create->properties[3].name == "ProcessId");
    CHECK(create->properties[3].out == out_type::pid);
    CHECK(create->event_name == "Process Create (rule: ProcessCreate)");
    CHECK(create->channel_name == "Microsoft-Windows-Sysmon/Operational");
    // Distinct (value, version) pairs of the file, counted here from its text.
    std::set<std::string> pairs;
    const std::string& text = xml.value();
    for (auto at = text.find("<event "); at != std::string::npos;
         at = text.find("<event ", at + 1)) {
      const auto end = text.find('>', at);
      const std::string tag = text.substr(at, end - at);
      const auto attr = [&](const std::string& name) {
        const auto start = tag.find(" " + name + "=\"") + name.size() + 3;
        return tag.substr(start, tag.find('"', start) - start);
      };
      pairs.insert(attr("value") + "/" + attr("version"));
    }
    CHECK(set.value().event_count() == pairs.size());
  }

  TEST_CASE("schema_database: with no options, tx/Process.etl decodes as with its manifest") {
    ETWCAT_REQUIRE_CORPUS();
    decoder builtin;
    decoder manifest;
    manifest.use_builtin_schemas(false);
    testing::add_provider_manifest(manifest, "microsoft-Tx/SystemEvents.man");
    std::vector<std::string> want;
    testing::decode_capture(manifest, "tx/Process.etl", [&](const auto&, event& e) {
      text_buffer json;
      json += e.event_name();
      json += " ";
      formats::append_event_data_members(json, e.data);
      want.push_back(json.str() + e.decode_error);
    });
    std::size_t i = 0, decoded = 0, differ = 0;
    testing::decode_capture(builtin, "tx/Process.etl", [&](const auto&, event& e) {
      text_buffer json;
      json += e.event_name();
      json += " ";
      formats::append_event_data_members(json, e.data);
      differ += i >= want.size() || json.str() + e.decode_error != want[i];
      decoded += e.payload_decoded && e.decode_error.empty();
      ++i;
    });
    CHECK(i == 10'344);
    CHECK(i == want.size());
    CHECK(differ == 0);
    CHECK(decoded == 10'344);
    // And without them, only the log-file header decodes.
    decoder none;
    none.use_builtin_schemas(false);
    decoded = 0;
    testing::decode_capture(none, "tx/Process.etl", [&](const auto&, event& e) {
      decoded += e.payload_decoded && e.decode_error.empty();
    });
    CHECK(decoded == 1);
  }
}

TEST_CASE("schema_database: damage is one error naming the line") {
  CHECK(schema_database::open("not a database\n", "x").failure().message ==
        "x: line 1: not an etwcat schema database");
  CHECK(schema_database::open("etwcat-schemas 1\nI\tnot-a-guid\tA\t0\t1\nB\n", "x")
            .failure()
            .message == "x: line 2: bad index line");
  CHECK(schema_database::open("etwcat-schemas 1\nI\t{22FB2CD6-0E7B-422B-A0C7-2FAD1FD0E716}\tA\t0\t"
                              "999\nB\nP\n",
                              "x")
            .failure()
            .message == "x: the index places provider A outside the text");
  // An event line cut short, on line 5 of the text.
  const std::string block =
      "P\t{22FB2CD6-0E7B-422B-A0C7-2FAD1FD0E716}\tA\to\nE\t1\t0\t4\t0\t0\t0\t0\t7\t0\t*\n";
  const std::string text = "etwcat-schemas 1\nI\t{22FB2CD6-0E7B-422B-A0C7-2FAD1FD0E716}\tA\t0\t" +
                           std::to_string(block.size()) + "\nB\n" + block;
  auto db = schema_database::open(text, "x");
  REQUIRE(db.ok());
  REQUIRE(db.value().providers().size() == 1);
  auto loaded = db.value().load(db.value().providers()[0]);
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.failure().message == "x: line 5: bad event line");
}

namespace {

// A fallback backed by a real manifest, counting the questions.
class manifest_fallback final : public schema_fallback {
 public:
  explicit manifest_fallback(manifest_set set) : set_(std::move(set)) {}
  schema_ptr find(const etl::record_view& record) override {
    ++asked;
    return set_.find_shared(record.header_guid(), record.event_id(),
                            static_cast<std::uint8_t>(record.version()));
  }
  std::size_t asked = 0;

 private:
  manifest_set set_;
};

}  // namespace

TEST_SUITE("corpus") {
  TEST_CASE("decoder: the fallback is asked once per event identity, after the other sources") {
    ETWCAT_REQUIRE_CORPUS();
    auto set = read_manifest_file(provider_data / "microsoft-Tx/HTTP_Server.man");
    REQUIRE(set.ok());
    auto owned = std::make_unique<manifest_fallback>(std::move(set).value());
    manifest_fallback* fallback = owned.get();
    decoder d;
    d.use_builtin_schemas(false);
    d.use_fallback(std::move(owned));
    std::size_t events = 0, decoded = 0;
    std::set<std::pair<int, int>> identities;
    testing::decode_capture(d, "tx/HTTP_Server.etl", [&](const etl::record_view& r, event& e) {
      ++events;
      decoded += e.payload_decoded && e.decode_error.empty();
      if (r.kind() == etl::header_kind::event_header32 ||
          r.kind() == etl::header_kind::event_header64) {
        identities.emplace(r.event_id(), r.version());
      }
    });
    CHECK(events == 2042);
    CHECK(decoded == 2042);
    // Each manifest event identity once, and the log-file header (a classic kernel record with
    // a built-in layout) never.
    CHECK(fallback->asked == identities.size());
    CHECK(identities.size() == 12);
  }
}
