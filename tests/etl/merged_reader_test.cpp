// Tests for lib/etl/merged_reader.h on real captures: every record once, in time order,
// equal times in file order; the Tx first event; the four diaghub files as one trace.
#include "lib/etl/merged_reader.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include "tests/support/corpus.h"
#include "tests/support/etl_builder.h"

using namespace etwcat::etl;
using etwcat::diagnostics;
using etwcat::testing::corpus_dir;
using etwcat::testing::corpus_file;
using etwcat::testing::guid_of;

namespace {

struct merge_walk {
  std::uint64_t records = 0;
  std::uint64_t out_of_order = 0;   // later record with an earlier time
  std::uint64_t unstable = 0;       // equal times not in file order
  std::uint64_t headers_first = 0;  // header records before any other record
};

merge_walk walk_merged(const std::vector<std::filesystem::path>& paths, diagnostics& diags) {
  merged_reader trace = merged_reader::open(paths, diags);
  merge_walk out;
  record_view r;
  std::uint64_t last_time = 0;
  std::tuple<std::size_t, std::uint64_t, std::uint32_t> last_place{};
  bool in_headers = true;
  while (trace.next(r)) {
    ++out.records;
    const bool is_header = r.buffer_index() == 0 && r.origin().offset_in_buffer == 0x48;
    if (in_headers && is_header) {
      ++out.headers_first;
      continue;
    }
    in_headers = false;
    if (!r.has_timestamp()) continue;
    const std::uint64_t time = trace.clock(trace.file()).filetime(r.timestamp());
    const auto place = std::tuple(trace.file(), r.buffer_index(), r.origin().offset_in_buffer);
    if (time < last_time) ++out.out_of_order;
    if (time == last_time && place < last_place) ++out.unstable;
    last_time = time;
    last_place = place;
  }
  return out;
}

std::uint64_t file_order_count(const std::filesystem::path& path) {
  diagnostics diags;
  auto reader = file_reader::open(path, diags);
  REQUIRE(reader.ok());
  record_view r;
  std::uint64_t n = 0;
  while (reader.value().next(r)) ++n;
  return n;
}

}  // namespace

TEST_SUITE("corpus") {
  TEST_CASE("merged_reader: every corpus file, every record once, in time order") {
    ETWCAT_REQUIRE_CORPUS();
    int files = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(corpus_dir())) {
      if (entry.path().extension() != ".etl" || entry.file_size() == 0) continue;
      CAPTURE(entry.path().string());
      diagnostics diags;
      const merge_walk got = walk_merged({entry.path()}, diags);
      CHECK(got.records == file_order_count(entry.path()));
      CHECK(got.headers_first == 1);
      CHECK(got.out_of_order == 0);
      CHECK(got.unstable == 0);
      CHECK(diags.empty());
      ++files;
    }
    CHECK(files == 33);
  }

  TEST_CASE("merged_reader: the first event of tx/HTTP_Server.etl after the header is Tx's") {
    ETWCAT_REQUIRE_CORPUS();
    diagnostics diags;
    const std::vector<std::filesystem::path> paths{corpus_file("tx/HTTP_Server.etl")};
    merged_reader trace = merged_reader::open(paths, diags);
    record_view r;
    REQUIRE(trace.next(r));
    CHECK(r.kind() == header_kind::system64);
    REQUIRE(trace.next(r));
    CHECK(r.provider_guid() == guid_of("dd5ef90a-6398-47a4-ad34-4dcecdef795f"));
    CHECK(r.event_id() == 21);
    CHECK(r.processor_time() == 677443);
    CHECK(r.activity_id() == guid_of("00000100-0000-0003-193d-42fb30bbcb01"));
    CHECK(r.processor_index() == 3);
  }

  TEST_CASE("merged_reader: the four perfview/diaghub files read as one trace") {
    ETWCAT_REQUIRE_CORPUS();
    const std::vector<std::filesystem::path> paths{
        corpus_file("perfview/diaghub/diaghub.etl"),
        corpus_file("perfview/diaghub/diaghub.kernel.1.etl"),
        corpus_file("perfview/diaghub/diaghub.user_paged.1.etl"),
        corpus_file("perfview/diaghub/diaghub.user_injected.1.etl")};
    diagnostics diags;
    const merge_walk got = walk_merged(paths, diags);
    CHECK(got.records == 100753);  // SOURCES.txt: 62,379 + 16,335 + 22,035 + 4
    CHECK(got.headers_first == 4);
    CHECK(got.out_of_order == 0);
    CHECK(got.unstable == 0);
    CHECK(diags.empty());
  }
}

TEST_SUITE("corpus") {
  TEST_CASE("merged_reader: a file that cannot be opened is reported, the others still read") {
    ETWCAT_REQUIRE_CORPUS();
    diagnostics diags;
    const std::vector<std::filesystem::path> paths{"no-such-file.etl",
                                                   corpus_file("etwanalyzer/EmptyETL.etl"),
                                                   corpus_file("tx/HTTP_Server.etl")};
    merged_reader trace = merged_reader::open(paths, diags);
    CHECK_FALSE(trace.opened(0));
    CHECK_FALSE(trace.opened(1));
    CHECK(trace.opened(2));
    record_view r;
    std::uint64_t records = 0;
    while (trace.next(r)) {
      CHECK(trace.file() == 2);
      ++records;
    }
    CHECK(records == 2042);
    REQUIRE(diags.count() == 2);
#ifndef _WIN32
    CHECK(etwcat::format(diags.items()[0]) == "no-such-file.etl: No such file or directory");
#endif
    CHECK(diags.items()[0].whole_file);
    CHECK(etwcat::format(diags.items()[1])
              .find("EmptyETL.etl: offset 0x0: empty file (0 bytes), "
                    "not an ETL file") != std::string::npos);
  }

#ifdef __linux__
  TEST_CASE("merged_reader: the processors' streams of a file share its one open file") {
    ETWCAT_REQUIRE_CORPUS();
    auto open_files = [] {
      std::size_t n = 0;
      for ([[maybe_unused]] const auto& fd : std::filesystem::directory_iterator("/proc/self/fd")) {
        ++n;
      }
      return n;
    };
    const std::size_t before = open_files();
    diagnostics diags;
    const std::filesystem::path paths[] = {corpus_file("perfview/net.4.5.2.x64.etl")};
    merged_reader trace = merged_reader::open(paths, diags);
    REQUIRE(trace.opened(0));
    CHECK(trace.header(0).number_of_processors == 8);
    CHECK(open_files() == before + 1);  // not one per processor
    record_view r;
    std::uint64_t records = 0;
    while (trace.next(r)) ++records;
    CHECK(records == 179474);
    CHECK(diags.empty());
  }
#endif
}
