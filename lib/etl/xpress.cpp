// MS-XCA §2.4.4 Plain LZ77 decompression: 32-bit flag words read MSB-first, flag 0 = one
// literal byte, flag 1 = a 16-bit match token with a 3-bit length and 13-bit offset.
#include "lib/etl/xpress.h"

#include <bit>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

namespace etwcat::etl {
namespace {

// Byte-wise assembly instead of memcpy + byteswap: portable to any host byte order, and
// GCC/Clang fold it into a single unaligned load on little-endian targets.
inline std::uint32_t load_u16(const std::uint8_t* p) noexcept {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8;
}

inline std::uint32_t load_u32(const std::uint8_t* p) noexcept {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
         std::uint32_t{p[3]} << 24;
}

// Copies n bytes between ranges that do not overlap, writing exactly [dst, dst + n). Most
// literal runs and matches are 1-16 bytes: two fixed-size copies that may overlap each other
// beat a call into the library memcpy for such sizes.
inline void copy_bytes(std::uint8_t* dst, const std::uint8_t* src, std::size_t n) noexcept {
  if (n >= 16) {
    if (n > 32) {
      std::memcpy(dst, src, n);
      return;
    }
    std::memcpy(dst, src, 16);
    std::memcpy(dst + n - 16, src + n - 16, 16);
  } else if (n >= 8) {
    std::memcpy(dst, src, 8);
    std::memcpy(dst + n - 8, src + n - 8, 8);
  } else if (n >= 4) {
    std::memcpy(dst, src, 4);
    std::memcpy(dst + n - 4, src + n - 4, 4);
  } else if (n != 0) {  // 1-3 bytes
    dst[0] = src[0];
    dst[n / 2] = src[n / 2];
    dst[n - 1] = src[n - 1];
  }
}

// Errors are rare and end the call, so they are built out of line, keeping the string
// formatting out of the decode loop.
[[gnu::cold, gnu::noinline, gnu::format(printf, 2, 3)]] error make_error(std::ptrdiff_t offset,
                                                                         const char* format, ...) {
  char text[160];
  std::va_list args;
  va_start(args, format);
  std::vsnprintf(text, sizeof text, format, args);
  va_end(args);
  return error{std::string(text), static_cast<std::uint64_t>(offset)};
}

// Every "out too small" message starts so (xpress_output_full).
constexpr std::string_view output_full = "output full: ";

// For printf's %llu / %llx, whatever width size_t and uint64_t have on the target.
inline unsigned long long ull(std::uint64_t v) noexcept { return v; }

[[gnu::cold, gnu::noinline]] error literal_overflow(std::ptrdiff_t offset, std::size_t out_size) {
  return make_error(offset, "output full: literal at output position 0x%llx does not fit",
                    ull(out_size));
}

}  // namespace

result<std::size_t> xpress_decompress(std::span<const std::byte> in, std::span<std::byte> out) {
  const auto* const in_begin = reinterpret_cast<const std::uint8_t*>(in.data());
  const auto* const in_end = in_begin + in.size();
  auto* const out_begin = reinterpret_cast<std::uint8_t*>(out.data());
  auto* const out_end = out_begin + out.size();
  const std::uint8_t* ip = in_begin;
  std::uint8_t* op = out_begin;
  // The spec's LastLengthHalfByte: two length-7 matches share one byte, low nibble first.
  // Null stands for the spec's 0, which is never a real position (a flag word is there).
  const std::uint8_t* half_byte = nullptr;

  for (;;) {
    // A new flag word is due. Input ending here is the normal end of a stream.
    if (ip == in_end) return static_cast<std::size_t>(op - out_begin);
    if (in_end - ip < 4) {
      return make_error(ip - in_begin, "input ends inside a flag word (%llu of 4 bytes)",
                        ull(static_cast<std::uint64_t>(in_end - ip)));
    }
    // Consumed flags are shifted out at the top, so the next flag is always bit 31 and zeros
    // come in at the bottom: a run of literals is a count of leading zeros.
    std::uint32_t flags = load_u32(ip);
    ip += 4;
    unsigned bits = 32;

    while (bits != 0) {
      const unsigned run = flags == 0 ? bits : static_cast<unsigned>(std::countl_zero(flags));
      if (run != 0) {
        // Copy the whole run of literals at once instead of one flag at a time.
        const auto in_left = static_cast<std::size_t>(in_end - ip);
        const auto out_left = static_cast<std::size_t>(out_end - op);
        if (run > in_left) [[unlikely]] {
          // Input ending where a literal is due ends the stream too. The spec's compressor sets
          // the unused flags of its last word to 1 (and every corpus buffer does), but unused
          // flags left 0 can mean nothing else.
          if (in_left > out_left) return literal_overflow(ip + out_left - in_begin, out.size());
          copy_bytes(op, ip, in_left);
          return static_cast<std::size_t>(op + in_left - out_begin);
        }
        if (run > out_left) return literal_overflow(ip + out_left - in_begin, out.size());
        copy_bytes(op, ip, run);
        ip += run;
        op += run;
        bits -= run;
        if (bits == 0) break;
        flags <<= run;  // run < 32 here: a 1 bit follows it
      }

      // Flag 1: a match. Per the spec, input ending here is the end of the stream.
      flags <<= 1;
      --bits;
      if (ip == in_end) return static_cast<std::size_t>(op - out_begin);
      const std::uint8_t* const token = ip;
      if (in_end - ip < 2) {
        return make_error(token - in_begin, "input ends inside a match token (1 of 2 bytes)");
      }
      const std::uint32_t match = load_u16(ip);
      ip += 2;
      const std::size_t offset = (match >> 3) + 1;
      // 64 bits: the 32-bit length form plus 3 would overflow a 32-bit size_t.
      std::uint64_t length = match & 7;
      if (length == 7) {
        // Extended length: a nibble (shared with the next such match), then 15 escapes to a
        // byte, 255 to a u16, and a u16 of 0 to a u32; those two hold the full length - 3.
        if (half_byte == nullptr) {
          if (ip == in_end) {
            return make_error(token - in_begin, "input ends before the length nibble of a match");
          }
          half_byte = ip++;
          length = *half_byte & 0x0F;
        } else {
          length = *half_byte >> 4;
          half_byte = nullptr;
        }
        if (length == 15) {
          if (ip == in_end) {
            return make_error(token - in_begin, "input ends before the length byte of a match");
          }
          length = *ip++;
          if (length == 255) {
            if (in_end - ip < 2) {
              return make_error(token - in_begin, "input ends inside the 16-bit length of a match");
            }
            length = load_u16(ip);
            ip += 2;
            if (length == 0) {
              if (in_end - ip < 4) {
                return make_error(token - in_begin,
                                  "input ends inside the 32-bit length of a match");
              }
              length = load_u32(ip);
              ip += 4;
            }
            if (length < 15 + 7) {
              return make_error(token - in_begin, "extended match length %llu is below 22",
                                ull(length));
            }
            length -= 15 + 7;
          }
          length += 15;
        }
        length += 7;
      }
      length += 3;

      const auto produced = static_cast<std::size_t>(op - out_begin);
      if (offset > produced) {
        return make_error(token - in_begin,
                          "match offset 0x%llx before output start (output position 0x%llx)",
                          ull(offset), ull(produced));
      }
      if (length > static_cast<std::uint64_t>(out_end - op)) {
        return make_error(token - in_begin,
                          "output full: match of %llu bytes at output position 0x%llx exceeds "
                          "output size 0x%llx",
                          ull(length), ull(produced), ull(out.size()));
      }
      const std::uint8_t* src = op - offset;
      const auto count = static_cast<std::size_t>(length);
      if (offset >= count) {
        copy_bytes(op, src, count);  // the source ends before the destination starts
      } else if (offset == 1) {
        std::memset(op, *src, count);  // a run of one byte, the commonest overlap
      } else if (offset >= 8) {
        // Overlap, but every 8-byte chunk reads only bytes already final: the copy stays
        // equal to the spec's byte-by-byte loop. The last chunk ends exactly at count.
        std::size_t i = 0;
        for (; i + 8 < count; i += 8) std::memcpy(op + i, src + i, 8);
        std::memcpy(op + count - 8, src + count - 8, 8);
      } else {
        // Overlap closer than a chunk: later bytes repeat ones this copy writes.
        for (std::size_t i = 0; i < count; ++i) op[i] = src[i];
      }
      op += count;
    }
  }
}

bool xpress_output_full(const error& failure) noexcept {
  return std::string_view(failure.message).starts_with(output_full);
}

}  // namespace etwcat::etl
