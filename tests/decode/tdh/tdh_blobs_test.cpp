// Tests for lib/decode/tdh/tdh_blobs.h with blobs built here field by field, in the layouts of
// docs/etw-api.md §8: PROVIDER_FIELD_INFOARRAY, PROVIDER_EVENT_INFO, and TRACE_EVENT_INFO with
// the EVENT_MAP_INFOs it names (a schema that owns its maps; a provider whose events share them).
#include "lib/decode/tdh/tdh_blobs.h"

#include <doctest/doctest.h>

#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "lib/decode/tdh/event_info.h"
#include "tests/support/etl_builder.h"

using namespace etwcat;
using namespace etwcat::decode;
using etwcat::testing::byte_writer;
using etwcat::testing::bytes;
using etwcat::testing::put_at;

namespace {

// Appends a UTF-16 string to `b`; its offset, or 0 for an empty one (TDH's "absent").
std::uint32_t add_string(bytes& b, const std::string& s) {
  if (s.empty()) return 0;
  const auto at = static_cast<std::uint32_t>(b.size());
  byte_writer w;
  w.put_utf16z(s);
  b.insert(b.end(), w.data().begin(), w.data().end());
  return at;
}

struct field {
  std::string name, description;
  std::uint64_t value = 0;
};

// PROVIDER_FIELD_INFOARRAY: count, field type, 16-byte elements, then the strings.
bytes field_info(std::uint32_t type, const std::vector<field>& fields) {
  bytes b(8 + 16 * fields.size(), std::byte{0});
  put_at(b, 0, static_cast<std::uint32_t>(fields.size()));
  put_at(b, 4, type);
  for (std::size_t i = 0; i < fields.size(); ++i) {
    put_at(b, 8 + 16 * i, add_string(b, fields[i].name));
    put_at(b, 8 + 16 * i + 4, add_string(b, fields[i].description));
    put_at(b, 8 + 16 * i + 8, fields[i].value);
  }
  return b;
}

// A manifest TRACE_EVENT_INFO with uint32 properties, each naming a map (or none).
bytes event_info(const guid& provider, std::uint16_t id,
                 const std::vector<std::pair<std::string, std::string>>& properties) {
  bytes b(0x70 + 24 * properties.size(), std::byte{0});
  std::memcpy(b.data(), &provider.data1, 4);
  std::memcpy(b.data() + 4, &provider.data2, 2);
  std::memcpy(b.data() + 6, &provider.data3, 2);
  std::memcpy(b.data() + 8, provider.data4.data(), 8);
  put_at(b, 0x20, id);
  put_at(b, 0x34, add_string(b, "Test-Provider"));
  put_at(b, 0x44, add_string(b, "Work"));
  put_at(b, 0x64, static_cast<std::uint32_t>(properties.size()));
  put_at(b, 0x68, static_cast<std::uint32_t>(properties.size()));
  for (std::size_t i = 0; i < properties.size(); ++i) {
    const std::size_t at = 0x70 + 24 * i;
    put_at(b, at + 4, add_string(b, properties[i].first));
    put_at(b, at + 8, std::uint16_t{8});  // UInt32
    put_at(b, at + 12, add_string(b, properties[i].second));
    put_at(b, at + 16, std::uint16_t{1});
  }
  return b;
}

// A manifest value map EVENT_MAP_INFO (flag 1), names with TDH's trailing space.
bytes map_info(const std::string& name,
               const std::vector<std::pair<std::uint32_t, std::string>>& entries) {
  bytes b(16 + 8 * entries.size(), std::byte{0});
  put_at(b, 0, add_string(b, name));
  put_at(b, 4, std::uint32_t{1});
  put_at(b, 8, static_cast<std::uint32_t>(entries.size()));
  for (std::size_t i = 0; i < entries.size(); ++i) {
    put_at(b, 16 + 8 * i, add_string(b, entries[i].second + " "));
    put_at(b, 16 + 8 * i + 4, entries[i].first);
  }
  return b;
}

const guid provider = testing::guid_of("1C95126E-7EEA-49A9-A3FE-A378B03DDB4D");

}  // namespace

