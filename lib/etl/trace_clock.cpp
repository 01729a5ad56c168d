// trace_clock: the §3 formula, with the scaling done on the delta's magnitude so that neither
// `delta * 10^7` nor a negative delta can overflow or round the wrong way.
#include "lib/etl/trace_clock.h"

#include <cstdint>

namespace etwcat::etl {
namespace {

#if defined(__SIZEOF_INT128__)
// GCC and Clang (mingw-w64 included) have it; __extension__ keeps -Wpedantic quiet.
__extension__ typedef unsigned __int128 uint128;
#endif

constexpr std::uint64_t filetime_ticks_per_second = 10'000'000;

// |ticks| * 10^7 / per_second, without overflow for any 64-bit tick count. Saturates at
// UINT64_MAX, which only absurd frequencies (< 1 Hz) could reach.
std::uint64_t scale_magnitude(std::uint64_t ticks, std::uint64_t per_second) noexcept {
  if (per_second == filetime_ticks_per_second) return ticks;
#if defined(__SIZEOF_INT128__)
  const uint128 product = static_cast<uint128>(ticks) * filetime_ticks_per_second;
  const uint128 result = product / per_second;
  return result > UINT64_MAX ? UINT64_MAX : static_cast<std::uint64_t>(result);
#else
  // q·F + r ticks → q·10^7 + r·10^7/F; r < F, so r·10^7 fits unless F > 1.8·10^12 Hz.
  const std::uint64_t q = ticks / per_second;
  const std::uint64_t r = ticks % per_second;
  if (q > UINT64_MAX / filetime_ticks_per_second) return UINT64_MAX;
  return q * filetime_ticks_per_second + r * filetime_ticks_per_second / per_second;
#endif
}

}  // namespace

std::uint64_t clock_ticks_per_second(const logfile_header& header) noexcept {
  std::uint64_t per_second = 0;
  switch (header.clock_type) {
    case 1:
      per_second = header.perf_freq;
      break;  // QPC
    case 2:
      per_second = filetime_ticks_per_second;
      break;  // system time
    case 3:
      per_second = std::uint64_t{header.cpu_speed_mhz} * 1'000'000;
      break;  // cycles
    default:
      per_second = header.perf_freq;
      break;  // 0 "raw": QPC is what writers use
  }
  return per_second != 0 ? per_second : filetime_ticks_per_second;
}

trace_clock::trace_clock(const logfile_header& header) noexcept
    : trace_clock(header.start_time, header.start_timestamp, clock_ticks_per_second(header)) {}

trace_clock::trace_clock(std::uint64_t start_filetime, std::uint64_t start_timestamp,
                         std::uint64_t ticks_per_second) noexcept
    : start_filetime_(start_filetime),
      start_timestamp_(start_timestamp),
      ticks_per_second_(ticks_per_second != 0 ? ticks_per_second : filetime_ticks_per_second) {}

std::uint64_t trace_clock::filetime(std::uint64_t raw_timestamp) const noexcept {
  // Unsigned subtraction in the right direction gives the exact magnitude of the delta even
  // when it does not fit an int64.
  if (raw_timestamp >= start_timestamp_) {
    const std::uint64_t after =
        scale_magnitude(raw_timestamp - start_timestamp_, ticks_per_second_);
    return after > UINT64_MAX - start_filetime_ ? UINT64_MAX : start_filetime_ + after;
  }
  const std::uint64_t before = scale_magnitude(start_timestamp_ - raw_timestamp, ticks_per_second_);
  return before > start_filetime_ ? 0 : start_filetime_ - before;
}

std::int64_t trace_clock::to_100ns(std::int64_t ticks) const noexcept {
  const std::uint64_t magnitude =
      ticks < 0 ? 0 - static_cast<std::uint64_t>(ticks) : static_cast<std::uint64_t>(ticks);
  const std::uint64_t scaled = scale_magnitude(magnitude, ticks_per_second_);
  const std::uint64_t limit = static_cast<std::uint64_t>(INT64_MAX);
  const std::int64_t clamped = static_cast<std::int64_t>(scaled > limit ? limit : scaled);
  return ticks < 0 ? -clamped : clamped;
}

}  // namespace etwcat::etl
