// Fuzz target: one record as it sits in a buffer, decoded as TraceLogging — the record's
// header and extended items (record_view), the EVENT_SCHEMA_TL metadata and the payload it
// describes — then written as JSON.
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "formats/event_writer.h"
#include "formats/jsonl_writer.h"
#include "lib/decode/tracelogging/tracelogging.h"
#include "lib/etl/record_view.h"
#include "lib/etl/trace_clock.h"
#include "lib/event/record_event.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace etwcat;
  static std::FILE* const nowhere = std::fopen("/dev/null", "wb");
  if (nowhere == nullptr) return 0;
  const auto bytes = fuzzing::bytes_of(data, size);
  const etl::record_frame frame = etl::frame_record(bytes);
  if (frame.state != etl::record_frame::status::ok || frame.size > size) return 0;
  etl::record_view record;
  if (record.parse(bytes.first(frame.size), etl::record_origin{})) return 0;
  // A fresh decoder: its cache of schemas must not make one input depend on another.
  decode::tracelogging_decoder tl;
  event e;
  static const etl::trace_clock clock;
  fill_event(record, clock, e);
  if (!tl.decode(record, e)) return 0;
  formats::output_sink sink(nowhere, 1 << 16);
  formats::jsonl_writer json(sink);
  json.begin(formats::trace_info{});
  json.write(e);
  return 0;
}
