// hex_digits: a byte's two upper-case hex digits by table, for the writers that print GUIDs,
// masks, addresses and bytes: one lookup per byte instead of a shift and a lookup per digit.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

namespace etwcat {

inline constexpr std::array<std::array<char, 2>, 256> hex_pairs = [] {
  constexpr char digits[] = "0123456789ABCDEF";
  std::array<std::array<char, 2>, 256> pairs{};
  for (int b = 0; b < 256; ++b) pairs[b] = {digits[b >> 4], digits[b & 0xF]};
  return pairs;
}();

/// Writes the `count` lowest hex digits of `value` (upper case, zero-padded) ending just before
/// `end`; returns where they begin.
inline char* put_hex_digits(char* end, std::uint64_t value, unsigned count) noexcept {
  for (; count >= 2; count -= 2) {
    end -= 2;
    std::memcpy(end, hex_pairs[value & 0xFF].data(), 2);
    value >>= 8;
  }
  if (count != 0) *--end = hex_pairs[value & 0xF][1];
  return end;
}

/// How many hex digits `value` needs (1 for 0).
inline unsigned hex_digit_count(std::uint64_t value) noexcept {
  return value == 0 ? 1u : static_cast<unsigned>((std::bit_width(value) + 3) / 4);
}

}  // namespace etwcat
