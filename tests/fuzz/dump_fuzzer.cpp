// Fuzz target: the whole of `etwcat dump` on arbitrary bytes as an .etl file — the reader
// (buffers, compression, records), every decoder with the built-in schemas, process
// attribution, and the JSON-lines and text writers into memory.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "formats/event_writer.h"
#include "formats/jsonl_writer.h"
#include "formats/text_writer.h"
#include "lib/base/diagnostics.h"
#include "lib/decode/decoder.h"
#include "lib/etl/merged_reader.h"
#include "lib/trace/pipeline.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace etwcat;
  static fuzzing::input_on_disk input;
  // The writers' output is thrown away once formatted: only the formatting is under test.
  static std::FILE* const nowhere = std::fopen("/dev/null", "wb");
  if (nowhere == nullptr || !input.hold(data, size)) return 0;

  diagnostics diags;
  const std::vector<std::filesystem::path> paths{input.path()};
  auto trace = etl::merged_reader::open(paths, diags);
  formats::trace_info info;
  for (std::size_t f = 0; f < trace.file_count(); ++f) {
    if (trace.opened(f)) {
      info.sources.push_back(formats::describe_source(trace.header(f), "fuzz.etl", 0));
    }
  }
  formats::output_sink json_sink(nowhere, 1 << 16);
  formats::output_sink text_sink(nowhere, 1 << 16);
  formats::jsonl_writer json(json_sink);
  formats::text_writer text(text_sink, formats::color_mode::always);
  json.begin(info);
  text.begin(info);
  decode::decoder decoder;
  trace::pipeline events(decoder);
  const trace::counts done = events.run(trace, [&](const event& e) {
    json.write(e);
    text.write(e);
    return true;
  });
  formats::summary totals;
  totals.records_read = done.records_read;
  totals.events_written = done.events_written;
  totals.decode_errors = done.decode_errors;
  totals.diagnostics = diags.count();
  totals.processes = &events.processes().processes();
  json.finish(totals);
  text.finish(totals);
  for (const auto& d : diags.items()) (void)format(d);
  return 0;
}
