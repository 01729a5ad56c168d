// time_format: FILETIME -> civil UTC fields -> RFC 3339. The day -> (y, m, d) step is the
// usual era-based civil-from-days calculation (400-year eras of 146,097 days, March-based year).
#include "lib/base/time_format.h"

#include <array>
#include <cstring>
#include <optional>

namespace etwcat {
namespace {

constexpr std::uint64_t ticks_per_second = 10'000'000;
constexpr std::uint64_t seconds_per_day = 86'400;
// Days from 0000-03-01 (the start of the era-based count) to 1601-01-01.
constexpr std::int64_t days_0000_03_01_to_1601_01_01 = 584'694;

// Writes `value` as exactly `digits` decimal digits, zero-padded, most significant first.
void put_digits(char* at, std::uint64_t value, int digits) noexcept {
  for (int i = digits - 1; i >= 0; --i) {
    at[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

}  // namespace

civil_time civil_from_filetime(std::uint64_t filetime) noexcept {
  civil_time t;
  t.ticks = static_cast<unsigned>(filetime % ticks_per_second);
  const std::uint64_t seconds = filetime / ticks_per_second;
  const std::uint64_t second_of_day = seconds % seconds_per_day;
  t.hour = static_cast<unsigned>(second_of_day / 3600);
  t.minute = static_cast<unsigned>(second_of_day / 60 % 60);
  t.second = static_cast<unsigned>(second_of_day % 60);

  // Count days from 0000-03-01 so that leap days fall at the end of each year; all values
  // stay non-negative because FILETIME starts in 1601.
  const std::int64_t days =
      static_cast<std::int64_t>(seconds / seconds_per_day) + days_0000_03_01_to_1601_01_01;
  const std::int64_t era = days / 146'097;
  const std::int64_t day_of_era = days - era * 146'097;  // 0..146096
  const std::int64_t year_of_era =
      (day_of_era - day_of_era / 1'460 + day_of_era / 36'524 - day_of_era / 146'096) / 365;
  const std::int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);  // 0..365
  const std::int64_t month_index = (5 * day_of_year + 2) / 153;  // 0 = March .. 11 = February
  t.day = static_cast<unsigned>(day_of_year - (153 * month_index + 2) / 5 + 1);
  t.month = static_cast<unsigned>(month_index < 10 ? month_index + 3 : month_index - 9);
  t.year = year_of_era + era * 400 + (t.month <= 2 ? 1 : 0);
  return t;
}

std::string_view format_rfc3339(std::uint64_t filetime,
                                std::span<char, rfc3339_length> out) noexcept {
  // Events come in time order, many within one second: the text up to the seconds is kept
  // from the last call (one per thread) and only the fraction is written anew.
  thread_local std::uint64_t last_second = ~std::uint64_t{0};
  thread_local std::array<char, 20> last_prefix;
  const std::uint64_t second = filetime / ticks_per_second;
  if (second != last_second) {
    const civil_time t = civil_from_filetime(filetime);
    char* p = last_prefix.data();
    // FILETIME's range ends in year 30828; keep four digits, as RFC 3339 requires.
    put_digits(p, static_cast<std::uint64_t>(t.year % 10'000), 4);
    p[4] = '-';
    put_digits(p + 5, t.month, 2);
    p[7] = '-';
    put_digits(p + 8, t.day, 2);
    p[10] = 'T';
    put_digits(p + 11, t.hour, 2);
    p[13] = ':';
    put_digits(p + 14, t.minute, 2);
    p[16] = ':';
    put_digits(p + 17, t.second, 2);
    p[19] = '.';
    last_second = second;
  }
  char* p = out.data();
  std::memcpy(p, last_prefix.data(), last_prefix.size());
  put_digits(p + 20, filetime % ticks_per_second, 7);
  p[27] = 'Z';
  return {out.data(), rfc3339_length};
}

namespace {

// Seconds from 1601-01-01 to the given UTC date and time; nothing when a field is out of range
// (month 13, February 30).
std::optional<std::uint64_t> seconds_since_1601(unsigned year, unsigned month, unsigned day,
                                                unsigned hour, unsigned minute,
                                                unsigned second) noexcept {
  if (year < 1601 || year > 30827 || month < 1 || month > 12 || day < 1 || hour > 23 ||
      minute > 59 || second > 59) {
    return std::nullopt;
  }
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  static constexpr unsigned month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (day > month_days[month - 1] + (month == 2 && leap ? 1u : 0u)) return std::nullopt;
  // Whole years since 1601, then whole months of this year.
  const std::uint64_t y = year - 1601;
  std::uint64_t days = y * 365 + y / 4 - y / 100 + y / 400;
  for (unsigned m = 1; m < month; ++m) days += month_days[m - 1] + (m == 2 && leap ? 1 : 0);
  days += day - 1;
  return days * 86400 + hour * 3600 + minute * 60 + second;
}

}  // namespace

bool systemtime_to_filetime(std::span<const std::byte> sixteen, std::uint64_t& filetime) noexcept {
  std::array<unsigned, 8> f{};
  for (std::size_t i = 0; i < 8; ++i) {
    f[i] = static_cast<unsigned>(sixteen[2 * i]) | static_cast<unsigned>(sixteen[2 * i + 1]) << 8;
  }
  const unsigned millis = f[7];
  const auto seconds = seconds_since_1601(f[0], f[1], f[3], f[4], f[5], f[6]);
  if (!seconds || millis > 999) return false;
  filetime = *seconds * ticks_per_second + std::uint64_t{millis} * 10'000;
  return true;
}

std::optional<std::uint64_t> parse_rfc3339(std::string_view text) noexcept {
  // YYYY-MM-DD[Tt ]HH:MM:SS[.fraction](Z|z|+HH:MM|-HH:MM)
  std::size_t at = 0;
  auto digits = [&](std::size_t count) -> std::optional<unsigned> {
    if (at + count > text.size()) return std::nullopt;
    unsigned value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const char c = text[at + i];
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    at += count;
    return value;
  };
  auto expect = [&](std::string_view any_of) {
    if (at >= text.size() || any_of.find(text[at]) == std::string_view::npos) return false;
    ++at;
    return true;
  };
  const auto year = digits(4);
  if (!year || !expect("-")) return std::nullopt;
  const auto month = digits(2);
  if (!month || !expect("-")) return std::nullopt;
  const auto day = digits(2);
  if (!day || !expect("Tt ")) return std::nullopt;
  const auto hour = digits(2);
  if (!hour || !expect(":")) return std::nullopt;
  const auto minute = digits(2);
  if (!minute || !expect(":")) return std::nullopt;
  const auto second = digits(2);
  if (!second) return std::nullopt;
  std::uint64_t ticks = 0;
  if (at < text.size() && text[at] == '.') {
    ++at;
    std::uint64_t scale = ticks_per_second;
    const std::size_t first = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      scale /= 10;  // digits past the 7th (100 ns) are dropped
      ticks += static_cast<std::uint64_t>(text[at] - '0') * scale;
      ++at;
    }
    if (at == first) return std::nullopt;
  }
  std::int64_t offset_seconds = 0;
  if (expect("Zz")) {
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    const bool east = text[at++] == '+';
    const auto oh = digits(2);
    if (!oh || !expect(":")) return std::nullopt;
    const auto om = digits(2);
    if (!om || *oh > 23 || *om > 59) return std::nullopt;
    offset_seconds = (east ? 1 : -1) * static_cast<std::int64_t>(*oh * 3600 + *om * 60);
  } else {
    return std::nullopt;  // a time without its zone means nothing certain
  }
  if (at != text.size()) return std::nullopt;
  const auto seconds = seconds_since_1601(*year, *month, *day, *hour, *minute, *second);
  if (!seconds) return std::nullopt;
  const std::int64_t utc = static_cast<std::int64_t>(*seconds) - offset_seconds;
  if (utc < 0) return std::nullopt;
  return static_cast<std::uint64_t>(utc) * ticks_per_second + ticks;
}

}  // namespace etwcat
