// logfile_header: the TRACE_LOGFILE_HEADER carried by the first record of an .etl file (session
// facts, clock, time zone, names). Spec: docs/etl-format.md §1.7 (layout) and §3 (T0).
#pragma once

#include <cstdint>
#include <string>

#include "lib/base/result.h"
#include "lib/etl/layout.h"
#include "lib/etl/record_view.h"

namespace etwcat::etl {

struct time_zone_info {   // TIME_ZONE_INFORMATION, names converted to UTF-8
  std::int32_t bias = 0;  // minutes; UTC = local time + bias
  std::string standard_name;
  system_time_fields standard_date{};
  std::int32_t standard_bias = 0;
  std::string daylight_name;
  system_time_fields daylight_date{};
  std::int32_t daylight_bias = 0;
};

/// The session facts from TRACE_LOGFILE_HEADER, in one form for 32- and 64-bit files.
struct logfile_header {
  std::uint8_t header_pointer_size = 8;  // 4 for the 32-bit TLH form (SYSTEM32 record), else 8
  std::uint32_t buffer_size = 0;         // the session's buffer size (buffer 0 may be smaller)
  std::uint8_t os_major = 0;             // Version byte 0
  std::uint8_t os_minor = 0;             // Version byte 1
  std::uint8_t format_major = 0;         // Version byte 2: log-format (1.5 Win7, 2.0 Win8+)
  std::uint8_t format_minor = 0;         // Version byte 3
  std::uint32_t version = 0;             // the four bytes above as one u32
  std::uint32_t provider_version = 0;    // ProviderVersion: the OS build number (7601, 19041 …)
  std::uint32_t number_of_processors = 0;
  std::uint64_t end_time = 0;           // FILETIME UTC
  std::uint32_t timer_resolution = 0;   // 100 ns units
  std::uint32_t maximum_file_size = 0;  // MB
  std::uint32_t log_file_mode = 0;      // log_file_mode:: bits
  std::uint32_t buffers_written = 0;    // = number of buffers in the file
  std::uint32_t start_buffers = 0;      // circular files: buffer with the earliest timestamp
  std::uint32_t pointer_size = 0;       // PointerSize as stored
  std::uint32_t events_lost = 0;
  std::uint32_t cpu_speed_mhz = 0;
  time_zone_info time_zone;
  std::uint64_t boot_time = 0;   // FILETIME
  std::uint64_t perf_freq = 0;   // QPC ticks per second
  std::uint64_t start_time = 0;  // FILETIME UTC of the session start: the time anchor
  std::uint32_t clock_type = 0;  // ReservedFlags: 1 QPC, 2 system time, 3 CPU cycles
  std::uint32_t buffers_lost = 0;
  std::string logger_name;            // UTF-8, e.g. "Relogger"
  std::string log_file_name;          // UTF-8, e.g. "[multiple files]"
  std::uint64_t start_timestamp = 0;  // T0: SystemTime of the header record (raw clock)

  bool compressed() const noexcept { return (log_file_mode & log_file_mode::compressed) != 0; }
  bool circular() const noexcept {
    return (log_file_mode & log_file_mode::file_mode_circular) != 0;
  }
};

/// Parses the log-file header event: a SYSTEM32/SYSTEM64 record of group 0, type 0, whose
/// payload is a TRACE_LOGFILE_HEADER (form chosen by the header type) followed by the
/// NUL-terminated UTF-16 LoggerName and LogFileName. Missing names are left empty; a record
/// of another kind, or one too short for the TLH, is an error (offset: within the record).
[[nodiscard]] result<logfile_header> parse_logfile_header(const record_view& record);

}  // namespace etwcat::etl
