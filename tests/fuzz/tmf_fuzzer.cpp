// Fuzz target: the TMF (WPP trace message format) parser, then every message it reads
// formatting a payload. The input is the TMF text; after a NUL, the rest is the payload.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lib/decode/wpp/tmf.h"
#include "lib/decode/wpp/wpp_decoder.h"
#include "lib/event/event_data.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace etwcat;
  const std::string_view input = fuzzing::text_of(data, size);
  const std::size_t nul = input.find('\0');
  const auto payload = nul == std::string_view::npos
                           ? std::span<const std::byte>()
                           : fuzzing::bytes_of(data + nul + 1, size - nul - 1);
  decode::tmf_library library;
  if (!library.add_text(input.substr(0, nul), "fuzz.tmf").ok()) return 0;
  decode::wpp_decoder wpp;
  event_data out;
  std::string error;
  for (const decode::tmf_message& message : library.messages()) {
    for (const std::uint8_t pointer_size : {std::uint8_t{4}, std::uint8_t{8}}) {
      out.clear();
      error.clear();
      (void)wpp.format(message, payload, pointer_size, out, error);
    }
  }
  return 0;
}
