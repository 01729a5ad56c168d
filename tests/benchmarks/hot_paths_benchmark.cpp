// Micro-benchmarks of the per-event path, on real captures held in memory (Google Benchmark;
// built with -DETWCAT_BENCHMARKS=ON, run build/tests/benchmarks/etwcat_benchmarks). Each
// reports items (records, events or calls) per second; the decode benchmarks run with warm
// schema caches, as a long dump does after its first events.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "formats/event_writer.h"
#include "formats/json.h"
#include "formats/jsonl_writer.h"
#include "formats/text_writer.h"
#include "lib/base/diagnostics.h"
#include "lib/base/guid.h"
#include "lib/base/text_buffer.h"
#include "lib/base/time_format.h"
#include "lib/base/unicode.h"
#include "lib/decode/decoder.h"
#include "lib/etl/file_reader.h"
#include "lib/etl/layout.h"
#include "lib/etl/xpress.h"
#include "lib/event/record_event.h"

using namespace etwcat;

namespace {

// A capture of $ETWCAT_CORPUS, else of ../shared/corpus beside the source tree.
std::filesystem::path corpus_file(const char* relative) {
  const char* env = std::getenv("ETWCAT_CORPUS");
  const std::filesystem::path dir =
      env != nullptr && *env != 0
          ? std::filesystem::path(env)
          : std::filesystem::path(ETWCAT_SOURCE_DIR) / ".." / "shared" / "corpus";
  return dir / relative;
}

// The records of a capture, copied out of its buffers, with views that stay valid.
struct held_trace {
  std::vector<std::vector<std::byte>> bytes;
  std::vector<etl::record_view> records;
  etl::trace_clock clock;
  std::vector<std::vector<std::byte>> compressed;  // packed streams, with their unpacked size
  std::vector<std::size_t> unpacked_sizes;
};

const held_trace& held(const char* relative) {
  static std::vector<std::pair<std::string, std::unique_ptr<held_trace>>> cache;
  for (const auto& [name, trace] : cache) {
    if (name == relative) return *trace;
  }
  auto trace = std::make_unique<held_trace>();
  const auto path = corpus_file(relative);
  diagnostics diags;
  auto reader = etl::file_reader::open(path, diags);
  if (!reader) {
    std::fprintf(stderr, "benchmark: cannot read %s\n", path.string().c_str());
    std::exit(2);
  }
  trace->clock = etl::trace_clock(reader.value().header());
  etl::record_view r;
  while (reader.value().next(r)) {
    trace->bytes.emplace_back(r.bytes().begin(), r.bytes().end());
    etl::record_view copy;
    (void)copy.parse(trace->bytes.back(), r.origin(), r.pointer_size());
    trace->records.push_back(copy);
  }
  cache.emplace_back(relative, std::move(trace));
  return *cache.back().second;
}

std::FILE* nowhere() {
  static std::FILE* const f = std::fopen("/dev/null", "wb");
  return f;
}

void read_file(benchmark::State& state, const char* relative) {
  const auto path = corpus_file(relative);
  std::uint64_t records = 0;
  for (auto _ : state) {
    diagnostics diags;
    auto reader = etl::file_reader::open(path, diags);
    etl::record_view r;
    while (reader.value().next(r)) ++records;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(records));
}

void xpress(benchmark::State& state) {
  // The compressed buffers of a capture, taken from the file as they are on disk.
  const auto path = corpus_file("perfview/net.4.5.2.x64.etl");
  std::FILE* f = std::fopen(path.string().c_str(), "rb");
  std::vector<std::byte> file;
  for (int c; (c = std::fgetc(f)) != EOF;) file.push_back(static_cast<std::byte>(c));
  std::fclose(f);
  std::vector<std::span<const std::byte>> streams;
  std::size_t most = 0;
  for (std::size_t at = 0; at + etl::buffer_header_size <= file.size();) {
    etl::wmi_buffer_header h{};
    (void)read_at(std::span<const std::byte>(file), at, h);
    if (h.buffer_size < etl::buffer_header_size || at + h.buffer_size > file.size()) break;
    if (h.buffer_flag & etl::buffer_flag::compressed) {
      streams.push_back(std::span<const std::byte>(file).subspan(
          at + etl::buffer_header_size, h.buffer_size - etl::buffer_header_size));
      most = std::max<std::size_t>(most, h.offset);
    }
    at += h.buffer_size;
  }
  std::vector<std::byte> out(most);
  std::int64_t produced = 0;
  for (auto _ : state) {
    for (const auto& in : streams) {
      auto n = etl::xpress_decompress(in, out);
      produced += static_cast<std::int64_t>(n ? n.value() : 0);
    }
  }
  state.SetBytesProcessed(produced);
}

// Header fields and payload decoding of every record (schemas cached after the first pass).
void decode_events(benchmark::State& state, const char* relative) {
  const held_trace& t = held(relative);
  decode::decoder decoder;
  event e;
  for (auto _ : state) {
    for (const auto& r : t.records) {
      fill_event(r, t.clock, e);
      decoder.decode(r, e);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * t.records.size()));
}

// The same, then each event written by a writer into a sink that throws the text away.
template <class Writer>
void decode_and_write(benchmark::State& state, const char* relative) {
  const held_trace& t = held(relative);
  decode::decoder decoder;
  event e;
  formats::output_sink sink(nowhere());
  Writer writer(sink);
  writer.begin(formats::trace_info{});
  for (auto _ : state) {
    for (const auto& r : t.records) {
      fill_event(r, t.clock, e);
      decoder.decode(r, e);
      writer.write(e);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * t.records.size()));
}

void decode_and_jsonl(benchmark::State& state, const char* relative) {
  decode_and_write<formats::jsonl_writer>(state, relative);
}
void decode_and_text(benchmark::State& state, const char* relative) {
  decode_and_write<formats::text_writer>(state, relative);
}

void utf16_to_json(benchmark::State& state) {
  // A typical path: ASCII, a backslash to escape every few characters.
  const std::u16string path = u"\\Device\\HarddiskVolume3\\Windows\\System32\\ntdll.dll";
  std::string utf8;
  text_buffer out;
  for (auto _ : state) {
    utf8.clear();
    out.clear();
    append_utf16_as_utf8(utf8, path);
    formats::append_json_string(out, utf8);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}

void format_guid(benchmark::State& state) {
  const guid g = *guid::parse("{DD5EF90A-6398-47A4-AD34-4DCECDEF795F}");
  std::array<char, 38> out{};
  for (auto _ : state) {
    g.format_to(out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}

void format_time(benchmark::State& state) {
  std::array<char, rfc3339_length> out{};
  std::uint64_t t = 129402940472257591;
  for (auto _ : state) {
    benchmark::DoNotOptimize(format_rfc3339(t++, out).data());
  }
  state.SetItemsProcessed(state.iterations());
}

void format_integer(benchmark::State& state) {
  text_buffer out;
  std::uint64_t v = 1234567;
  for (auto _ : state) {
    out.clear();
    formats::append_number(out, v += 7919);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK_CAPTURE(read_file, kernel_and_clr_32bit, "perfview/net.4.5.x86.etl");
BENCHMARK_CAPTURE(read_file, compressed_64bit, "perfview/net.4.5.2.x64.etl");
BENCHMARK(xpress);
BENCHMARK_CAPTURE(decode_events, kernel_and_clr_tdh_metadata, "perfview/net.4.5.x86.etl");
BENCHMARK_CAPTURE(decode_events, manifest_builtin, "tx/HTTP_Server.etl");
BENCHMARK_CAPTURE(decode_events, tracelogging_diaghub, "perfview/diaghub/diaghub.user_paged.1.etl");
BENCHMARK_CAPTURE(decode_and_jsonl, kernel_and_clr, "perfview/net.4.5.x86.etl");
BENCHMARK_CAPTURE(decode_and_text, kernel_and_clr, "perfview/net.4.5.x86.etl");
BENCHMARK(utf16_to_json);
BENCHMARK(format_guid);
BENCHMARK(format_time);
BENCHMARK(format_integer);

BENCHMARK_MAIN();
