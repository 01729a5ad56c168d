// Fuzz target: the instrumentation-manifest reader (XML -> providers, events, templates, maps),
// then every event it reads decoding a payload. The input is the manifest text; after a NUL,
// the rest is the payload (a manifest has no NUL of its own).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "formats/event_writer.h"
#include "formats/jsonl_writer.h"
#include "lib/decode/manifest/manifest.h"
#include "lib/decode/payload_decoder.h"
#include "lib/event/event.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace etwcat;
  static std::FILE* const nowhere = std::fopen("/dev/null", "wb");
  if (nowhere == nullptr) return 0;
  const std::string_view input = fuzzing::text_of(data, size);
  const std::size_t nul = input.find('\0');
  const std::string_view xml = input.substr(0, nul);
  const auto payload = nul == std::string_view::npos
                           ? std::span<const std::byte>()
                           : fuzzing::bytes_of(data + nul + 1, size - nul - 1);
  auto set = decode::read_manifest(xml, "fuzz.man");
  if (!set.ok()) return 0;
  decode::payload_decoder payloads;
  event e;
  std::string error;
  formats::output_sink sink(nowhere, 1 << 16);
  formats::jsonl_writer json(sink);
  json.begin(formats::trace_info{});
  for (const auto& provider : set.value().providers()) {
    for (const auto& schema : provider->events) {
      (void)decode::task_opcode_event_name(schema);
      e.data.clear();
      error.clear();
      (void)payloads.decode(schema, payload, 8, e.data, error);
      json.write(e);
    }
  }
  return 0;
}
