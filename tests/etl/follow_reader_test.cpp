// follow_reader: a capture copied into a growing file, in pieces that cut buffers in half, is
// read record for record as the whole file is, while it grows.
#include "lib/etl/follow_reader.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "lib/base/input_file.h"
#include "tests/support/corpus.h"
#include "tests/support/scratch.h"

using namespace etwcat;

namespace {

// Each record as (file offset, size): what identifies it in file order.
std::vector<std::pair<std::uint64_t, std::size_t>> records_of(etl::file_reader& reader) {
  std::vector<std::pair<std::uint64_t, std::size_t>> out;
  etl::record_view r;
  while (reader.next(r)) out.emplace_back(r.origin().file_offset, r.bytes().size());
  return out;
}

}  // namespace

TEST_SUITE("corpus") {
  TEST_CASE("follow_reader: reads a capture while it is being written, in pieces") {
    ETWCAT_REQUIRE_CORPUS();
    for (const char* name : {"tx/HTTP_Server.etl", "perfview/net.4.5.2.x64.etl"}) {
      CAPTURE(name);
      const std::string whole = read_whole_file(testing::corpus_file(name)).value();
      diagnostics all_diags;
      auto all = etl::file_reader::open(testing::corpus_file(name), all_diags);
      REQUIRE(all.ok());
      const auto want = records_of(all.value());

      testing::scratch_folder folder;
      const auto path = folder.path() / "growing.etl";
      { std::ofstream create(path, std::ios::binary); }  // the session creates it empty
      std::atomic<bool> written{false};
      std::thread writer([&] {
        std::ofstream out(path, std::ios::binary | std::ios::app);
        // 40,000 bytes at a time: buffers (64 KB and others) arrive in halves and thirds.
        for (std::size_t at = 0; at < whole.size(); at += 40'000) {
          out.write(whole.data() + at,
                    static_cast<std::streamsize>(std::min<std::size_t>(40'000, whole.size() - at)));
          out.flush();
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        written = true;
      });
      auto file = input_file::open(path);
      REQUIRE(file.ok());
      diagnostics diags;
      int idle_after_end = 0;
      // Waits while the writer writes, then one more look after it is done.
      auto keep_waiting = [&] { return !written.load() || idle_after_end++ < 1; };
      auto reader =
          etl::follow_reader::open(file.value(), diags, keep_waiting, std::chrono::milliseconds(1));
      REQUIRE(reader.ok());
      std::vector<std::pair<std::uint64_t, std::size_t>> got;
      etl::record_view r;
      while (reader.value().next(r)) got.emplace_back(r.origin().file_offset, r.bytes().size());
      writer.join();
      CHECK(diags.empty());  // a half-written buffer is not damage
      CHECK(got.size() == want.size());
      CHECK(got == want);
    }
  }

  TEST_CASE("follow_reader: gives up on a file that never gets a buffer, and refuses non-ETL") {
    ETWCAT_REQUIRE_CORPUS();
    testing::scratch_folder folder;
    const auto empty = folder.path() / "empty.etl";
    { std::ofstream create(empty, std::ios::binary); }
    diagnostics diags;
    int looks = 0;
    auto opened = etl::follow_reader::open(
        input_file::open(empty).value(), diags, [&] { return ++looks < 3; },
        std::chrono::milliseconds(1));
    REQUIRE_FALSE(opened.ok());
    CHECK(opened.failure().message.rfind("no complete buffer was written", 0) == 0);
    CHECK(looks == 3);
    const auto text = folder.path() / "text.etl";
    {
      std::ofstream out(text, std::ios::binary);
      out << std::string(70'000, 'x');
    }
    auto refused = etl::follow_reader::open(
        input_file::open(text).value(), diags, [] { return true; }, std::chrono::milliseconds(1));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.failure().message.rfind("not an ETL file", 0) == 0);
  }
}
