// guid parsing and printing; the text form is the registry/manifest one.
#include "lib/base/guid.h"

#include <array>
#include <cstring>

#include "lib/base/hex_digits.h"

namespace etwcat {
namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads `digits` hex characters from `text` at `pos`; false on a non-hex one.
bool read_hex(std::string_view text, std::size_t pos, int digits, std::uint64_t& out) noexcept {
  out = 0;
  for (int i = 0; i < digits; ++i) {
    int v = hex_value(text[pos + i]);
    if (v < 0) return false;
    out = (out << 4) | static_cast<std::uint64_t>(v);
  }
  return true;
}

}  // namespace

guid guid::from_bytes(std::span<const std::byte, 16> bytes) noexcept {
  guid g;
  auto b = [&](int i) { return static_cast<std::uint32_t>(bytes[i]); };
  g.data1 = b(0) | b(1) << 8 | b(2) << 16 | b(3) << 24;
  g.data2 = static_cast<std::uint16_t>(b(4) | b(5) << 8);
  g.data3 = static_cast<std::uint16_t>(b(6) | b(7) << 8);
  for (int i = 0; i < 8; ++i) g.data4[i] = static_cast<std::uint8_t>(b(8 + i));
  return g;
}

std::optional<guid> guid::parse(std::string_view text) noexcept {
  if (text.size() == 38) {
    if (text.front() != '{' || text.back() != '}') return std::nullopt;
    text = text.substr(1, 36);
  }
  if (text.size() != 36) return std::nullopt;
  if (text[8] != '-' || text[13] != '-' || text[18] != '-' || text[23] != '-') return std::nullopt;
  guid g;
  std::uint64_t v = 0;
  if (!read_hex(text, 0, 8, v)) return std::nullopt;
  g.data1 = static_cast<std::uint32_t>(v);
  if (!read_hex(text, 9, 4, v)) return std::nullopt;
  g.data2 = static_cast<std::uint16_t>(v);
  if (!read_hex(text, 14, 4, v)) return std::nullopt;
  g.data3 = static_cast<std::uint16_t>(v);
  static constexpr std::size_t data4_at[8] = {19, 21, 24, 26, 28, 30, 32, 34};
  for (int i = 0; i < 8; ++i) {
    if (!read_hex(text, data4_at[i], 2, v)) return std::nullopt;
    g.data4[i] = static_cast<std::uint8_t>(v);
  }
  return g;
}

void guid::format_to(std::span<char, 38> out) const noexcept {
  char* p = out.data();
  auto put = [&](std::uint64_t value, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) {
      std::memcpy(p, hex_pairs[(value >> (8 * i)) & 0xFF].data(), 2);
      p += 2;
    }
  };
  *p++ = '{';
  put(data1, 4);
  *p++ = '-';
  put(data2, 2);
  *p++ = '-';
  put(data3, 2);
  *p++ = '-';
  put(data4[0], 1);
  put(data4[1], 1);
  *p++ = '-';
  for (int i = 2; i < 8; ++i) put(data4[i], 1);
  *p = '}';
}

std::string guid::to_string() const {
  std::string s(38, '\0');
  format_to(std::span<char, 38>(s.data(), 38));
  return s;
}

}  // namespace etwcat
