// Tests for lib/base/time_format.h: FILETIME -> RFC 3339 at the calendar's edges, checked
// against dates computed independently (Unix epoch = FILETIME 116444736000000000).
#include "lib/base/time_format.h"

#include <doctest/doctest.h>

#include <array>
#include <cstddef>
#include <string>

using etwcat::format_rfc3339;
using etwcat::rfc3339_length;

namespace {

std::string rfc3339(std::uint64_t filetime) {
  char text[rfc3339_length];
  return std::string(format_rfc3339(filetime, text));
}

constexpr std::uint64_t ticks_per_day = 864'000'000'000;
constexpr std::uint64_t unix_epoch = 116'444'736'000'000'000;

}  // namespace

TEST_CASE("time_format: FILETIME 0 is the start of 1601") {
  CHECK(rfc3339(0) == "1601-01-01T00:00:00.0000000Z");
}

TEST_CASE("time_format: the Unix epoch and the last tick before it") {
  CHECK(rfc3339(unix_epoch) == "1970-01-01T00:00:00.0000000Z");
  CHECK(rfc3339(unix_epoch - 1) == "1969-12-31T23:59:59.9999999Z");
}

TEST_CASE("time_format: the HTTP_Server first event time has all 7 fractional digits") {
  // 129402940472257591 = 12,940,294,047 s + 2,257,591 ticks after 1601-01-01; 149,771 whole
  // days bring us to 2011-01-23, and the remaining 79,647 s are 22:07:27.
  CHECK(rfc3339(129402940472257591) == "2011-01-23T22:07:27.2257591Z");
}

TEST_CASE("time_format: leap days, century rules and year ends") {
  // 2000-02-29 (a 400-year leap year) = Unix day 11,016.
  CHECK(rfc3339(unix_epoch + 11'016 * ticks_per_day) == "2000-02-29T00:00:00.0000000Z");
  CHECK(rfc3339(unix_epoch + 11'017 * ticks_per_day) == "2000-03-01T00:00:00.0000000Z");
  // 1900 is no leap year: 1900-02-28 + 1 day = 1900-03-01 (Unix day -25,508 for 03-01).
  CHECK(rfc3339(unix_epoch - 25'508 * ticks_per_day) == "1900-03-01T00:00:00.0000000Z");
  CHECK(rfc3339(unix_epoch - 25'509 * ticks_per_day) == "1900-02-28T00:00:00.0000000Z");
  // 2024-12-31T23:59:59.9999999 (Unix day 20,088 is 2024-12-31).
  CHECK(rfc3339(unix_epoch + 20'089 * ticks_per_day - 1) == "2024-12-31T23:59:59.9999999Z");
  CHECK(rfc3339(unix_epoch + 20'089 * ticks_per_day) == "2025-01-01T00:00:00.0000000Z");
  // 1601 is no leap year either: day 59 is March 1.
  CHECK(rfc3339(59 * ticks_per_day) == "1601-03-01T00:00:00.0000000Z");
}

TEST_CASE("time_format: civil fields of a time of day") {
  const auto t = etwcat::civil_from_filetime(unix_epoch + 45'296ull * 10'000'000 + 1'234'567);
  CHECK(t.year == 1970);
  CHECK(t.month == 1);
  CHECK(t.day == 1);
  CHECK(t.hour == 12);
  CHECK(t.minute == 34);
  CHECK(t.second == 56);
  CHECK(t.ticks == 1'234'567);
}

TEST_CASE("time_format: the last FILETIME that fits 4 digits of year is in 9999") {
  // 9999-12-31T23:59:59.9999999 = Unix day 2,932,896 + 1 day - 1 tick.
  CHECK(rfc3339(unix_epoch + 2'932'897 * ticks_per_day - 1) == "9999-12-31T23:59:59.9999999Z");
}

TEST_CASE("time_format: SYSTEMTIME to FILETIME, and what is not a date") {
  auto systemtime = [](std::array<std::uint16_t, 8> f) {
    std::array<std::byte, 16> b{};
    for (std::size_t i = 0; i < 8; ++i) {
      b[2 * i] = static_cast<std::byte>(f[i] & 0xFF);
      b[2 * i + 1] = static_cast<std::byte>(f[i] >> 8);
    }
    return b;
  };
  std::uint64_t ft = 0;
  // 2011-01-23 22:07:27.225, day of week ignored.
  CHECK(etwcat::systemtime_to_filetime(systemtime({2011, 1, 0, 23, 22, 7, 27, 225}), ft));
  CHECK(ft == 129402940472250000ull);
  CHECK(etwcat::systemtime_to_filetime(systemtime({2020, 2, 6, 29, 0, 0, 0, 0}), ft));  // leap day
  ft = 7;
  CHECK(!etwcat::systemtime_to_filetime(systemtime({0, 0, 0, 0, 0, 0, 0, 0}), ft));
  CHECK(!etwcat::systemtime_to_filetime(systemtime({2021, 2, 0, 29, 0, 0, 0, 0}), ft));
  CHECK(!etwcat::systemtime_to_filetime(systemtime({2021, 13, 0, 1, 0, 0, 0, 0}), ft));
  CHECK(ft == 7);
}

using etwcat::parse_rfc3339;

TEST_CASE("time_format: parse_rfc3339 reads what format_rfc3339 writes, and zones") {
  char text[rfc3339_length];
  const std::uint64_t t = 129402940472257591;  // 2011-01-23T22:07:27.2257591Z
  CHECK(parse_rfc3339(format_rfc3339(t, text)) == t);
  CHECK(parse_rfc3339("2011-01-23T22:07:27Z") == t - 2257591);
  CHECK(parse_rfc3339("2011-01-23t22:07:27.2257591z") == t);
  // The same instant two hours east, and a space for the T.
  CHECK(parse_rfc3339("2011-01-24 00:07:27.2257591+02:00") == t);
  CHECK(parse_rfc3339("2011-01-23T17:07:27.2257591-05:00") == t);
  // Digits past 100 ns are cut, fewer are scaled.
  CHECK(parse_rfc3339("2011-01-23T22:07:27.225759199Z") == t);
  CHECK(parse_rfc3339("2011-01-23T22:07:27.5Z") == t - 2257591 + 5'000'000);
  CHECK(parse_rfc3339("1601-01-01T00:00:00Z") == 0u);
}

TEST_CASE("time_format: parse_rfc3339 refuses times without a zone, and nonsense") {
  CHECK_FALSE(parse_rfc3339("2011-01-23T22:07:27"));
  CHECK_FALSE(parse_rfc3339("2011-02-30T22:07:27Z"));
  CHECK_FALSE(parse_rfc3339("2011-01-23T24:00:00Z"));
  CHECK_FALSE(parse_rfc3339("2011-01-23T22:07:27.Z"));
  CHECK_FALSE(parse_rfc3339("2011-01-23T22:07:27Zjunk"));
  CHECK_FALSE(parse_rfc3339("1600-12-31T23:59:59Z"));
  CHECK_FALSE(parse_rfc3339("1601-01-01T00:00:00+01:00"));  // before FILETIME 0
  CHECK_FALSE(parse_rfc3339("yesterday"));
  CHECK_FALSE(parse_rfc3339(""));
}
