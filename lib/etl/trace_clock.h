// trace_clock: turns raw session-clock timestamps (QPC, system time or CPU cycles) into UTC
// FILETIMEs, anchored at the log-file header record. Spec: docs/etl-format.md §3.
#pragma once

#include <cstdint>

#include "lib/etl/logfile_header.h"

namespace etwcat::etl {

/// FILETIME(ts) = StartTime + (ts - T0) * 10^7 / F, with T0 the header record's timestamp and
/// F the clock's ticks per second. Exact for any 64-bit delta (no intermediate overflow), and
/// signed: merged files hold events from before the header.
///
///   trace_clock clock(reader.header());
///   std::uint64_t filetime = clock.filetime(record.timestamp());
class trace_clock {
 public:
  /// The identity clock: raw timestamps already are FILETIMEs (real-time sessions that use
  /// system time, tests).
  trace_clock() = default;

  /// The clock of one file (or of the first file of a merged set: only its header anchors).
  explicit trace_clock(const logfile_header& header) noexcept;

  /// The same formula from its three facts; `ticks_per_second` 0 means 10 MHz.
  trace_clock(std::uint64_t start_filetime, std::uint64_t start_timestamp,
              std::uint64_t ticks_per_second) noexcept;

  /// The UTC FILETIME of a raw timestamp; clamped to 0 (1601) rather than wrapping.
  std::uint64_t filetime(std::uint64_t raw_timestamp) const noexcept;

  /// Converts a signed tick count of this clock to 100 ns units (truncated toward zero).
  std::int64_t to_100ns(std::int64_t ticks) const noexcept;

  std::uint64_t start_filetime() const noexcept { return start_filetime_; }
  std::uint64_t start_timestamp() const noexcept { return start_timestamp_; }
  std::uint64_t ticks_per_second() const noexcept { return ticks_per_second_; }

 private:
  std::uint64_t start_filetime_ = 0;
  std::uint64_t start_timestamp_ = 0;
  std::uint64_t ticks_per_second_ = 10'000'000;
};

/// The ticks per second of a file's clock, from TLH ClockType (ReservedFlags): 1 QPC →
/// PerfFreq, 2 system time → 10^7, 3 CPU cycles → CpuSpeedInMHz · 10^6 (approximate). An
/// unknown type, or a zero frequency, falls back to 10^7.
std::uint64_t clock_ticks_per_second(const logfile_header& header) noexcept;

}  // namespace etwcat::etl
