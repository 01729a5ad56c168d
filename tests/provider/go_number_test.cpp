// Go's strconv.ParseUint(s, 0, bits) rules, which provider strings inherit.
#include "lib/provider/go_number.h"

#include <doctest/doctest.h>

using etwcat::provider::is_go_uint;
using etwcat::provider::parse_go_uint;

TEST_CASE("go_number: decimal, hex, binary, octal") {
  CHECK(parse_go_uint("42", 64) == 42u);
  CHECK(parse_go_uint("0x2A", 64) == 42u);
  CHECK(parse_go_uint("0X2a", 64) == 42u);
  CHECK(parse_go_uint("0b101010", 64) == 42u);
  CHECK(parse_go_uint("0B101010", 64) == 42u);
  CHECK(parse_go_uint("0o52", 64) == 42u);
  CHECK(parse_go_uint("052", 64) == 42u);
  CHECK(parse_go_uint("010", 64) == 8u);
  CHECK(parse_go_uint("0", 8) == 0u);
  CHECK(parse_go_uint("00", 8) == 0u);
}

TEST_CASE("go_number: underscores only between digits or after a prefix") {
  CHECK(parse_go_uint("1_000", 64) == 1000u);
  CHECK(parse_go_uint("0x_FF", 64) == 255u);
  CHECK(parse_go_uint("0_7", 64) == 7u);
  CHECK_FALSE(parse_go_uint("_1", 64));
  CHECK_FALSE(parse_go_uint("1_", 64));
  CHECK_FALSE(parse_go_uint("1__0", 64));
  CHECK_FALSE(parse_go_uint("0x_", 64));
}

TEST_CASE("go_number: bit sizes bound the value") {
  CHECK(parse_go_uint("255", 8) == 255u);
  CHECK_FALSE(parse_go_uint("256", 8));
  CHECK(parse_go_uint("65535", 16) == 65535u);
  CHECK_FALSE(parse_go_uint("65536", 16));
  CHECK(parse_go_uint("0xFFFFFFFFFFFFFFFF", 64) == ~std::uint64_t{0});
  CHECK_FALSE(parse_go_uint("0x10000000000000000", 64));
  CHECK_FALSE(parse_go_uint("18446744073709551616", 64));
}

TEST_CASE("go_number: rejects what Go rejects") {
  CHECK_FALSE(parse_go_uint("", 64));
  CHECK_FALSE(parse_go_uint("0x", 64));
  CHECK_FALSE(parse_go_uint("0b", 64));
  CHECK_FALSE(parse_go_uint("08", 64));
  CHECK_FALSE(parse_go_uint("0b2", 64));
  CHECK_FALSE(parse_go_uint("+1", 64));
  CHECK_FALSE(parse_go_uint("-1", 64));
  CHECK_FALSE(parse_go_uint(" 1", 64));
  CHECK_FALSE(parse_go_uint("1.0", 64));
  CHECK_FALSE(parse_go_uint("abc", 64));
}

TEST_CASE("go_number: a number too large is still a number") {
  CHECK(is_go_uint("70000"));
  CHECK(is_go_uint("0x1_0000"));
  CHECK(is_go_uint("99999999999999999999999"));
  CHECK_FALSE(is_go_uint("7x"));
  CHECK_FALSE(is_go_uint("99999999999999999999999x"));
  CHECK_FALSE(is_go_uint("1__0"));
  CHECK_FALSE(is_go_uint(""));
}
