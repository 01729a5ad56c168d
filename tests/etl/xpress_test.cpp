// Tests for lib/etl/xpress: hand-built MS-XCA §2.4 Plain LZ77 streams (every token form and
// every way a stream can be cut short or lie), then the compressed buffers of real captures.
#include "lib/etl/xpress.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/corpus.h"

namespace {

using bytes = std::vector<std::uint8_t>;

constexpr std::uint8_t guard = 0xA5;
constexpr std::size_t guard_size = 64;

struct decoded {
  bool ok = false;
  std::size_t size = 0;  // bytes written, when ok
  bytes data;            // the first `size` bytes of the output
  etwcat::error failure;
};

// Decodes twice: once with `in` and `out` as exact-size heap blocks, so that AddressSanitizer or
// valgrind flag any access past either end, and once with `out` between guard bytes, to check
// that nothing outside the span is written even without a sanitizer. Both runs must agree.
decoded decode(const bytes& in, std::size_t out_size) {
  auto in_copy = std::vector<std::byte>(in.size());
  if (!in.empty()) std::memcpy(in_copy.data(), in.data(), in.size());
  std::vector<std::byte> out(out_size);
  auto r = etwcat::etl::xpress_decompress(in_copy, out);

  std::vector<std::byte> guarded(guard_size + out_size + guard_size, std::byte{guard});
  auto r2 = etwcat::etl::xpress_decompress(
      in_copy, std::span<std::byte>(guarded).subspan(guard_size, out_size));
  const std::vector<std::byte> untouched(guard_size, std::byte{guard});
  REQUIRE(std::memcmp(guarded.data(), untouched.data(), guard_size) == 0);
  REQUIRE(std::memcmp(guarded.data() + guard_size + out_size, untouched.data(), guard_size) == 0);
  REQUIRE(r.ok() == r2.ok());

  decoded d;
  d.ok = r.ok();
  if (d.ok) {
    d.size = r.value();
    REQUIRE(d.size <= out_size);
    REQUIRE(r2.value() == d.size);
    const auto* p = reinterpret_cast<const std::uint8_t*>(out.data());
    d.data.assign(p, p + d.size);
    if (d.size != 0) REQUIRE(std::memcmp(guarded.data() + guard_size, out.data(), d.size) == 0);
  } else {
    d.failure = r.failure();
    REQUIRE(r2.failure().offset == d.failure.offset);
    REQUIRE(r2.failure().message == d.failure.message);
  }
  return d;
}

bytes text(std::string_view s) { return bytes(s.begin(), s.end()); }
bytes repeat(std::string_view unit, std::size_t size) {
  bytes b;
  while (b.size() < size) b.push_back(static_cast<std::uint8_t>(unit[b.size() % unit.size()]));
  return b;
}

// A small Plain LZ77 writer after MS-XCA §2.3, for streams too long to write out by hand: the
// caller chooses every literal and match, and the writer only does the bit and byte packing.
class stream_builder {
 public:
  stream_builder& literals(std::string_view s) {
    for (char c : s) {
      flag(false);
      out_.push_back(static_cast<std::uint8_t>(c));
    }
    return *this;
  }
  stream_builder& match(std::size_t offset, std::size_t length) {
    flag(true);
    const std::size_t l = length - 3;
    put16(static_cast<std::uint32_t>(((offset - 1) << 3) | (l < 7 ? l : 7)));
    if (l >= 7) {
      const std::size_t l7 = l - 7;
      const std::size_t nibble = l7 < 15 ? l7 : 15;
      if (half_byte_ == 0) {
        half_byte_ = out_.size();
        out_.push_back(static_cast<std::uint8_t>(nibble));
      } else {
        out_[half_byte_] |= static_cast<std::uint8_t>(nibble << 4);
        half_byte_ = 0;
      }
      if (l7 >= 15) {
        if (l7 - 15 < 255) {
          out_.push_back(static_cast<std::uint8_t>(l7 - 15));
        } else {
          out_.push_back(255);
          if (l <= 0xFFFF) {
            put16(static_cast<std::uint32_t>(l));
          } else {
            put16(0);
            put32(static_cast<std::uint32_t>(l));
          }
        }
      }
    }
    return *this;
  }
  // The spec's compressor ends by filling the unused flags with 1s ("match; input ended").
  bytes finish() {
    if (flag_pos_ != npos) {
      const std::uint32_t word = flags_ << (32 - count_) | ((1u << (32 - count_)) - 1);
      store32(flag_pos_, count_ == 32 ? flags_ : word);
    }
    return out_;
  }

