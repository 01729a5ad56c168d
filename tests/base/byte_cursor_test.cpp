// Tests for lib/base/byte_cursor.h, lib/base/diagnostics.h, lib/etl/guid.h and lib/etl/utf16.h:
// the small pieces the ETL reader is built on. (The base ones belong in tests/base/ once it
// exists.)
#include "lib/base/byte_cursor.h"

#include <doctest/doctest.h>

#include <array>
#include <cstddef>
#include <cstdint>

#include "lib/base/diagnostics.h"
#include "tests/support/etl_builder.h"

using etwcat::byte_cursor;
using etwcat::testing::payload_of;

TEST_CASE("byte_cursor: reads little-endian integers and advances") {
  const auto data = payload_of({0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0xFF});
  byte_cursor in(data);
  std::uint16_t a = 0;
  std::uint32_t b = 0;
  std::uint16_t c = 0;
  std::uint8_t d = 0;
  REQUIRE(in.read(a));
  REQUIRE(in.read(b));
  REQUIRE(in.read(c));
  REQUIRE(in.read(d));
  CHECK(a == 0x0201);
  CHECK(b == 0x06050403u);
  CHECK(c == 0x0807);
  CHECK(d == 0xFF);
  CHECK(in.at_end());
  CHECK(in.position() == 9);
}

TEST_CASE("byte_cursor: a read past the end fails and changes nothing") {
  const auto data = payload_of({0xAA, 0xBB, 0xCC});
  byte_cursor in(data);
  std::uint32_t v = 0x12345678;
  CHECK_FALSE(in.read(v));
  CHECK(v == 0x12345678);
  CHECK(in.position() == 0);
  std::uint16_t w = 0;
  CHECK(in.read(w));
  CHECK_FALSE(in.read(w));
  CHECK(w == 0xBBAA);
  CHECK(in.remaining() == 1);
}

TEST_CASE("byte_cursor: skip, seek and read_bytes stay in bounds") {
  const auto data = payload_of({1, 2, 3, 4, 5});
  byte_cursor in(data);
  CHECK(in.skip(5));
  CHECK_FALSE(in.skip(1));
  CHECK(in.seek(2));
  CHECK_FALSE(in.seek(6));
  CHECK(in.position() == 2);
  std::span<const std::byte> part;
  CHECK_FALSE(in.read_bytes(4, part));
  REQUIRE(in.read_bytes(3, part));
  CHECK(part.size() == 3);
  CHECK(part[0] == std::byte{3});
  CHECK(part.data() == data.data() + 2);  // borrowed, not copied
  std::uint8_t v = 0;
  CHECK(etwcat::read_at(std::span<const std::byte>(data), 4, v));
  CHECK(v == 5);
  CHECK_FALSE(etwcat::read_at(std::span<const std::byte>(data), 5, v));
  CHECK_FALSE(etwcat::read_at(std::span<const std::byte>(data), 99, v));
}

TEST_CASE("byte_cursor: byte_swap reverses integers") {
  CHECK(etwcat::byte_swap(std::uint32_t{0x11223344}) == 0x44332211u);
  CHECK(etwcat::byte_swap(std::uint16_t{0xA1B2}) == 0xB2A1);
}

TEST_CASE("diagnostics: format gives one line with file, hex offset and buffer") {
  etwcat::diagnostic d{etwcat::severity::error, "net.etl", 0x1a040,
                       "record size 0 < 16-byte header; rest of buffer skipped", 26};
  CHECK(etwcat::format(d) ==
        "net.etl: offset 0x1a040 (buffer 26): record size 0 < 16-byte header; rest of buffer "
        "skipped");
  d.buffer.reset();
  CHECK(etwcat::format(d) ==
        "net.etl: offset 0x1a040: record size 0 < 16-byte header; rest of buffer skipped");
}

TEST_CASE("diagnostics: counts everything but stores at most max_stored") {
  etwcat::diagnostics sink(2);
  for (int i = 0; i < 5; ++i) sink.report(etwcat::severity::warning, "f.etl", i, "x");
  sink.report(etwcat::severity::error, "f.etl", 9, "y");
  CHECK(sink.count() == 6);
  CHECK(sink.count(etwcat::severity::warning) == 5);
  CHECK(sink.count(etwcat::severity::error) == 1);
  CHECK(sink.items().size() == 2);
  CHECK(sink.dropped() == 4);
}
