// Tests for cmd/progress.h: when the line shows, what it says, how it is drawn and erased, and
// the input size it measures against (real captures).
#include "cmd/progress.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "lib/base/diagnostics.h"
#include "lib/etl/merged_reader.h"
#include "tests/support/corpus.h"

using namespace etwcat::cmd;

namespace {

progress_conditions large_on_terminal() {
  progress_conditions c;
  c.stderr_is_terminal = true;
  c.input_bytes = 60'000'000;
  return c;
}

// Everything written to `file` so far.
std::string contents(std::FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::string text(1 << 16, '\0');
  text.resize(std::fread(text.data(), 1, text.size(), file));
  return text;
}

}  // namespace

TEST_CASE("progress: shown for a large input on a terminal's stderr, and only then") {
  CHECK(progress_wanted(large_on_terminal()));
  progress_conditions c = large_on_terminal();
  c.stderr_is_terminal = false;  // 2>log
  CHECK_FALSE(progress_wanted(c));
  c = large_on_terminal();
  c.quiet = true;
  CHECK_FALSE(progress_wanted(c));
  c = large_on_terminal();
  c.events_on_same_terminal = true;  // the events scroll there
  CHECK_FALSE(progress_wanted(c));
  c = large_on_terminal();
  c.input_bytes = 49'999'999;
  CHECK_FALSE(progress_wanted(c));
  c.input_bytes = 50'000'000;
  CHECK(progress_wanted(c));
  c.input_bytes = 4'000;
  c.min_bytes = 4'000;  // the testing knob
  CHECK(progress_wanted(c));
}

TEST_CASE("progress: the threshold is 50 MB unless ETWCAT_PROGRESS_MIN_BYTES is a number") {
#if !defined(_WIN32)
  const char* old = std::getenv("ETWCAT_PROGRESS_MIN_BYTES");
  const std::string saved = old ? old : "";
  unsetenv("ETWCAT_PROGRESS_MIN_BYTES");
  CHECK(progress_min_bytes() == 50'000'000);
  setenv("ETWCAT_PROGRESS_MIN_BYTES", "1234", 1);
  CHECK(progress_min_bytes() == 1234);
  setenv("ETWCAT_PROGRESS_MIN_BYTES", "12k", 1);
  CHECK(progress_min_bytes() == 50'000'000);
  setenv("ETWCAT_PROGRESS_MIN_BYTES", "", 1);
  CHECK(progress_min_bytes() == 50'000'000);
  old ? setenv("ETWCAT_PROGRESS_MIN_BYTES", saved.c_str(), 1)
      : unsetenv("ETWCAT_PROGRESS_MIN_BYTES");
#endif
}

TEST_CASE("progress: the line says bytes of the total, events, rate and time left") {
  progress_numbers n;
  n.bytes_read = 123'456'789;
  n.bytes_total = 512'000'000;
  n.events = 1'234'567;
  n.seconds = 2.5;
  // 493,826.8 events/s; 388.5 MB left at 49.4 MB/s: 7.9 s.
  CHECK(format_progress(n) == "etwcat: 123.5/512.0 MB 24%, 1,234,567 events, 493,826/s, 0:08 left");
  n.bytes_total = 75'000'000'000;
  n.bytes_read = 1'000'000'000;
  n.seconds = 60;
  CHECK(format_progress(n) == "etwcat: 1.0/75.0 GB 1%, 1,234,567 events, 20,576/s, 1:14:00 left");
  n.seconds = 0;  // no rate, no time left yet
  CHECK(format_progress(n) == "etwcat: 1.0/75.0 GB 1%, 1,234,567 events");
  n = {.bytes_read = 40'000, .bytes_total = 40'000, .events = 7, .seconds = 1};
  CHECK(format_progress(n) == "etwcat: 40.0/40.0 KB 100%, 7 events, 7/s");  // done: no time left
  n = {.bytes_read = 10, .bytes_total = 0, .events = 0, .seconds = 0};      // size unknown
  CHECK(format_progress(n) == "etwcat: 10/0 bytes, 0 events");
}

TEST_CASE("progress: drawn in place after the interval, padded, erased, silent when off") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  {
    progress_line off(file, 1'000'000, false);
    for (std::uint64_t i = 0; i < 3 * progress_line::check_every; ++i) {
      off.tick([] { return std::uint64_t{0}; });
    }
  }
  CHECK(contents(file).empty());

  progress_line line(file, 1'000'000, true);
  int looks = 0;
  std::uint64_t bytes = 500'000;
  auto read = [&] {
    ++looks;
    return bytes;
  };
  for (std::uint64_t i = 0; i + 1 < progress_line::check_every; ++i) line.tick(read);
  CHECK(looks == 0);  // the clock and the reader are looked at every check_every events only
  line.tick(read);
  CHECK(looks == 1);
  CHECK(contents(file).empty());  // before the first interval: nothing
  std::this_thread::sleep_for(progress_line::interval + std::chrono::milliseconds(20));
  for (std::uint64_t i = 0; i < progress_line::check_every; ++i) line.tick(read);
  const std::string first = contents(file);
  CHECK(first.starts_with("\retwcat: 0.5/1.0 MB 50%, 8,192 events, "));
  CHECK(first.find('\n') == std::string::npos);
  std::this_thread::sleep_for(progress_line::interval + std::chrono::milliseconds(20));
  bytes = 1'000'000;  // the end: "left" goes, so the line gets shorter and is padded
  for (std::uint64_t i = 0; i < progress_line::check_every; ++i) line.tick(read);
  const std::string second = contents(file).substr(first.size());
  CHECK(second.starts_with("\retwcat: 1.0/1.0 MB 100%, 12,288 events, "));
  CHECK(second.size() == first.size());  // padded with spaces over the old text
  line.clear();
  const std::string erased = contents(file).substr(first.size() + second.size());
  const std::size_t shown = second.find_last_not_of(' ');  // the text, after its '\r'
  CHECK(erased == "\r" + std::string(shown, ' ') + "\r");
  line.clear();  // twice: nothing more
  for (std::uint64_t i = 0; i < 2 * progress_line::check_every; ++i) line.tick(read);
  CHECK(contents(file).size() == first.size() + second.size() + erased.size());
  std::fclose(file);
}

TEST_SUITE("corpus") {
  TEST_CASE("progress: the input size, and the bytes read reaching it, on real captures") {
    ETWCAT_REQUIRE_CORPUS();
    const auto x64 = etwcat::testing::corpus_file("perfview/net.4.5.2.x64.etl");
    const auto http = etwcat::testing::corpus_file("tx/HTTP_Server.etl");
    const std::vector<std::string> names = {x64.string(), http.string(), "/nonexistent/x.etl"};
    CHECK(input_size(names) == 4'879'401 + std::filesystem::file_size(http));

    etwcat::diagnostics diags;
    const std::filesystem::path paths[] = {x64};
    auto trace = etwcat::etl::merged_reader::open(paths, diags);
    etwcat::etl::record_view r;
    std::uint64_t records = 0;
    std::uint64_t last = 0;
    bool monotonic = true;
    std::uint64_t halfway = 0;  // bytes read after half the records
    while (trace.next(r)) {
      const std::uint64_t now = trace.bytes_read();
      monotonic = monotonic && now >= last;
      last = now;
      if (++records == 90'000) halfway = now;
    }
    CHECK(monotonic);
    CHECK(last == 4'879'401);  // all of it, at the end
    // Half the records in, about half the file: the processors' streams move together.
    CHECK(halfway > 4'879'401 / 4);
    CHECK(halfway < 4'879'401 * 3 / 4);
  }
}
