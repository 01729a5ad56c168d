// Name-hash GUID (RFC 4122 version-5 style, EventSource's namespace):
// SHA-1(namespace || UTF-16BE(upper(name))), first 16 bytes, version nibble 5.
#include "lib/provider/name_hash.h"

#include <array>
#include <cstdint>
#include <span>

#include "lib/base/unicode.h"
#include "lib/provider/sha1.h"

namespace etwcat::provider {
namespace {

constexpr std::array<std::uint8_t, 16> eventsource_namespace = {
    0x48, 0x2C, 0x2D, 0xB2, 0xC3, 0x90, 0x47, 0xC8, 0x87, 0xF8, 0x1A, 0x15, 0xBF, 0xC1, 0x30, 0xFB};

// Upper-cases one UTF-16 unit as .NET's ToUpperInvariant does for the
// scripts provider names use: ASCII, Latin-1, Greek and Cyrillic. Letters
// beyond those are hashed as given.
char16_t to_upper(char16_t c) {
  if (c >= u'a' && c <= u'z') return static_cast<char16_t>(c - 0x20);
  if (c == 0xB5) return 0x39C;  // micro sign -> Greek capital mu
  if (c >= 0xE0 && c <= 0xFE && c != 0xF7) return static_cast<char16_t>(c - 0x20);
  if (c == 0xFF) return 0x178;
  if (c >= 0x3B1 && c <= 0x3CB && c != 0x3C2) return static_cast<char16_t>(c - 0x20);
  if (c == 0x3C2) return 0x3A3;  // final sigma
  if (c >= 0x430 && c <= 0x44F) return static_cast<char16_t>(c - 0x20);
  if (c >= 0x450 && c <= 0x45F) return static_cast<char16_t>(c - 0x50);
  return c;
}

}  // namespace

guid eventsource_guid(std::string_view name) {
  sha1 hash;
  hash.update(eventsource_namespace);
  for (char16_t unit : utf8_to_utf16(name)) {
    unit = to_upper(unit);
    const std::uint8_t big_endian[2] = {static_cast<std::uint8_t>(unit >> 8),
                                        static_cast<std::uint8_t>(unit & 0xFF)};
    hash.update(big_endian);
  }
  auto digest = hash.finish();
  digest[7] = static_cast<std::uint8_t>((digest[7] & 0x0F) | 0x50);
  return guid::from_bytes(std::as_bytes(std::span<const std::uint8_t, 16>(digest.data(), 16)));
}

}  // namespace etwcat::provider
