// event_data: building and reading the flat item list.
#include "lib/event/event_data.h"

#include <cstring>

#include "lib/base/unicode.h"

namespace etwcat {

namespace {

// Windows-1252 0x80..0x9F; 0 marks the five undefined bytes (kept as U+FFFD).
constexpr std::uint16_t cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

// Appends UTF-16LE bytes as UTF-8 without a temporary u16string.
void append_utf16le(std::string& out, std::span<const std::byte> bytes) {
  const std::size_t units = bytes.size() / 2;
  for (std::size_t i = 0; i < units; ++i) {
    auto unit = [&](std::size_t k) {
      return static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[2 * k])) |
             static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[2 * k + 1])) << 8;
    };
    std::uint32_t u = unit(i);
    if (u < 0x80) {
      out.push_back(static_cast<char>(u));
    } else if (u >= 0xD800 && u <= 0xDBFF && i + 1 < units) {
      std::uint32_t low = unit(i + 1);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        append_code_point(out, 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
        ++i;
      } else {
        append_code_point(out, 0xFFFD);
      }
    } else {
      append_code_point(out, u);  // lone surrogates become U+FFFD there
    }
  }
}

// Appends bytes that should be UTF-8, replacing each invalid sequence with U+FFFD.
void append_checked_utf8(std::string& out, std::span<const std::byte> bytes) {
  std::size_t i = 0;
  const std::size_t n = bytes.size();
  auto at = [&](std::size_t k) { return static_cast<std::uint8_t>(bytes[k]); };
  while (i < n) {
    std::uint8_t b = at(i);
    if (b < 0x80) {
      out.push_back(static_cast<char>(b));
      ++i;
      continue;
    }
    std::size_t length = 0;
    std::uint32_t cp = 0;
    if ((b & 0xE0) == 0xC0) {
      length = 2;
      cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      length = 3;
      cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      length = 4;
      cp = b & 0x07;
    }
    bool valid = length != 0 && i + length <= n;
    for (std::size_t k = 1; valid && k < length; ++k) {
      if ((at(i + k) & 0xC0) != 0x80) valid = false;
      cp = cp << 6 | (at(i + k) & 0x3F);
    }
    if (valid) {
      static constexpr std::uint32_t smallest[5] = {0, 0, 0x80, 0x800, 0x10000};
      valid = cp >= smallest[length] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    }
    if (valid) {
      out.append(reinterpret_cast<const char*>(bytes.data() + i), length);
      i += length;
    } else {
      append_code_point(out, 0xFFFD);
      ++i;
    }
  }
}

}  // namespace

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

const data_item* event_data::find(std::string_view name) const noexcept {
  int depth = 0;
  for (const data_item& item : items_) {
    if (depth == 0 && item.name == name && item.type != data_type::end_struct &&
        item.type != data_type::end_array) {
      return &item;
    }
    if (item.type == data_type::begin_struct || item.type == data_type::begin_array) ++depth;
    if (item.type == data_type::end_struct || item.type == data_type::end_array) --depth;
  }
  return nullptr;
}

data_item& event_data::push(std::string_view name, data_type type) {
  data_item& item = items_.emplace_back();
  item.name = name;
  item.type = type;
  return item;
}

void event_data::add_bool(std::string_view name, bool value) {
  push(name, data_type::boolean).boolean = value;
}
void event_data::add_signed(std::string_view name, std::int64_t value) {
  push(name, data_type::signed_int).signed_value = value;
}
void event_data::add_unsigned(std::string_view name, std::uint64_t value) {
  push(name, data_type::unsigned_int).unsigned_value = value;
}
void event_data::add_hex(std::string_view name, std::uint64_t value, std::uint8_t digits) {
  data_item& item = push(name, data_type::hex_int);
  item.unsigned_value = value;
  item.hex_digits = digits;
}
void event_data::add_float(std::string_view name, float value) {
  push(name, data_type::float32).float_value = value;
}
void event_data::add_double(std::string_view name, double value) {
  push(name, data_type::float64).float_value = value;
}
void event_data::add_filetime(std::string_view name, std::uint64_t filetime) {
  push(name, data_type::filetime).unsigned_value = filetime;
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
  append_utf16le(arena_, utf16le);
  end_text(name, begin);
}

void event_data::add_ansi(std::string_view name, std::span<const std::byte> ansi) {
  std::size_t begin = arena_.size();
  for (std::byte raw : ansi) {
    auto b = static_cast<std::uint8_t>(raw);
    if (b < 0x80) {
      arena_.push_back(static_cast<char>(b));
    } else if (b < 0xA0) {
      std::uint16_t cp = cp1252_high[b - 0x80];
      append_code_point(arena_, cp != 0 ? cp : 0xFFFD);
    } else {
      append_code_point(arena_, b);
    }
  }
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
void event_data::begin_array(std::string_view name) { push(name, data_type::begin_array); }
void event_data::end_array() { push({}, data_type::end_array); }

}  // namespace etwcat
