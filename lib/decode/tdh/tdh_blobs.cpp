// tdh_blobs: TDH's answers -> event_schema (with the maps it owns) and declarations, every offset
// and count checked against the blob.
#include "lib/decode/tdh/tdh_blobs.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "lib/base/byte_cursor.h"
#include "lib/base/unicode.h"
#include "lib/decode/tdh/event_info.h"

namespace etwcat::decode {

namespace {

constexpr std::size_t field_array_header = 8;  // PROVIDER_FIELD_INFOARRAY before its elements
constexpr std::size_t field_info_size = 16;    // PROVIDER_FIELD_INFO
constexpr std::size_t event_array_header = 8;  // PROVIDER_EVENT_INFO before its descriptors
constexpr std::size_t descriptor_size = 16;    // EVENT_DESCRIPTOR

// A schema and the maps its properties point to, in one allocation that schema_ptr aliases.
struct schema_with_maps {
  event_schema schema;
  std::vector<value_map> maps;
};

// The UTF-16 string at `offset` of `blob` (0: absent, empty), up to its NUL; false when it
// does not end inside the blob.
bool read_utf16z(std::span<const std::byte> blob, std::uint32_t offset, std::string& out) {
  out.clear();
  if (offset == 0) return true;
  std::u16string units;
  for (std::size_t at = offset;; at += 2) {
    std::uint16_t unit = 0;
    if (!read_at(blob, at, unit)) return false;
    if (unit == 0) break;
    units.push_back(static_cast<char16_t>(unit));
  }
  append_utf16_as_utf8(out, units);
  // Manifest strings as TDH gives them often end with a space.
  while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
  return true;
}

error bad_string(std::string_view what, std::uint32_t offset, std::size_t at) {
  return error{std::string(what) + " offset " + std::to_string(offset) +
                   " is not a terminated string inside the blob",
               at};
}

// Reads the map called `name` through `lookup` into `maps`; false with `failure` set when its
// blob does not read. A map not found adds nothing.
template <class Lookup>
bool fetch_map(std::string_view name, Lookup&& lookup, std::vector<value_map>& maps,
               error& failure) {
  const std::span<const std::byte> blob = lookup();
  if (blob.empty()) return true;
  auto map = read_map_info(blob);
  if (!map.ok()) {
    failure =
        error{"map " + std::string(name) + ": " + map.failure().message, map.failure().offset};
    return false;
  }
  // Named as the properties name it, which is how they find it.
  map.value().name = std::string(name);
  maps.push_back(std::move(map).value());
  return true;
}

const value_map* find_map(const std::vector<value_map>& maps, std::string_view name) {
  auto it =
      std::find_if(maps.begin(), maps.end(), [&](const value_map& m) { return m.name == name; });
  return it == maps.end() ? nullptr : &*it;
}

}  // namespace

result<schema_ptr> schema_from_event_info(std::span<const std::byte> event_info,
                                          const map_info_lookup& maps) {
  auto read = read_event_info(event_info);
  if (!read.ok()) return read.failure();
  auto owner = std::make_shared<schema_with_maps>();
  owner->schema = std::move(read).value();
  // Every map first, then the pointers: the vector may move while it grows.
  std::vector<std::string_view> asked;
  for (const property& p : owner->schema.properties) {
    if (p.map_name.empty() || std::find(asked.begin(), asked.end(), p.map_name) != asked.end()) {
      continue;
    }
    asked.push_back(p.map_name);
    error failure;
    if (!fetch_map(
            p.map_name, [&] { return maps(p.map_name); }, owner->maps, failure)) {
      return failure;
    }
  }
  for (property& p : owner->schema.properties) {
    if (!p.map_name.empty()) p.map = find_map(owner->maps, p.map_name);
  }
  const event_schema* schema = &owner->schema;
  return schema_ptr(std::move(owner), schema);
}

result<std::vector<declaration>> read_provider_field_info(std::span<const std::byte> blob,
                                                          provider_field field) {
  std::uint32_t count = 0;
  if (!read_at(blob, 0, count) || blob.size() < field_array_header) {
    return error{"PROVIDER_FIELD_INFOARRAY is " + std::to_string(blob.size()) +
                     " bytes, less than its 8-byte header",
                 0};
  }
  if (count > (blob.size() - field_array_header) / field_info_size) {
    return error{"NumberOfElements " + std::to_string(count) + " does not fit in the " +
                     std::to_string(blob.size()) + "-byte blob",
                 0};
  }
  std::vector<declaration> out(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t at = field_array_header + i * field_info_size;
    byte_cursor in(blob, at);
    std::uint32_t name_offset = 0, description_offset = 0;
    std::uint64_t value = 0;
    // Fits: the count was checked against the blob size.
    (void)(in.read(name_offset) && in.read(description_offset) && in.read(value));
    declaration& d = out[i];
    if (!read_utf16z(blob, name_offset, d.name)) return bad_string("name", name_offset, at);
    if (!read_utf16z(blob, description_offset, d.display)) {
      return bad_string("description", description_offset, at + 4);
    }
    if (d.display.empty()) d.display = d.name;
    d.value = value;
    if (field == provider_field::opcodes && value > 0xFF) {
      d.value = (value >> 16) & 0xFF;
      d.task = static_cast<std::uint16_t>(value & 0xFFFF);
    }
  }
  return out;
}

result<std::vector<etl::event_descriptor>> read_provider_event_info(
    std::span<const std::byte> blob) {
  std::uint32_t count = 0;
  if (!read_at(blob, 0, count) || blob.size() < event_array_header) {
    return error{"PROVIDER_EVENT_INFO is " + std::to_string(blob.size()) +
                     " bytes, less than its 8-byte header",
                 0};
  }
  if (count > (blob.size() - event_array_header) / descriptor_size) {
    return error{"NumberOfEvents " + std::to_string(count) + " does not fit in the " +
                     std::to_string(blob.size()) + "-byte blob",
                 0};
  }
  std::vector<etl::event_descriptor> out(count);
  for (std::size_t i = 0; i < count; ++i) {
    byte_cursor in(blob, event_array_header + i * descriptor_size);
    etl::event_descriptor& d = out[i];
    (void)(in.read(d.id) && in.read(d.version) && in.read(d.channel) && in.read(d.level) &&
           in.read(d.opcode) && in.read(d.task) && in.read(d.keyword));
  }
  return out;
}

result<void> add_provider_maps(manifest_provider& provider, const provider_map_lookup& maps) {
  std::vector<std::string_view> asked;
  for (const event_schema& event : provider.events) {
    for (const property& p : event.properties) {
      if (p.map_name.empty() || find_map(provider.maps, p.map_name) != nullptr ||
          std::find(asked.begin(), asked.end(), p.map_name) != asked.end()) {
        continue;
      }
      asked.push_back(p.map_name);
      error failure;
      if (!fetch_map(
              p.map_name, [&] { return maps(event, p.map_name); }, provider.maps, failure)) {
        return failure;
      }
    }
  }
  for (event_schema& event : provider.events) {
    for (property& p : event.properties) {
      if (!p.map_name.empty()) p.map = find_map(provider.maps, p.map_name);
    }
  }
  return {};
}

}  // namespace etwcat::decode
