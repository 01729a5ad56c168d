// Fuzz target: the blobs TDH hands out, as KernelTraceControl records them into merged traces
// and as the live path receives them: TRACE_EVENT_INFO, EVENT_MAP_INFO, a MetaData/EventMapInfo
// payload, PROVIDER_FIELD_INFOARRAY and PROVIDER_EVENT_INFO. The first byte picks which; the
// rest is the blob. An event schema is built with its maps found in the same blob, and a
// payload (the blob itself) is decoded by it and written as JSON.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>

#include "formats/event_writer.h"
#include "formats/jsonl_writer.h"
#include "lib/decode/manifest/manifest.h"
#include "lib/decode/payload_decoder.h"
#include "lib/decode/tdh/event_info.h"
#include "lib/decode/tdh/tdh_blobs.h"
#include "lib/event/event.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace etwcat;
  using namespace etwcat::decode;
  if (size < 1) return 0;
  const std::uint8_t which = data[0];
  const auto blob = fuzzing::bytes_of(data + 1, size - 1);
  switch (which % 5) {
    case 0: {
      (void)read_event_info(blob);
      // Every map the schema names is this blob read as an EVENT_MAP_INFO.
      auto schema = schema_from_event_info(blob, [&](std::string_view) { return blob; });
      if (!schema.ok()) break;
      (void)task_opcode_event_name(*schema.value());
      static std::FILE* const nowhere = std::fopen("/dev/null", "wb");
      if (nowhere == nullptr) break;
      payload_decoder payloads;
      event e;
      std::string error;
      (void)payloads.decode(*schema.value(), blob, 8, e.data, error);
      formats::output_sink sink(nowhere, 1 << 16);
      formats::jsonl_writer json(sink);
      json.begin(formats::trace_info{});
      json.write(e);
      break;
    }
    case 1:
      (void)read_map_info(blob);
      break;
    case 2:
      (void)read_event_map_info(blob);
      break;
    case 3:
      (void)read_provider_field_info(blob, static_cast<provider_field>((which / 5) % 5));
      break;
    case 4:
      (void)read_provider_event_info(blob);
      break;
  }
  return 0;
}
