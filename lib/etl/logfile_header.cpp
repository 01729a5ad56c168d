// logfile_header: TRACE_LOGFILE_HEADER, 32-bit (0x110 bytes) and 64-bit (0x118 bytes) forms,
// both with the 176-byte time-zone block (§1.7, pitfall §8.1.1).
#include "lib/etl/logfile_header.h"

#include <cinttypes>
#include <cstdio>
#include <span>

#include "lib/base/byte_cursor.h"
#include "lib/base/unicode.h"

namespace etwcat::etl {
namespace {

// UTF-16LE bytes up to the first NUL (or the end) as UTF-8. Byte-wise: the strings follow
// the TLH at any alignment.
std::string utf16le_to_utf8(std::span<const std::byte> bytes) {
  std::u16string units;
  for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
    const auto unit = static_cast<char16_t>(std::to_integer<unsigned>(bytes[i]) |
                                            std::to_integer<unsigned>(bytes[i + 1]) << 8);
    if (unit == 0) break;
    units.push_back(unit);
  }
  std::string out;
  append_utf16_as_utf8(out, units);
  return out;
}

// Bytes of the NUL-terminated UTF-16LE string at the start of `bytes`, terminator included.
std::size_t utf16le_string_bytes(std::span<const std::byte> bytes) noexcept {
  std::size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) {
    if (bytes[i] == std::byte{0} && bytes[i + 1] == std::byte{0}) return i + 2;
  }
  return i;
}

std::string name_of(const std::uint16_t (&units)[32]) {
  std::u16string text;
  for (std::uint16_t u : units) {
    if (u == 0) break;
    text.push_back(static_cast<char16_t>(u));
  }
  std::string out;
  append_utf16_as_utf8(out, text);
  return out;
}

template <class Tlh>
void copy_fields(const Tlh& t, logfile_header& out) {
  out.buffer_size = t.buffer_size;
  out.os_major = t.version[0];
  out.os_minor = t.version[1];
  out.format_major = t.version[2];
  out.format_minor = t.version[3];
  out.version = std::uint32_t{t.version[0]} | std::uint32_t{t.version[1]} << 8 |
                std::uint32_t{t.version[2]} << 16 | std::uint32_t{t.version[3]} << 24;
  out.provider_version = t.provider_version;
  out.number_of_processors = t.number_of_processors;
  out.end_time = t.end_time;
  out.timer_resolution = t.timer_resolution;
  out.maximum_file_size = t.maximum_file_size;
  out.log_file_mode = t.log_file_mode;
  out.buffers_written = t.buffers_written;
  out.start_buffers = t.start_buffers;
  out.pointer_size = t.pointer_size;
  out.events_lost = t.events_lost;
  out.cpu_speed_mhz = t.cpu_speed_mhz;
  out.time_zone.bias = t.time_zone.bias;
  out.time_zone.standard_name = name_of(t.time_zone.standard_name);
  out.time_zone.standard_date = t.time_zone.standard_date;
  out.time_zone.standard_bias = t.time_zone.standard_bias;
  out.time_zone.daylight_name = name_of(t.time_zone.daylight_name);
  out.time_zone.daylight_date = t.time_zone.daylight_date;
  out.time_zone.daylight_bias = t.time_zone.daylight_bias;
  out.boot_time = t.boot_time;
  out.perf_freq = t.perf_freq;
  out.start_time = t.start_time;
  out.clock_type = t.reserved_flags;
  out.buffers_lost = t.buffers_lost;
}

template <class Tlh>
result<logfile_header> parse_form(const record_view& record, logfile_header out) {
  byte_cursor in(record.payload());
  Tlh tlh{};
  if (!in.read(tlh)) {
    char text[120];
    std::snprintf(text, sizeof text,
                  "log-file header record has %zu payload bytes, fewer than the %zu-byte "
                  "TRACE_LOGFILE_HEADER",
                  record.payload().size(), sizeof(Tlh));
    return error{text, record.header_size()};
  }
  copy_fields(tlh, out);
  // LoggerName then LogFileName, each NUL-terminated UTF-16; either may be cut off or absent.
  const auto rest = in.rest();
  const std::size_t first = utf16le_string_bytes(rest);
  out.logger_name = utf16le_to_utf8(rest.first(first));
  out.log_file_name = utf16le_to_utf8(rest.subspan(first));
  return out;
}

}  // namespace

result<logfile_header> parse_logfile_header(const record_view& record) {
  const bool is32 = record.kind() == header_kind::system32;
  if ((!is32 && record.kind() != header_kind::system64) || record.group() != 0 ||
      record.opcode() != 0) {
    char text[120];
    std::snprintf(text, sizeof text,
                  "first record is %s group %u type %u, not a log-file header "
                  "(SYSTEM header, group 0, type 0)",
                  std::string(to_string(record.kind())).c_str(),
                  static_cast<unsigned>(record.group()), static_cast<unsigned>(record.opcode()));
    return error{text, 0};
  }
  logfile_header out;
  out.header_pointer_size = is32 ? 4 : 8;
  out.start_timestamp = record.timestamp();
  return is32 ? parse_form<trace_logfile_header32>(record, std::move(out))
              : parse_form<trace_logfile_header64>(record, std::move(out));
}

}  // namespace etwcat::etl
