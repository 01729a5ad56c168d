// pipeline::run_on_two_threads gives the sink what run() gives it, in the same order: every
// corpus capture written as JSON lines both ways, byte for byte. Events are held in batches
// long after the reader has moved on, so a view left pointing into a reused buffer or a
// schema shows as a difference here (and under ASan as a use after free).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "formats/jsonl_writer.h"
#include "formats/text_writer.h"
#include "lib/base/diagnostics.h"
#include "lib/base/text_buffer.h"
#include "lib/decode/decoder.h"
#include "lib/etl/merged_reader.h"
#include "lib/trace/pipeline.h"
#include "tests/support/corpus.h"

using namespace etwcat;

namespace {

std::vector<std::filesystem::path> corpus_captures() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(testing::corpus_dir())) {
    if (entry.is_regular_file() && entry.path().extension() == ".etl") files.push_back(entry);
  }
  std::sort(files.begin(), files.end());
  return files;
}

struct written {
  text_buffer text;
  trace::counts counts;
  std::uint64_t processes = 0;
};

// The capture as JSON lines and as text (UTC), through one or two threads.
written write(const std::filesystem::path& file, bool two_threads, std::uint64_t limit = 0) {
  diagnostics diags;
  const std::filesystem::path paths[] = {file};
  auto reader = etl::merged_reader::open(paths, diags);
  decode::decoder decoder;
  trace::pipeline events(decoder);
  events.skip_and_limit(0, limit);
  written out;
  formats::text_options text{.color = formats::color_mode::never, .utc = true};
  auto sink = [&](const event& e) {
    formats::append_event_json(out.text, e);
    out.text.push_back('\n');
    formats::append_event_text(out.text, e, text);
    out.text.push_back('\n');
    return true;
  };
  std::uint64_t beside = 0;
  out.counts = two_threads ? events.run_on_two_threads(reader, sink, [&] { ++beside; })
                           : events.run(reader, sink);
  if (two_threads) CHECK(beside == out.counts.events_written);
  out.processes = events.processes().processes().size();
  return out;
}

// A source of records that fails part-way, as a reader may (out of memory).
struct failing_source {
  etl::merged_reader& reader;
  std::uint64_t left;
  bool next(etl::record_view& r) {
    if (left-- == 0) throw std::runtime_error("the source failed");
    return reader.next(r);
  }
  const etl::trace_clock& current_clock() { return reader.current_clock(); }
  std::uint16_t current_source() { return reader.current_source(); }
};

}  // namespace

TEST_SUITE("corpus") {
  TEST_CASE("pipeline: two threads write every corpus capture exactly as one does") {
    ETWCAT_REQUIRE_CORPUS();
    const auto files = corpus_captures();
    CHECK(files.size() >= 30);
    std::uint64_t events = 0;
    for (const auto& file : files) {
      const std::string name = file.filename().string();
      CAPTURE(name);
      const written one = write(file, false);
      const written two = write(file, true);
      CHECK(one.text.size() == two.text.size());
      CHECK(one.text.view() == two.text.view());
      CHECK(one.counts.records_read == two.counts.records_read);
      CHECK(one.counts.events_written == two.counts.events_written);
      CHECK(one.counts.decode_errors == two.counts.decode_errors);
      CHECK(one.processes == two.processes);
      events += one.counts.events_written;
    }
    CHECK(events > 600'000);
  }

  TEST_CASE("pipeline: on two threads, a limit and a sink that stops end the run early") {
    ETWCAT_REQUIRE_CORPUS();
    const auto file = testing::corpus_file("perfview/net.4.5.x86.etl");
    // --limit: decided by the reader; the same first 1,000 events.
    const written one = write(file, false, 1000);
    const written two = write(file, true, 1000);
    CHECK(two.counts.events_written == 1000);
    CHECK(one.text.view() == two.text.view());

    // The output failed after 700 events: the run ends, and says 700 were written.
    diagnostics diags;
    const std::filesystem::path paths[] = {file};
    auto reader = etl::merged_reader::open(paths, diags);
    decode::decoder decoder;
    trace::pipeline events(decoder);
    std::uint64_t seen = 0;
    const trace::counts done = events.run_on_two_threads(
        reader, [&](const event&) { return ++seen < 700; }, [] {});
    CHECK(seen == 700);
    CHECK(done.events_written == 700);
    CHECK(done.records_read < 185'961);  // it did not read the whole file
  }

  TEST_CASE("pipeline: on two threads, an exception on either side ends the run and is thrown") {
    ETWCAT_REQUIRE_CORPUS();
    const std::filesystem::path paths[] = {testing::corpus_file("perfview/net.4.5.x86.etl")};
    decode::decoder decoder;
    {
      diagnostics diags;
      auto reader = etl::merged_reader::open(paths, diags);
      failing_source source{reader, 5000};
      trace::pipeline events(decoder);
      std::uint64_t seen = 0;
      CHECK_THROWS_WITH(events.run_on_two_threads(
                            source, [&](const event&) { return ++seen, true; }, [] {}),
                        "the source failed");
      CHECK(seen > 0);  // what was read before the failure was written
      CHECK(seen <= 5000);
    }
    {
      diagnostics diags;
      auto reader = etl::merged_reader::open(paths, diags);
      trace::pipeline events(decoder);
      std::uint64_t seen = 0;
      auto sink = [&](const event&) {
        if (++seen == 3000) throw std::runtime_error("the writer failed");
        return true;
      };
      CHECK_THROWS_WITH(events.run_on_two_threads(reader, sink, [] {}), "the writer failed");
      CHECK(seen == 3000);
    }
  }
}
