// time_format: FILETIME (100 ns ticks since 1601-01-01 UTC) as RFC 3339 text with the 7
// fractional digits of ETW's resolution, "2011-01-23T22:07:27.2257591Z" (output-schema.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace etwcat {

/// Characters in the RFC 3339 form: "YYYY-MM-DDTHH:MM:SS.fffffffZ".
constexpr std::size_t rfc3339_length = 28;

/// The civil UTC date and time of a FILETIME.
struct civil_time {
  std::int64_t year = 1601;
  unsigned month = 1;   // 1..12
  unsigned day = 1;     // 1..31
  unsigned hour = 0;    // 0..23
  unsigned minute = 0;  // 0..59
  unsigned second = 0;  // 0..59 (FILETIME has no leap seconds)
  unsigned ticks = 0;   // 100 ns units within the second, 0..9,999,999
};

/// Splits a FILETIME into its UTC calendar fields (proleptic Gregorian calendar).
civil_time civil_from_filetime(std::uint64_t filetime) noexcept;

/// The FILETIME of a SYSTEMTIME (8 little-endian u16: year, month, day of week, day, hour,
/// minute, second, millisecond; `sixteen` holds at least 16 bytes). False when a field is out
/// of range (a zeroed struct, month 13, February 30), leaving `filetime` alone.
bool systemtime_to_filetime(std::span<const std::byte> sixteen, std::uint64_t& filetime) noexcept;

/// Writes `filetime` as "YYYY-MM-DDTHH:MM:SS.fffffffZ" into `out` and returns the 28 characters
/// written (a view of `out`). No allocation. Years after 9999 (FILETIME reaches 30828) keep
/// only their last four digits: RFC 3339 has no room for them, and traces never hold them.
///
///   char buf[rfc3339_length];
///   format_rfc3339(129402940472257591, buf) == "2011-01-23T22:07:27.2257591Z"
std::string_view format_rfc3339(std::uint64_t filetime,
                                std::span<char, rfc3339_length> out) noexcept;

/// The FILETIME (UTC) of an RFC 3339 time: "2016-05-26T20:17:22.5Z", "2016-05-26 22:17:22+02:00"
/// (fractions to 100 ns; more digits are cut). Nothing when the text is not one, or names no
/// zone (Z or an offset): a time without one could be any of 26 hours.
std::optional<std::uint64_t> parse_rfc3339(std::string_view text) noexcept;

}  // namespace etwcat
