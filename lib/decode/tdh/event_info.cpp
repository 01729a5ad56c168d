// event_info: TRACE_EVENT_INFO / EVENT_MAP_INFO blobs → event_schema / value_map, with every
// offset and count checked against the blob (docs/etl-format.md §7.1).
#include "lib/decode/tdh/event_info.h"

#include <string>
#include <string_view>

#include "lib/base/byte_cursor.h"
#include "lib/base/unicode.h"
#include "lib/event/record_event.h"

namespace etwcat::decode {

namespace {

constexpr std::size_t event_info_size = 0x70;   // TRACE_EVENT_INFO without properties
constexpr std::size_t property_info_size = 24;  // EVENT_PROPERTY_INFO
constexpr std::size_t map_info_size = 16;       // EVENT_MAP_INFO without entries
constexpr std::size_t map_entry_size = 8;       // EVENT_MAP_ENTRY

// EVENT_PROPERTY_INFO.Flags
constexpr std::uint32_t property_struct = 0x1;
constexpr std::uint32_t property_param_length = 0x2;
constexpr std::uint32_t property_param_count = 0x4;
constexpr std::uint32_t property_param_fixed_length = 0x10;
constexpr std::uint32_t property_param_fixed_count = 0x20;
constexpr std::uint32_t property_custom_schema = 0x80;

// EVENT_MAP_INFO.Flag
constexpr std::uint32_t map_manifest_valuemap = 0x1;
constexpr std::uint32_t map_manifest_bitmap = 0x2;
constexpr std::uint32_t map_wbem_valuemap = 0x8;
constexpr std::uint32_t map_wbem_bitmap = 0x10;

error fail(std::string message, std::size_t offset) {
  return error{std::move(message), static_cast<std::uint64_t>(offset)};
}

template <class T>
T read_or(std::span<const std::byte> blob, std::size_t offset, T fallback) {
  T value{};
  return read_at(blob, offset, value) ? value : fallback;
}

// The UTF-16 string at `offset` (0 = absent, read as empty), up to its NUL; false when the
// offset is outside the blob or the string has no NUL before its end.
bool read_name(std::span<const std::byte> blob, std::uint32_t offset, std::string& out) {
  out.clear();
  if (offset == 0) return true;
  if (offset >= blob.size()) return false;
  std::u16string units;
  for (std::size_t at = offset;; at += 2) {
    std::uint16_t unit = 0;
    if (!read_at(blob, at, unit)) return false;  // no NUL before the end
    if (unit == 0) break;
    units.push_back(static_cast<char16_t>(unit));
  }
  append_utf16_as_utf8(out, units);
  return true;
}

// TDH's keyword name list: names separated by NUL, the list ending with an empty name.
bool read_name_list(std::span<const std::byte> blob, std::uint32_t offset,
                    std::vector<std::string>& out) {
  out.clear();
  if (offset == 0) return true;
  std::size_t at = offset;
  for (;;) {
    std::u16string units;
    for (;; at += 2) {
      std::uint16_t unit = 0;
      if (!read_at(blob, at, unit)) return !out.empty();  // a list missing its final empty name
      if (unit == 0) break;
      units.push_back(static_cast<char16_t>(unit));
    }
    at += 2;
    if (units.empty()) return true;
    std::string name;
    append_utf16_as_utf8(name, units);
    out.push_back(std::move(name));
  }
}

void trim_trailing_spaces(std::string& s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
}

bool is_string_or_binary(in_type t) {
  return t == in_type::unicode_string || t == in_type::ansi_string || t == in_type::binary;
}

void set_event_name(event_schema& s, std::uint32_t decoding_source) {
  if (decoding_source == 3) {  // TraceLogging: the event name, which TDH also gives as task name
    if (s.event_name.empty()) s.event_name = s.task_name;
    return;
  }
  if (s.task_name.empty()) {
    s.event_name = (decoding_source == 1 ? "EventType(" : "EventID(") +
                   std::to_string(decoding_source == 1 ? s.opcode : s.id) + ")";
    return;
  }
  s.event_name = s.task_name;
  const bool opcode_named = !s.opcode_name.empty() && (decoding_source == 1 || s.opcode != 0);
  if (opcode_named) s.event_name += "/" + s.opcode_name;
}

}  // namespace

result<event_schema> read_event_info(std::span<const std::byte> blob) {
  if (blob.size() < event_info_size) {
    return fail("TRACE_EVENT_INFO is " + std::to_string(blob.size()) +
                    " bytes, less than its 112-byte fixed part",
                0);
  }
  event_schema s;
  std::span<const std::byte, 16> provider = blob.subspan<0x00, 16>();
  std::span<const std::byte, 16> event_guid = blob.subspan<0x10, 16>();
  s.provider_guid = guid::from_bytes(provider);
  const guid event_class = guid::from_bytes(event_guid);
  s.id = read_or<std::uint16_t>(blob, 0x20, 0);
  s.version = read_or<std::uint8_t>(blob, 0x22, 0);
  s.channel = read_or<std::uint8_t>(blob, 0x23, 0);
  s.level = read_or<std::uint8_t>(blob, 0x24, 0);
  s.opcode = read_or<std::uint8_t>(blob, 0x25, 0);
  s.task = read_or<std::uint16_t>(blob, 0x26, 0);
  s.keywords = read_or<std::uint64_t>(blob, 0x28, 0);
  const auto decoding_source = read_or<std::uint32_t>(blob, 0x30, 0);
  if (decoding_source == 1 || decoding_source == 2) {  // WBEM (MOF) or WPP: classic identity
    s.source = schema_source::mof;
    s.event_guid = event_class;
    s.id = 0;
  } else {
    s.source = schema_source::manifest;
  }

  struct name_field {
    std::size_t at;
    std::string* out;
    std::string_view what;
  };
  const name_field names[] = {
      {0x34, &s.provider_name, "provider name"}, {0x38, &s.level_name, "level name"},
      {0x3C, &s.channel_name, "channel name"},   {0x44, &s.task_name, "task name"},
      {0x48, &s.opcode_name, "opcode name"},     {0x4C, &s.message, "event message"},
  };
  for (const name_field& f : names) {
    const auto offset = read_or<std::uint32_t>(blob, f.at, 0);
    if (!read_name(blob, offset, *f.out)) {
      return fail(std::string(f.what) + " offset " + std::to_string(offset) +
                      " is not a terminated string inside the blob",
                  f.at);
    }
  }
  // KernelTraceControl stores winmeta's symbols ("win:Start"); TDH would give display names.
  if (s.opcode_name.starts_with("win:")) s.opcode_name.erase(0, 4);
  if (s.level_name.starts_with("win:")) {
    const std::string_view standard = standard_level_name(s.level);
    s.level_name = standard.empty() ? s.level_name.substr(4) : std::string(standard);
  }
  const auto keywords_offset = read_or<std::uint32_t>(blob, 0x40, 0);
  if (!read_name_list(blob, keywords_offset, s.keyword_names)) {
    return fail("keyword names offset " + std::to_string(keywords_offset) +
                    " is not a terminated string inside the blob",
                0x40);
  }
  // EventNameOffset (manifest, TraceLogging); for WBEM the same field names the activity id.
  s.event_name.clear();
  if (decoding_source == 3) {
    const auto offset = read_or<std::uint32_t>(blob, 0x5C, 0);
    if (!read_name(blob, offset, s.event_name)) {
      return fail("event name offset " + std::to_string(offset) +
                      " is not a terminated string inside the blob",
                  0x5C);
    }
  }
  set_event_name(s, decoding_source);

  const auto property_count = read_or<std::uint32_t>(blob, 0x64, 0);
  const auto top_level_count = read_or<std::uint32_t>(blob, 0x68, 0);
  if (property_count > (blob.size() - event_info_size) / property_info_size) {
    return fail("PropertyCount " + std::to_string(property_count) + " does not fit in the " +
                    std::to_string(blob.size()) + "-byte blob",
                0x64);
  }
  if (top_level_count > property_count) {
    return fail("TopLevelPropertyCount " + std::to_string(top_level_count) +
                    " is more than PropertyCount " + std::to_string(property_count),
                0x68);
  }
  s.top_level_count = static_cast<std::uint16_t>(top_level_count);
  s.properties.resize(property_count);

  for (std::size_t i = 0; i < property_count; ++i) {
    const std::size_t at = event_info_size + i * property_info_size;
    byte_cursor in(blob, at);
    std::uint32_t flags = 0, name_offset = 0, map_offset = 0;
    std::uint16_t type_or_start = 0, out_or_members = 0, count = 0, length = 0;
    // Fits: property_count was checked against the blob size.
    (void)(in.read(flags) && in.read(name_offset) && in.read(type_or_start) &&
           in.read(out_or_members) && in.read(map_offset) && in.read(count) && in.read(length));
    property& p = s.properties[i];
    if (!read_name(blob, name_offset, p.name)) {
      return fail("property " + std::to_string(i) + ": name offset " + std::to_string(name_offset) +
                      " is not a terminated string inside the blob",
                  at + 4);
    }
    if (flags & property_struct) {
      p.is_struct = true;
      p.first_member = type_or_start;
      p.member_count = out_or_members;
      if (std::size_t{type_or_start} + out_or_members > property_count) {
        return fail("property " + p.name + ": struct members " + std::to_string(type_or_start) +
                        "+" + std::to_string(out_or_members) + " lie outside the " +
                        std::to_string(property_count) + " properties",
                    at + 8);
      }
    } else {
      p.in = static_cast<in_type>(type_or_start);
      p.out = static_cast<out_type>(out_or_members);
      if (!(flags & property_custom_schema) && !read_name(blob, map_offset, p.map_name)) {
        return fail("property " + p.name + ": map name offset " + std::to_string(map_offset) +
                        " is not a terminated string inside the blob",
                    at + 12);
      }
    }

    // Length: from a property, fixed, or the type's own rule.
    p.length = length;
    if (flags & property_param_length) {
      p.length_from = size_source::property;
      if (length >= property_count) {
        return fail("property " + p.name + ": length property index " + std::to_string(length) +
                        " is out of range",
                    at + 18);
      }
    } else if ((flags & property_param_fixed_length) ||
               (length != 0 && !p.is_struct && is_string_or_binary(p.in))) {
      p.length_from = size_source::fixed;
    } else {
      p.length_from = size_source::none;
    }

    // Count: from a property, fixed, or a scalar.
    p.count = count;
    if (flags & property_param_count) {
      p.count_from = size_source::property;
      p.is_array = true;
      if (count >= property_count) {
        return fail("property " + p.name + ": count property index " + std::to_string(count) +
                        " is out of range",
                    at + 16);
      }
    } else if (flags & property_param_fixed_count) {
      p.count_from = size_source::fixed;
      p.is_array = true;
    } else if (count > 1) {
      // The §7.3 anomaly: a count with no flag. An integer property just before it that is
      // named like a count holds the real count (CLRStackWalk FrameCount/Stack); otherwise
      // take the count as fixed, as TDH documents for count > 1.
      p.is_array = true;
      if (preceded_by_count_field(s.properties, i)) {
        p.count_from = size_source::property;
        p.count = static_cast<std::uint16_t>(i - 1);
      } else {
        p.count_from = size_source::fixed;
      }
    } else {
      p.count_from = size_source::none;
      p.count = 1;
    }
  }
  return s;
}

result<value_map> read_map_info(std::span<const std::byte> blob) {
  if (blob.size() < map_info_size) {
    return fail("EVENT_MAP_INFO is " + std::to_string(blob.size()) +
                    " bytes, less than its 16-byte fixed part",
                0);
  }
  value_map map;
  const auto name_offset = read_or<std::uint32_t>(blob, 0, 0);
  const auto flag = read_or<std::uint32_t>(blob, 4, 0);
  const auto entry_count = read_or<std::uint32_t>(blob, 8, 0);
  const auto value_type = read_or<std::uint32_t>(blob, 12, 0);
  if (!read_name(blob, name_offset, map.name)) {
    return fail("map name offset " + std::to_string(name_offset) +
                    " is not a terminated string inside the blob",
                0);
  }
  map.type = (flag & (map_manifest_bitmap | map_wbem_bitmap)) ? value_map::kind::bitmap
                                                              : value_map::kind::value;
  if (entry_count > (blob.size() - map_info_size) / map_entry_size) {
    return fail("EntryCount " + std::to_string(entry_count) + " does not fit in the " +
                    std::to_string(blob.size()) + "-byte blob",
                8);
  }
  // Only numeric inputs map onto value_map: manifest maps, and WBEM maps of ULONG values.
  const bool numeric = (flag & (map_manifest_valuemap | map_manifest_bitmap)) != 0 ||
                       ((flag & (map_wbem_valuemap | map_wbem_bitmap)) != 0 && value_type == 0);
  if (!numeric) return map;
  map.entries.reserve(entry_count);
  for (std::size_t i = 0; i < entry_count; ++i) {
    const std::size_t at = map_info_size + i * map_entry_size;
    const auto output_offset = read_or<std::uint32_t>(blob, at, 0);
    value_map::entry e;
    e.value = read_or<std::uint32_t>(blob, at + 4, 0);
    if (!read_name(blob, output_offset, e.name)) {
      return fail("map " + map.name + " entry " + std::to_string(i) + ": name offset " +
                      std::to_string(output_offset) + " is not a terminated string inside the blob",
                  at);
    }
    trim_trailing_spaces(e.name);
    map.entries.push_back(std::move(e));
  }
  return map;
}

result<std::pair<guid, value_map>> read_event_map_info(std::span<const std::byte> payload) {
  if (payload.size() < 16) {
    return fail("EventMapInfo payload is " + std::to_string(payload.size()) +
                    " bytes, less than its provider GUID",
                0);
  }
  const guid provider = guid::from_bytes(payload.first<16>());
  auto map = read_map_info(payload.subspan(16));
  if (!map.ok()) {
    return fail(map.failure().message, map.failure().offset + 16);
  }
  return std::pair<guid, value_map>(provider, std::move(map).value());
}

}  // namespace etwcat::decode
