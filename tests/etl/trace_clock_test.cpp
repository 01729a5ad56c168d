// Tests for lib/etl/trace_clock.h: the etl-format.md §3 formula, its clock types, negative
// deltas and deltas whose product with 10^7 would overflow 64 bits.
#include "lib/etl/trace_clock.h"

#include <doctest/doctest.h>

using etwcat::etl::trace_clock;
using etwcat::etl::logfile_header;

namespace {

constexpr std::uint64_t start = 129'402'940'000'000'000;  // 2011-01-23, any FILETIME will do

logfile_header header_with(std::uint32_t clock_type, std::uint64_t perf_freq,
                           std::uint32_t cpu_mhz = 0) {
  logfile_header h;
  h.clock_type = clock_type;
  h.perf_freq = perf_freq;
  h.cpu_speed_mhz = cpu_mhz;
  h.start_time = start;
  h.start_timestamp = 5'000'000;
  return h;
}

}  // namespace

TEST_CASE("trace_clock: the header record itself is at StartTime") {
  const trace_clock clock(header_with(1, 1'818'300));
  CHECK(clock.filetime(5'000'000) == start);
}

TEST_CASE("trace_clock: QPC ticks scale by PerfFreq") {
  const trace_clock clock(header_with(1, 1'818'300));
  // One second of QPC ticks is 10^7 FILETIME ticks; half a tick's worth truncates.
  CHECK(clock.filetime(5'000'000 + 1'818'300) == start + 10'000'000);
  CHECK(clock.filetime(5'000'000 + 1) == start + 5);  // 10^7 / 1,818,300 = 5.49…
  CHECK(clock.ticks_per_second() == 1'818'300);
}

TEST_CASE("trace_clock: events before the header get earlier times") {
  const trace_clock clock(header_with(1, 1'818'300));
  CHECK(clock.filetime(5'000'000 - 1'818'300) == start - 10'000'000);
  CHECK(clock.filetime(5'000'000 - 1) == start - 5);
  CHECK(clock.to_100ns(-1'818'300) == -10'000'000);
  // Far before FILETIME 0: clamps instead of wrapping.
  const trace_clock early(1000, 0, 10'000'000);
  CHECK(early.filetime(0) == 1000);
  const trace_clock late(1000, 5000, 10'000'000);
  CHECK(late.filetime(0) == 0);
}

TEST_CASE("trace_clock: clock types 2 (system time) and 3 (CPU cycles)") {
  const trace_clock system_time(header_with(2, 1'818'300));
  CHECK(system_time.ticks_per_second() == 10'000'000);
  CHECK(system_time.filetime(5'000'123) == start + 123);
  const trace_clock cycles(header_with(3, 1'818'300, 3000));
  CHECK(cycles.ticks_per_second() == 3'000'000'000);
  CHECK(cycles.filetime(5'000'000 + 3'000'000'000) == start + 10'000'000);
}

TEST_CASE("trace_clock: a zero frequency falls back to 10 MHz") {
  CHECK(trace_clock(header_with(1, 0)).ticks_per_second() == 10'000'000);
  CHECK(trace_clock(header_with(3, 0, 0)).ticks_per_second() == 10'000'000);
  CHECK(trace_clock(header_with(0, 0)).ticks_per_second() == 10'000'000);
}

TEST_CASE("trace_clock: a 30-day delta at 3 GHz does not overflow") {
  // 30 days of 3 GHz cycles = 7.776e15 ticks; times 10^7 is 7.8e22, far past 2^64.
  const std::uint64_t delta = 30ull * 86'400 * 3'000'000'000;
  const trace_clock clock(start, 0, 3'000'000'000);
  CHECK(clock.filetime(delta) == start + 30ull * 86'400 * 10'000'000);
  CHECK(clock.filetime(delta + 299) == start + 30ull * 86'400 * 10'000'000 + 0);
  CHECK(clock.filetime(delta + 300) == start + 30ull * 86'400 * 10'000'000 + 1);
}

TEST_CASE("trace_clock: the default clock passes FILETIMEs through") {
  const trace_clock clock;
  CHECK(clock.filetime(129'402'940'472'257'591) == 129'402'940'472'257'591);
}
