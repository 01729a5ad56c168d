// event_data: building and reading the flat item list.
#include "lib/event/event_data.h"

#include <cstring>

#include "lib/base/ascii.h"
#include "lib/base/unicode.h"

namespace etwcat {

std::string_view event_data::text(const data_item& item) const noexcept {
  if (item.type != data_type::string) return {};
  return std::string_view(arena_).substr(item.arena_offset, item.arena_size);
}

std::span<const std::byte> event_data::bytes(const data_item& item) const noexcept {
  if (item.type != data_type::guid && item.type != data_type::binary) return {};
  return std::as_bytes(std::span<const char>(arena_.data() + item.arena_offset, item.arena_size));
}

guid event_data::guid_value(const data_item& item) const noexcept {
  auto b = bytes(item);
  if (item.type != data_type::guid || b.size() != 16) return {};
  return guid::from_bytes(b.first<16>());
}

std::optional<std::uint64_t> event_data::integer(std::string_view name) const noexcept {
  const data_item* item = find(name);
  if (item == nullptr) return std::nullopt;
  switch (item->type) {
    case data_type::unsigned_int:
    case data_type::hex_int:
      return item->unsigned_value;
    case data_type::signed_int:
      return static_cast<std::uint64_t>(item->signed_value);
    case data_type::boolean:
      return item->boolean ? 1 : 0;
    default:
      return std::nullopt;
  }
}

std::string_view event_data::string(std::string_view name) const noexcept {
  const data_item* item = find(name);
  return item != nullptr && item->type == data_type::string ? text(*item) : std::string_view();
}

const data_item* event_data::find(std::string_view name) const noexcept {
  int depth = 0;
  for (const data_item& item : items_) {
    if (depth == 0 && equals_ignoring_case(item.name, name) && item.type != data_type::end_struct &&
        item.type != data_type::end_array) {
      return &item;
    }
    if (item.type == data_type::begin_struct || item.type == data_type::begin_array) ++depth;
    if (item.type == data_type::end_struct || item.type == data_type::end_array) --depth;
  }
  return nullptr;
}

void event_data::add_guid(std::string_view name, const guid& value) {
  std::size_t begin = arena_.size();
  // The on-disk (little-endian) form, so that from_bytes() reads it back on any host.
  for (int k = 0; k < 4; ++k) arena_.push_back(static_cast<char>(value.data1 >> (8 * k)));
  for (int k = 0; k < 2; ++k) arena_.push_back(static_cast<char>(value.data2 >> (8 * k)));
  for (int k = 0; k < 2; ++k) arena_.push_back(static_cast<char>(value.data3 >> (8 * k)));
  for (std::uint8_t b : value.data4) arena_.push_back(static_cast<char>(b));
  data_item& item = push(name, data_type::guid);
  item.arena_offset = static_cast<std::uint32_t>(begin);
  item.arena_size = 16;
}

void event_data::add_binary(std::string_view name, std::span<const std::byte> value) {
  std::size_t begin = arena_.size();
  arena_.append(reinterpret_cast<const char*>(value.data()), value.size());
  data_item& item = push(name, data_type::binary);
  item.arena_offset = static_cast<std::uint32_t>(begin);
  item.arena_size = static_cast<std::uint32_t>(value.size());
}

void event_data::add_string(std::string_view name, std::string_view utf8) {
  std::size_t begin = arena_.size();
  arena_.append(utf8);
  end_text(name, begin);
}

void event_data::add_utf16(std::string_view name, std::span<const std::byte> utf16le) {
  std::size_t begin = arena_.size();
  append_utf16le_as_utf8(arena_, utf16le);
  end_text(name, begin);
}

void event_data::add_ansi(std::string_view name, std::span<const std::byte> ansi) {
  std::size_t begin = arena_.size();
  append_windows1252_as_utf8(arena_, ansi);
  end_text(name, begin);
}

void event_data::add_utf8(std::string_view name, std::span<const std::byte> utf8) {
  std::size_t begin = arena_.size();
  append_checked_utf8(arena_, utf8);
  end_text(name, begin);
}

void event_data::end_text(std::string_view name, std::size_t begin) {
  data_item& item = push(name, data_type::string);
  item.arena_offset = static_cast<std::uint32_t>(begin);
  item.arena_size = static_cast<std::uint32_t>(arena_.size() - begin);
}

void event_data::begin_struct(std::string_view name) { push(name, data_type::begin_struct); }
void event_data::end_struct() { push({}, data_type::end_struct); }

}  // namespace etwcat