TEST_CASE("tdh_blobs: keyword and level lists, with and without descriptions") {
  auto keywords = read_provider_field_info(
      field_info(0, {{"KERNEL_FILE_KEYWORD_FILENAME ", "File name events", 0x10},
                     {"KERNEL_FILE_KEYWORD_CREATE", "", 0x80}}),
      provider_field::keywords);
  REQUIRE(keywords.ok());
  REQUIRE(keywords.value().size() == 2);
  CHECK(keywords.value()[0] ==
        declaration{0x10, "KERNEL_FILE_KEYWORD_FILENAME", "File name events", 0});
  // No description: the name is what TDH would show.
  CHECK(keywords.value()[1] ==
        declaration{0x80, "KERNEL_FILE_KEYWORD_CREATE", "KERNEL_FILE_KEYWORD_CREATE", 0});

  auto levels = read_provider_field_info(field_info(1, {{"win:Informational", "Information", 4}}),
                                         provider_field::levels);
  REQUIRE(levels.ok());
  CHECK(levels.value() == std::vector<declaration>{{4, "win:Informational", "Information", 0}});

  auto empty = read_provider_field_info(field_info(3, {}), provider_field::tasks);
  REQUIRE(empty.ok());
  CHECK(empty.value().empty());
}

TEST_CASE("tdh_blobs: opcodes in TDH's task-and-opcode form and as plain values") {
  // Task 12 in bits 0-15, opcode 20 in bits 16-23; winmeta's Start (1) plain.
  auto opcodes = read_provider_field_info(
      field_info(4, {{"CreateNew", "", (std::uint64_t{20} << 16) | 12}, {"win:Start", "Start", 1}}),
      provider_field::opcodes);
  REQUIRE(opcodes.ok());
  REQUIRE(opcodes.value().size() == 2);
  CHECK(opcodes.value()[0].value == 20);
  CHECK(opcodes.value()[0].task == 12);
  CHECK(opcodes.value()[1].value == 1);
  CHECK(opcodes.value()[1].task == 0);
  // Only opcodes are split: a keyword keeps every bit.
  auto keyword = read_provider_field_info(field_info(0, {{"K", "", 0x8000000000000000ULL}}),
                                          provider_field::keywords);
  REQUIRE(keyword.ok());
  CHECK(keyword.value()[0].value == 0x8000000000000000ULL);
}

TEST_CASE("tdh_blobs: broken PROVIDER_FIELD_INFOARRAY blobs fail with the offset of the field") {
  CHECK_FALSE(read_provider_field_info(bytes(4), provider_field::keywords).ok());
  bytes too_many = field_info(0, {{"A", "", 1}});
  put_at(too_many, 0, std::uint32_t{3});
  auto count = read_provider_field_info(too_many, provider_field::keywords);
  REQUIRE_FALSE(count.ok());
  CHECK(count.failure().message.find("NumberOfElements 3") != std::string::npos);
  bytes bad_name = field_info(0, {{"A", "B", 1}});
  put_at(bad_name, 8, static_cast<std::uint32_t>(bad_name.size() + 10));
  auto name = read_provider_field_info(bad_name, provider_field::keywords);
  REQUIRE_FALSE(name.ok());
  CHECK(name.failure().offset == 8);
  bytes unterminated = field_info(0, {{"A", "B", 1}});
  unterminated.resize(unterminated.size() - 2);  // the description's NUL
  auto description = read_provider_field_info(unterminated, provider_field::keywords);
  REQUIRE_FALSE(description.ok());
  CHECK(description.failure().offset == 12);
}

TEST_CASE("tdh_blobs: PROVIDER_EVENT_INFO descriptors") {
  byte_writer w;
  w.put(std::uint32_t{2}).put(std::uint32_t{0});
  w.put(std::uint16_t{1}).put(std::uint8_t{0}).put(std::uint8_t{16}).put(std::uint8_t{4});
  w.put(std::uint8_t{1}).put(std::uint16_t{1}).put(std::uint64_t{0x8000000000000010ULL});
  w.put(std::uint16_t{2}).put(std::uint8_t{3}).put(std::uint8_t{0}).put(std::uint8_t{5});
  w.put(std::uint8_t{2}).put(std::uint16_t{7}).put(std::uint64_t{0x20});
  auto events = read_provider_event_info(w.data());
  REQUIRE(events.ok());
  REQUIRE(events.value().size() == 2);
  const etl::event_descriptor& a = events.value()[0];
  CHECK(a.id == 1);
  CHECK(a.version == 0);
  CHECK(a.channel == 16);
  CHECK(a.level == 4);
  CHECK(a.opcode == 1);
  CHECK(a.task == 1);
  CHECK(a.keyword == 0x8000000000000010ULL);
  const etl::event_descriptor& b = events.value()[1];
  CHECK(b.id == 2);
  CHECK(b.version == 3);
  CHECK(b.level == 5);
  CHECK(b.opcode == 2);
  CHECK(b.task == 7);
  CHECK(b.keyword == 0x20);

  bytes short_list = w.data();
  short_list.resize(short_list.size() - 1);
  auto broken = read_provider_event_info(short_list);
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.failure().message.find("NumberOfEvents 2") != std::string::npos);
  CHECK_FALSE(read_provider_event_info(bytes(7)).ok());
}

