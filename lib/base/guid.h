// guid: a Windows GUID as it sits in ETW records (Data1..3 little-endian),
// parsed from and printed as "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}".
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace etwcat {

struct guid {
  std::uint32_t data1 = 0;
  std::uint16_t data2 = 0;
  std::uint16_t data3 = 0;
  std::array<std::uint8_t, 8> data4{};

  friend bool operator==(const guid&, const guid&) = default;
  friend auto operator<=>(const guid&, const guid&) = default;

  /// Reads the 16-byte on-disk (little-endian) form, as in EVENT_HEADER.ProviderId.
  static guid from_bytes(std::span<const std::byte, 16> bytes) noexcept;

  /// Parses "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", with or without braces,
  /// any hex case. Returns nothing for any other shape.
  static std::optional<guid> parse(std::string_view text) noexcept;

  /// Upper-case, in braces: "{45D8CCCD-539F-4B72-A8B7-5C683142609A}".
  std::string to_string() const;

  /// Writes the 38 characters of to_string() into `out` (no allocation).
  void format_to(std::span<char, 38> out) const noexcept;
};

/// Hash for unordered containers keyed by GUID (or by keys that start with one).
struct guid_hash {
  std::size_t operator()(const guid& g) const noexcept {
    std::uint64_t h = g.data1 | std::uint64_t{g.data2} << 32 | std::uint64_t{g.data3} << 48;
    for (std::uint8_t b : g.data4) h = (h ^ b) * 0x100000001B3ull;
    return static_cast<std::size_t>(h ^ (h >> 29));
  }
};

}  // namespace etwcat
