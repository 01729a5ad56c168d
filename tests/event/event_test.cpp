// Tests for lib/event/event.h: the DecodeWarning text of a payload that decoded with bytes left
// over, built without allocating.
#include "lib/event/event.h"

#include <doctest/doctest.h>

#include <array>
#include <cstddef>
#include <string_view>

using etwcat::event;
using etwcat::payload_surplus;

namespace {

const std::array<std::byte, 6> payload = {std::byte{1}, std::byte{0},    std::byte{2},
                                          std::byte{0}, std::byte{0xEE}, std::byte{0xFF}};

// An event whose payload decoded up to `offset`, the rest being the surplus.
event decoded_with_surplus(std::size_t offset, std::int32_t schema_version) {
  event e;
  e.raw_data = payload;
  e.payload_decoded = true;
  e.data.add_unsigned("a", 1);
  payload_surplus surplus;
  surplus.bytes = std::span(payload).subspan(offset);
  surplus.offset = static_cast<std::uint32_t>(offset);
  surplus.schema_version = schema_version;
  e.data.set_surplus(surplus);
  return e;
}

std::string_view warning(const event& e, std::array<char, event::max_decode_warning>& buffer) {
  return e.decode_warning(buffer);
}

}  // namespace

TEST_CASE("event: decode_warning says how many bytes were left over, and where") {
  std::array<char, event::max_decode_warning> buffer;
  event e = decoded_with_surplus(4, -1);
  CHECK(e.has_surplus());
  CHECK(e.fully_decoded());  // decoded, surplus included
  CHECK(warning(e, buffer) == "2 bytes left over after the last field (offset 4)");
  e = decoded_with_surplus(5, -1);
  CHECK(warning(e, buffer) == "1 byte left over after the last field (offset 5)");

  // Nothing left over, or a payload that did not decode: no warning.
  event exact;
  exact.raw_data = payload;
  exact.payload_decoded = true;
  CHECK_FALSE(exact.has_surplus());
  CHECK(warning(exact, buffer).empty());
  e = decoded_with_surplus(4, -1);
  e.payload_decoded = false;
  CHECK(warning(e, buffer).empty());
  e = decoded_with_surplus(4, -1);
  e.decode_error = "field b at offset 2: runs past the end of the payload";
  CHECK_FALSE(e.has_surplus());
  CHECK(warning(e, buffer).empty());

  // clear() forgets the surplus with the rest of the payload.
  e = decoded_with_surplus(4, -1);
  e.clear();
  CHECK(e.data.surplus().bytes.empty());
}

TEST_CASE("event: decode_warning names the schema's version when it is another's") {
  // A manifest without a schema for version 4 of an event: version 3's was applied, and newer
  // versions append fields, so the surplus is expected rather than damage.
  std::array<char, event::max_decode_warning> buffer;
  event e = decoded_with_surplus(4, 3);
  e.has_version = true;
  e.version = 4;
  CHECK(warning(e, buffer) ==
        "version 3 schema applied to version 4: 2 bytes left over after the last field "
        "(offset 4)");
  e.version = 3;  // the event's own version: nothing to say about it
  CHECK(warning(e, buffer) == "2 bytes left over after the last field (offset 4)");
  e = decoded_with_surplus(4, -1);  // a built-in layout: never
  e.has_version = true;
  e.version = 4;
  CHECK(warning(e, buffer) == "2 bytes left over after the last field (offset 4)");
  // The longest text still fits.
  e = decoded_with_surplus(0, 255);
  e.has_version = true;
  e.version = 65535;
  payload_surplus big = e.data.surplus();
  big.offset = 4294967295u;
  e.data.set_surplus(big);
  CHECK(warning(e, buffer) ==
        "version 255 schema applied to version 65535: 6 bytes left over after the last field "
        "(offset 4294967295)");
}
