// xpress: decompressor for MS-XCA §2.3/2.4 "Plain LZ77" (XPRESS, COMPRESSION_FORMAT_XPRESS = 3),
// the format of compressed ETW buffers (BufferFlag 0x40, etl-format.md §1.5).
#pragma once

#include <cstddef>
#include <span>

#include "lib/base/result.h"

namespace etwcat::etl {

/// Decompresses MS-XCA Plain LZ77 `in` into `out`. Returns the number of bytes written,
/// or an error whose offset is the position in `in` of the bad token (the flag word, literal
/// or match token that cannot be decoded) and whose message says what is wrong, e.g.
/// "match offset 0x1234 before output start".
///
/// Decoding ends, successfully, where the input runs out at a token boundary (when a new flag
/// word, literal or match token is due). A literal or match that does not fit in `out` is an
/// error; filling `out` exactly and consuming `in` exactly is not. Never reads or writes
/// outside the two spans and never allocates, except to build an error message.
///
///   // ETW: payload = buffer bytes [0x48, BufferSize), decompressed size = Offset - 0x48.
///   auto n = xpress_decompress(buffer.subspan(0x48), payload);
///   if (!n || n.value() != payload.size()) { /* damaged buffer */ }
[[nodiscard]] result<std::size_t> xpress_decompress(std::span<const std::byte> in,
                                                    std::span<std::byte> out);

/// True when `failure`, from xpress_decompress, means only that `out` was too small: the stream
/// decoded well up to there, and more room may hold it. Any other failure is damage, which no
/// amount of room mends.
bool xpress_output_full(const error& failure) noexcept;

}  // namespace etwcat::etl
