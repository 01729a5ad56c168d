// Tests for lib/base/duration.h.
#include "lib/base/duration.h"

#include <doctest/doctest.h>

using etwcat::parse_duration;
using namespace std::chrono_literals;

TEST_CASE("duration: numbers with units, a bare number is seconds") {
  CHECK(parse_duration("10s") == 10s);
  CHECK(parse_duration("10") == 10s);
  CHECK(parse_duration("500ms") == 500ms);
  CHECK(parse_duration("2m") == 2min);
  CHECK(parse_duration("1.5h") == 90min);
  CHECK(parse_duration("0.25s") == 250ms);
  CHECK(parse_duration("1d") == 24h);
  CHECK(parse_duration("7us") == 7us);
  CHECK(parse_duration("0") == 0s);
}

TEST_CASE("duration: anything else is not a duration") {
  for (const char* bad :
       {"", "s", "-1s", "10 s", "1e3", "5sec", "1.5.2s", "99999999999999999999s", "200000d"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_duration(bad).has_value());
  }
}