 private:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  void flag(bool bit) {
    if (flag_pos_ == npos || count_ == 32) {
      if (flag_pos_ != npos) store32(flag_pos_, flags_);
      flag_pos_ = out_.size();
      out_.insert(out_.end(), 4, 0);
      flags_ = 0;
      count_ = 0;
    }
    flags_ = flags_ << 1 | (bit ? 1 : 0);
    ++count_;
  }
  void put16(std::uint32_t v) {
    out_.push_back(static_cast<std::uint8_t>(v));
    out_.push_back(static_cast<std::uint8_t>(v >> 8));
  }
  void put32(std::uint32_t v) {
    put16(v & 0xFFFF);
    put16(v >> 16);
  }
  void store32(std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out_[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
  }

  bytes out_;
  std::size_t flag_pos_ = npos;
  std::uint32_t flags_ = 0;
  unsigned count_ = 0;
  std::size_t half_byte_ = 0;  // 0 = none pending, as in the spec
};

}  // namespace

TEST_CASE("xpress: empty input decodes to nothing") {
  auto d = decode({}, 0);
  CHECK(d.ok);
  CHECK(d.size == 0);
}

TEST_CASE("xpress: literal-only input") {
  // Flags 0x1FFFFFFF: three literals, then a 1 bit where the input ends (the spec's end).
  auto d = decode({0xFF, 0xFF, 0xFF, 0x1F, 'a', 'b', 'c'}, 16);
  REQUIRE(d.ok);
  CHECK(d.data == text("abc"));

  // The same with the unused flags left 0: the input ending where a literal is due also ends.
  d = decode({0x00, 0x00, 0x00, 0x00, 'a', 'b', 'c'}, 3);
  REQUIRE(d.ok);
  CHECK(d.data == text("abc"));

  // Exactly 32 literals use up the flag word; the input ending where the next is due ends.
  bytes in = {0, 0, 0, 0};
  const bytes want = repeat("0123456789abcdefghijklmnopqrstuvwxyz", 32);
  in.insert(in.end(), want.begin(), want.end());
  d = decode(in, 32);
  REQUIRE(d.ok);
  CHECK(d.data == want);
}

TEST_CASE("xpress: a match that does not overlap its source") {
  // "abcd", then a match offset 4 length 4: token ((4 - 1) << 3) | (4 - 3) = 0x0019.
  auto d = decode({0xFF, 0xFF, 0xFF, 0x0F, 'a', 'b', 'c', 'd', 0x19, 0x00}, 8);
  REQUIRE(d.ok);
  CHECK(d.data == text("abcdabcd"));
}

TEST_CASE("xpress: a match that overlaps its output repeats it (run-length style)") {
  // [literal "a"][match offset 1, length 5] = "aaaaaa" (the example of MS-XCA §2.4.4).
  auto d = decode({0xFF, 0xFF, 0xFF, 0x7F, 'a', 0x02, 0x00}, 6);
  REQUIRE(d.ok);
  CHECK(d.data == text("aaaaaa"));

  // Offset 2, length 7: token (1 << 3) | 4 = 0x000C; the copy must read bytes it just wrote.
  d = decode({0xFF, 0xFF, 0xFF, 0x3F, 'a', 'b', 0x0C, 0x00}, 9);
  REQUIRE(d.ok);
  CHECK(d.data == text("ababababa"));

  // Offset 3, length 20 (nibble 10).
  d = decode({0xFF, 0xFF, 0xFF, 0x1F, 'x', 'y', 'z', 0x17, 0x00, 0x0A}, 23);
  REQUIRE(d.ok);
  CHECK(d.data == repeat("xyz", 23));
}

TEST_CASE("xpress: extended length in a nibble, two matches sharing one byte") {
  // Flags 0 1 1 1...: literal "a"; match length 7+3+2 = 12 takes the low nibble of 0xE2 (a byte
  // of its own); the next length-7 match takes the high nibble, 14: length 7+3+14 = 24.
  auto d = decode({0xFF, 0xFF, 0xFF, 0x7F, 'a', 0x07, 0x00, 0xE2, 0x07, 0x00}, 37);
  REQUIRE(d.ok);
  CHECK(d.data == bytes(37, 'a'));

  // Length 10 is the shortest nibble form (nibble 0).
  d = decode({0xFF, 0xFF, 0xFF, 0x7F, 'a', 0x07, 0x00, 0x00}, 11);
  REQUIRE(d.ok);
  CHECK(d.data == bytes(11, 'a'));
}

TEST_CASE("xpress: extended length, nibble 15 then the next byte") {
  // Nibble 15 + byte 0x10: length 0x10 + 15 + 7 + 3 = 41. The second match gets its nibble
  // (the high 15 of the shared 0xFF) and then its own byte 0: length 25.
  auto d = decode({0xFF, 0xFF, 0xFF, 0x7F, 'a', 0x07, 0x00, 0xFF, 0x10, 0x07, 0x00, 0x00}, 67);
  REQUIRE(d.ok);
  CHECK(d.data == bytes(1 + 41 + 25, 'a'));

  // Byte 254, the longest byte form: 254 + 25 = 279.
  d = decode({0xFF, 0xFF, 0xFF, 0x7F, 'a', 0x07, 0x00, 0x0F, 0xFE}, 280);
  REQUIRE(d.ok);
  CHECK(d.data == bytes(280, 'a'));
}

TEST_CASE("xpress: extended length, byte 255 then a u16") {
  // u16 300 holds length - 3: length 303.
  auto d = decode({0xFF, 0xFF, 0xFF, 0x7F, 'a', 0x07, 0x00, 0x0F, 0xFF, 0x2C, 0x01}, 304);
  REQUIRE(d.ok);
  CHECK(d.data == bytes(304, 'a'));

  // The smallest value the spec accepts, 22 (length 25, which a byte could have said).
  d = decode({0xFF, 0xFF, 0xFF, 0x7F, 'a', 0x07, 0x00, 0x0F, 0xFF, 0x16, 0x00}, 26);
  REQUIRE(d.ok);
  CHECK(d.data == bytes(26, 'a'));
}

TEST_CASE("xpress: extended length, u16 0 then a u32") {
  // u32 70000 = 0x00011170: length 70003, longer than a u16 can say.
  const bytes in = {0xFF, 0xFF, 0xFF, 0x7F, 'a',  0x07, 0x00, 0x0F,
                    0xFF, 0x00, 0x00, 0x70, 0x11, 0x01, 0x00};
  auto d = decode(in, 70004);
  REQUIRE(d.ok);
  CHECK(d.data == bytes(70004, 'a'));
}

TEST_CASE("xpress: the builder's streams decode to what was encoded") {
  // Many flag words, the farthest offset (8192), every length form and a shared nibble.
  const bytes head = repeat("The quick brown fox jumps over the lazy dog. ", 8192);
  stream_builder b;
  b.literals(std::string_view(reinterpret_cast<const char*>(head.data()), head.size()));
  bytes want = head;
  auto add_match = [&](std::size_t offset, std::size_t length) {
    b.match(offset, length);
    for (std::size_t i = 0; i < length; ++i) want.push_back(want[want.size() - offset]);
  };
  add_match(8192, 3);
  add_match(8192, 9);
  add_match(45, 10);
  add_match(1, 24);
  add_match(7, 25);
  add_match(8000, 279);
  add_match(90, 280);
  add_match(2, 65535 + 3);
  add_match(3, 65536 + 3);
  add_match(8192, 8192);
  b.literals("end");
  want.insert(want.end(), {'e', 'n', 'd'});
  auto d = decode(b.finish(), want.size());
  REQUIRE(d.ok);
  CHECK(d.data == want);
}

TEST_CASE("xpress: every short offset, length and literal run copies like the spec's byte loop") {
  // The decoder copies in chunks where it can; the result must match one byte at a time.
  const bytes prefix = repeat("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 64);
  for (std::size_t offset = 1; offset <= 40; ++offset) {
    for (std::size_t length = 3; length <= 80; ++length) {
      CAPTURE(offset);
      CAPTURE(length);
      stream_builder b;
      b.literals(std::string_view(reinterpret_cast<const char*>(prefix.data()), prefix.size()));
      b.match(offset, length).literals("!");
      bytes want = prefix;
      for (std::size_t i = 0; i < length; ++i) want.push_back(want[want.size() - offset]);
      want.push_back('!');
      auto d = decode(b.finish(), want.size());
      REQUIRE(d.ok);
      REQUIRE(d.data == want);
    }
  }
  for (std::size_t run = 1; run <= 40; ++run) {
    CAPTURE(run);
    const bytes lit = repeat("abcdefghijklmnopqrstuvwxyz0123456789-+", run);
    stream_builder b;
    b.literals("#").match(1, 3);
    b.literals(std::string_view(reinterpret_cast<const char*>(lit.data()), lit.size()));
    b.match(run, 3);
    bytes want = {'#', '#', '#', '#'};
    want.insert(want.end(), lit.begin(), lit.end());
    for (int i = 0; i < 3; ++i) want.push_back(want[want.size() - run]);
    auto d = decode(b.finish(), want.size());
    REQUIRE(d.ok);
    REQUIRE(d.data == want);
  }
}

TEST_CASE("xpress: output exactly full ends cleanly when the input is consumed too") {
  auto d = decode({0xFF, 0xFF, 0xFF, 0x7F, 'a', 0x02, 0x00}, 6);
  REQUIRE(d.ok);
  CHECK(d.size == 6);
  // Literals filling the output exactly, with the input ending where the next one is due.
  d = decode({0x00, 0x00, 0x00, 0x00, 'a', 'b', 'c'}, 3);
  REQUIRE(d.ok);
  CHECK(d.size == 3);
  // An empty output is full from the start: a stream of only its end marker still fits...
  d = decode({0xFF, 0xFF, 0xFF, 0xFF}, 0);
  CHECK(d.ok);
  // ...while a stream with one stray byte after it does not decode.
  d = decode({0xFF, 0xFF, 0xFF, 0xFF, 0x00}, 0);
  REQUIRE_FALSE(d.ok);
  CHECK(d.failure.offset == 4);
}

TEST_CASE("xpress: rejects a truncated flag word") {
  for (std::size_t n = 1; n < 4; ++n) {
    auto d = decode(bytes(n, 0), 16);
    REQUIRE_FALSE(d.ok);
    CHECK(d.failure.offset == 0);
    CHECK(d.failure.message.find("flag word") != std::string::npos);
  }
  // After 32 literals the second flag word starts at 36.
  bytes in(4, 0);
  in.insert(in.end(), 32, 'q');
  in.insert(in.end(), {0x00, 0x00});
  auto d = decode(in, 64);
  REQUIRE_FALSE(d.ok);
  CHECK(d.failure.offset == 36);
  CHECK(d.failure.message == "input ends inside a flag word (2 of 4 bytes)");
}

TEST_CASE("xpress: rejects a truncated match token") {
  auto d = decode({0xFF, 0xFF, 0xFF, 0x7F, 'a', 0x02}, 16);
  REQUIRE_FALSE(d.ok);
  CHECK(d.failure.offset == 5);
  CHECK(d.failure.message.find("match token") != std::string::npos);
}

TEST_CASE("xpress: rejects truncated extended-length bytes") {
  // The error points at the match token the length belongs to (offset 5).
  const bytes forms[] = {
      {0xFF, 0xFF, 0xFF, 0x7F, 'a', 0x07, 0x00},                                // no nibble
      {0xFF, 0xFF, 0xFF, 0x7F, 'a', 0x07, 0x00, 0x0F},                          // no byte
      {0xFF, 0xFF, 0xFF, 0x7F, 'a', 0x07, 0x00, 0x0F, 0xFF},                    // no u16
      {0xFF, 0xFF, 0xFF, 0x7F, 'a', 0x07, 0x00, 0x0F, 0xFF, 0x2C},              // half a u16
      {0xFF, 0xFF, 0xFF, 0x7F, 'a', 0x07, 0x00, 0x0F, 0xFF, 0x00, 0x00},        // no u32
      {0xFF, 0xFF, 0xFF, 0x7F, 'a', 0x07, 0x00, 0x0F, 0xFF, 0x00, 0x00, 0x70},  // 1 of 4
      {0xFF, 0xFF, 0xFF, 0x7F, 'a', 0x07, 0x00, 0x0F, 0xFF, 0x00, 0x00, 0x70, 0x11, 0x01},
  };
  const char* const what[] = {"nibble",        "length byte",   "16-bit length", "16-bit length",
                              "32-bit length", "32-bit length", "32-bit length"};
  for (std::size_t i = 0; i < std::size(forms); ++i) {
    CAPTURE(i);
    auto d = decode(forms[i], 1 << 17);
    REQUIRE_FALSE(d.ok);
    CHECK(d.failure.offset == 5);
    CHECK(d.failure.message.find(what[i]) != std::string::npos);
  }
}

TEST_CASE("xpress: rejects an extended length below 22") {
  // u16 21 would underflow the spec's MatchLength -= 15 + 7.
  auto d = decode({0xFF, 0xFF, 0xFF, 0x7F, 'a', 0x07, 0x00, 0x0F, 0xFF, 0x15, 0x00}, 1024);
  REQUIRE_FALSE(d.ok);
  CHECK(d.failure.offset == 5);
  CHECK(d.failure.message == "extended match length 21 is below 22");
  // u32 0 likewise.
  d = decode({0xFF, 0xFF, 0xFF, 0x7F, 'a', 0x07, 0x00, 0x0F, 0xFF, 0, 0, 0, 0, 0, 0}, 1024);
  REQUIRE_FALSE(d.ok);
  CHECK(d.failure.offset == 5);
}

TEST_CASE("xpress: rejects a match offset before output start") {
  // A match before any output (flags all 1).
  auto d = decode({0xFF, 0xFF, 0xFF, 0xFF, 0x02, 0x00}, 16);
  REQUIRE_FALSE(d.ok);
  CHECK(d.failure.offset == 4);
  CHECK(d.failure.message == "match offset 0x1 before output start (output position 0x0)");

  // Offset 2 after one byte: token (1 << 3) | 2 = 0x000A.
  d = decode({0xFF, 0xFF, 0xFF, 0x7F, 'a', 0x0A, 0x00}, 16);
  REQUIRE_FALSE(d.ok);
  CHECK(d.failure.offset == 5);
  CHECK(d.failure.message == "match offset 0x2 before output start (output position 0x1)");

  // The largest offset, 8192, after 8191 bytes.
  stream_builder b;
  b.literals(std::string(8191, 'z')).match(8192, 3);
  const bytes in = b.finish();
  d = decode(in, 9000);
  REQUIRE_FALSE(d.ok);
  CHECK(d.failure.offset == in.size() - 2);
  CHECK(d.failure.message.find("match offset 0x2000") == 0);
}

TEST_CASE("xpress: rejects output too small") {
  // Literals: the third, "c" at input offset 6, does not fit in 2 bytes.
  auto d = decode({0xFF, 0xFF, 0xFF, 0x1F, 'a', 'b', 'c'}, 2);
  REQUIRE_FALSE(d.ok);
  CHECK(d.failure.offset == 6);
  CHECK(d.failure.message.find("output full") == 0);

  // No room at all for the first literal.
  d = decode({0xFF, 0xFF, 0xFF, 0x1F, 'a', 'b', 'c'}, 0);
  REQUIRE_FALSE(d.ok);
  CHECK(d.failure.offset == 4);

  // A match of 5 with 4 bytes left: the error is at the match token.
  d = decode({0xFF, 0xFF, 0xFF, 0x7F, 'a', 0x02, 0x00}, 5);
  REQUIRE_FALSE(d.ok);
  CHECK(d.failure.offset == 5);
  CHECK(d.failure.message ==
        "output full: match of 5 bytes at output position 0x1 exceeds output size 0x5");

  // A u32 length near 4 GiB must not wrap around any size computation.
  d = decode({0xFF, 0xFF, 0xFF, 0x7F, 'a', 0x07, 0x00, 0x0F, 0xFF, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF},
             4096);
  REQUIRE_FALSE(d.ok);
  CHECK(d.failure.offset == 5);
  CHECK(d.failure.message.find("match of 4294967298 bytes") != std::string::npos);
}

TEST_CASE("xpress: a stream too big for its room is told from a damaged one") {
  // Too small: more room would hold it (a reader may grow its room then, and only then).
  auto d = decode({0xFF, 0xFF, 0xFF, 0x1F, 'a', 'b', 'c'}, 2);
  REQUIRE_FALSE(d.ok);
  CHECK(etwcat::etl::xpress_output_full(d.failure));
  d = decode({0xFF, 0xFF, 0xFF, 0x7F, 'a', 0x02, 0x00}, 5);
  REQUIRE_FALSE(d.ok);
  CHECK(etwcat::etl::xpress_output_full(d.failure));
  // Damaged: no room mends a match before the output's start or a cut flag word.
  d = decode({0xFF, 0xFF, 0xFF, 0xFF, 0x02, 0x00}, 1 << 20);
  REQUIRE_FALSE(d.ok);
  CHECK_FALSE(etwcat::etl::xpress_output_full(d.failure));
  d = decode({0xFF, 0xFF}, 1 << 20);
  REQUIRE_FALSE(d.ok);
  CHECK_FALSE(etwcat::etl::xpress_output_full(d.failure));
}

TEST_CASE("xpress: hostile input never reads or writes outside the spans") {
  // Every prefix of a valid stream, then random bytes and random single-byte damage; decode()
  // runs each with exact-size heap blocks and guard bytes. Errors must point inside `in`.
  stream_builder b;
  b.literals("abcdefgh").match(8, 30).match(1, 300).literals("tail").match(3, 70000 + 3);
  const bytes good = b.finish();
  for (std::size_t n = 0; n <= good.size(); ++n) {
    auto d = decode(bytes(good.begin(), good.begin() + n), 70400);
    if (!d.ok) CHECK(d.failure.offset < n);
  }
  std::mt19937 rng(20240611);
  for (int round = 0; round < 2000; ++round) {
    bytes in(rng() % 96);
    for (auto& byte : in) byte = static_cast<std::uint8_t>(rng());
    if (round % 2 == 0) {
      in = good;
      in[rng() % in.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
    }
    auto d = decode(in, rng() % 2 ? 256 : 70400);
    if (!d.ok) CHECK(d.failure.offset < in.size());
  }
}

// Real captures: every compressed buffer of a file, per etl-format.md §1.5 (72-byte
// WMI_BUFFER_HEADER, BufferFlag 0x40 = compressed, decompressed size = Offset - 0x48).
namespace {

struct corpus_counts {
  std::size_t buffers = 0;
  std::size_t compressed = 0;
};

std::uint32_t read_u32(const bytes& b, std::size_t at) {
  return std::uint32_t{b[at]} | std::uint32_t{b[at + 1]} << 8 | std::uint32_t{b[at + 2]} << 16 |
         std::uint32_t{b[at + 3]} << 24;
}

corpus_counts decompress_all_buffers(const std::string& relative) {
  constexpr std::size_t header_size = 0x48;  // WMI_BUFFER_HEADER
  const auto path = etwcat::testing::corpus_file(relative);
  std::ifstream file(path, std::ios::binary);
  REQUIRE(file);
  const bytes data((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());

  corpus_counts counts;
  std::vector<std::byte> payload;
  std::size_t pos = 0;
  while (pos + header_size <= data.size()) {
    const std::uint32_t buffer_size = read_u32(data, pos);
    const std::uint32_t offset = read_u32(data, pos + 0x30);
    const unsigned flags = data[pos + 0x34] | data[pos + 0x35] << 8;
    INFO(relative, ": buffer ", counts.buffers, " at file offset ", pos);
    REQUIRE(buffer_size >= header_size);
    REQUIRE(buffer_size <= data.size() - pos);
    if (flags & 0x40) {
      REQUIRE(offset >= header_size);
      payload.assign(offset - header_size, std::byte{0});
      const auto in =
          std::as_bytes(std::span(data)).subspan(pos + header_size, buffer_size - header_size);
      auto r = etwcat::etl::xpress_decompress(in, payload);
      if (!r) FAIL_CHECK(r.failure().message, " at compressed offset ", r.failure().offset);
      if (r) CHECK(r.value() == payload.size());
      // The payload opens with a record: a marker whose top byte is 0xC0-ish (SYSTEM/trace
      // headers) or 0x9_ (EVENT_HEADER and friends).
      if (payload.size() >= 4) {
        const auto top = std::to_integer<unsigned>(payload[3]);
        CHECK(((top & 0xC0) == 0xC0 || (top & 0xF0) == 0x90));
      }
      ++counts.compressed;
    }
    ++counts.buffers;
    pos += buffer_size;
  }
  CHECK(pos == data.size());
  return counts;
}

}  // namespace

TEST_SUITE("corpus") {
  TEST_CASE("xpress: every compressed buffer of the compressed captures decompresses to Offset") {
    ETWCAT_REQUIRE_CORPUS();
    CHECK(decompress_all_buffers("perfview/net.4.5.2.x64.etl").compressed == 359);
    CHECK(decompress_all_buffers("perfview/net.4.5.2.x86.etl").compressed == 275);
    CHECK(decompress_all_buffers("perfview/SelfDescribingSingleEvent.etl").compressed == 2);
    CHECK(decompress_all_buffers("perfview/smallEtlFile.etl").compressed == 1);
  }
}