TEST_CASE("tdh_blobs: a schema owns the maps its properties point to") {
  std::map<std::string, bytes> tdh_maps = {
      {"StateMap", map_info("StateMap", {{0, "Off"}, {1, "On"}})}};
  std::vector<std::string> asked;
  schema_ptr schema;
  {
    const bytes info = event_info(
        provider, 7,
        {{"Old", "StateMap"}, {"New", "StateMap"}, {"Other", "UnknownMap"}, {"Count", ""}});
    auto made = schema_from_event_info(info, [&](std::string_view name) {
      asked.emplace_back(name);
      auto it = tdh_maps.find(std::string(name));
      return it == tdh_maps.end() ? std::span<const std::byte>{} : std::span(it->second);
    });
    REQUIRE(made.ok());
    schema = made.value();
  }
  // TDH's buffers are reused for the next question: the schema must not point into them.
  tdh_maps.clear();
  CHECK(asked == std::vector<std::string>{"StateMap", "UnknownMap"});
  REQUIRE(schema->properties.size() == 4);
  const property& old_state = schema->properties[0];
  const property& new_state = schema->properties[1];
  REQUIRE(old_state.map != nullptr);
  CHECK(old_state.map == new_state.map);
  CHECK(old_state.map->name == "StateMap");
  REQUIRE(old_state.map->entries.size() == 2);
  CHECK(old_state.map->entries[1].value == 1);
  CHECK(old_state.map->entries[1].name == "On");
  CHECK(schema->properties[2].map_name == "UnknownMap");
  CHECK(schema->properties[2].map == nullptr);  // TDH knew no such map: the value stays a number
  CHECK(schema->properties[3].map == nullptr);
  CHECK(schema->event_name == "Work");
  CHECK(schema->provider_name == "Test-Provider");
}

TEST_CASE("tdh_blobs: a map blob that does not read fails the schema, naming the map") {
  bytes bad = map_info("StateMap", {{0, "Off"}});
  put_at(bad, 8, std::uint32_t{50});  // EntryCount past the end
  auto made =
      schema_from_event_info(event_info(provider, 7, {{"State", "StateMap"}}),
                             [&](std::string_view) { return std::span<const std::byte>(bad); });
  REQUIRE_FALSE(made.ok());
  CHECK(made.failure().message.starts_with("map StateMap: EntryCount 50"));
  CHECK(made.failure().offset == 8);
  // And a TRACE_EVENT_INFO that does not read is read_event_info's error.
  auto short_info = schema_from_event_info(
      bytes(0x20), [](std::string_view) { return std::span<const std::byte>{}; });
  REQUIRE_FALSE(short_info.ok());
  CHECK(short_info.failure().message.find("112-byte fixed part") != std::string::npos);
}

TEST_CASE("tdh_blobs: a provider's events share its maps, each asked once") {
  manifest_provider p;
  p.id = provider;
  for (std::uint16_t id : {1, 2, 3}) {
    auto schema = read_event_info(event_info(
        provider, id, {{"State", id == 3 ? "ModeMap" : "StateMap"}, {"Mode", "ModeMap"}}));
    REQUIRE(schema.ok());
    p.events.push_back(std::move(schema).value());
  }
  const std::map<std::string, bytes> tdh_maps = {
      {"StateMap", map_info("StateMap", {{0, "Off"}, {1, "On"}})},
      {"ModeMap", map_info("ModeMap", {{2, "Fast"}})}};
  std::vector<std::pair<int, std::string>> asked;  // event id, map
  auto added = add_provider_maps(p, [&](const event_schema& event, std::string_view name) {
    asked.emplace_back(event.id, std::string(name));
    return std::span<const std::byte>(tdh_maps.at(std::string(name)));
  });
  REQUIRE(added.ok());
  // Through the first event that names each map.
  CHECK(asked == std::vector<std::pair<int, std::string>>{{1, "StateMap"}, {1, "ModeMap"}});
  REQUIRE(p.maps.size() == 2);
  for (const event_schema& e : p.events) {
    for (const property& prop : e.properties) {
      REQUIRE(prop.map != nullptr);
      CHECK(prop.map->name == prop.map_name);
      // Into the provider's own maps, which live as long as the provider.
      CHECK(prop.map >= p.maps.data());
      CHECK(prop.map < p.maps.data() + p.maps.size());
    }
  }
  CHECK(p.events[2].properties[0].map->entries.at(0).name == "Fast");
}
