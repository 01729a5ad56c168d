// Fuzz target: session config files (JSON), as `etwcat start --config` reads them.
#include <cstddef>
#include <cstdint>

#include "lib/live/session_config.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)etwcat::live::parse_session_config(etwcat::fuzzing::text_of(data, size), "fuzz.json");
  return 0;
}
