// Fuzz target: provider strings, Name[:Level[:IDs[:AnyKw[:AllKw]]]], as -p and session configs
// take them; a bad one must be a usage_error, never anything else.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "lib/base/usage_error.h"
#include "lib/provider/provider_parser.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace etwcat;
  using namespace etwcat::provider;
  const std::string_view text = fuzzing::text_of(data, size);
  (void)parse_level(text);
  try {
    // No system lookup: the outcome depends on the input alone.
    (void)parse_provider(text, name_resolver{});
  } catch (const usage_error&) {
  }
  return 0;
}
