// time_format: FILETIME -> civil UTC fields -> RFC 3339. The day -> (y, m, d) step is the
// usual era-based civil-from-days calculation (400-year eras of 146,097 days, March-based year).
#include "lib/base/time_format.h"

#include <array>

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
  const civil_time t = civil_from_filetime(filetime);
  char* p = out.data();
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
  put_digits(p + 20, t.ticks, 7);
  p[27] = 'Z';
  return {out.data(), rfc3339_length};
}

bool systemtime_to_filetime(std::span<const std::byte> sixteen, std::uint64_t& filetime) noexcept {
  std::array<unsigned, 8> f{};
  for (std::size_t i = 0; i < 8; ++i) {
    f[i] = static_cast<unsigned>(sixteen[2 * i]) | static_cast<unsigned>(sixteen[2 * i + 1]) << 8;
  }
  const unsigned year = f[0], month = f[1], day = f[3], hour = f[4], minute = f[5], second = f[6],
                 millis = f[7];
  if (year < 1601 || year > 30827 || month < 1 || month > 12 || day < 1 || hour > 23 ||
      minute > 59 || second > 59 || millis > 999) {
    return false;
  }
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  static constexpr unsigned month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (day > month_days[month - 1] + (month == 2 && leap ? 1u : 0u)) return false;
  // Whole years since 1601, then whole months of this year.
  const std::uint64_t y = year - 1601;
  std::uint64_t days = y * 365 + y / 4 - y / 100 + y / 400;
  for (unsigned m = 1; m < month; ++m) days += month_days[m - 1] + (m == 2 && leap ? 1 : 0);
  days += day - 1;
  const std::uint64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second;
  filetime = seconds * 10'000'000 + std::uint64_t{millis} * 10'000;
  return true;
}

}  // namespace etwcat
