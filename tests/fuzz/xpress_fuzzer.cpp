// Fuzz target: the MS-XCA Plain LZ77 decompressor. The first two bytes set the room for the
// output (in 4-byte steps, up to 256 KB), as a buffer header's size would; the rest is the
// compressed stream.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "lib/etl/xpress.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t room = (std::size_t{data[0]} | std::size_t{data[1]} << 8) * 4;
  // Exactly `room` bytes, so that a write one past the end is caught under ASan.
  std::vector<std::byte> out(room);
  const auto in = etwcat::fuzzing::bytes_of(data + 2, size - 2);
  auto n = etwcat::etl::xpress_decompress(in, out);
  if (n && n.value() > room) __builtin_trap();  // it may never claim more than the room it had
  return 0;
}
