// etl_builder: synthesizes ETW records, buffers and whole .etl files for edge-case tests, using
// the structs of lib/etl/layout.h so the bytes follow docs/etl-format.md §1–§2 and §4.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/guid.h"
#include "lib/etl/layout.h"

namespace etwcat::testing {

using bytes = std::vector<std::byte>;

/// Overwrites the bytes at `at` with `value` as it lies in memory (little-endian here), for
/// fields whose offset is known only after what follows them is written.
template <class T>
void put_at(bytes& b, std::size_t at, T value) {
  std::memcpy(b.data() + at, &value, sizeof value);
}

/// Appends little-endian values (the host is little-endian, see byte_cursor.h).
class byte_writer {
 public:
  template <class T>
  byte_writer& put(const T& value) {
    const std::size_t at = bytes_.size();
    bytes_.resize(at + sizeof(T));
    std::memcpy(bytes_.data() + at, &value, sizeof(T));
    return *this;
  }
  byte_writer& put_bytes(std::span<const std::byte> more) {
    bytes_.insert(bytes_.end(), more.begin(), more.end());
    return *this;
  }
  byte_writer& fill(std::size_t n, std::uint8_t value) {
    bytes_.insert(bytes_.end(), n, std::byte{value});
    return *this;
  }
  /// NUL-terminated UTF-16LE of an ASCII string.
  byte_writer& put_utf16z(std::string_view ascii) {
    for (char c : ascii) put(static_cast<std::uint16_t>(static_cast<unsigned char>(c)));
    return put(std::uint16_t{0});
  }
  std::size_t size() const noexcept { return bytes_.size(); }
  bytes& data() noexcept { return bytes_; }
  bytes take() { return std::move(bytes_); }

 private:
  bytes bytes_;
};

/// A GUID from a literal known to be well formed; the null GUID otherwise.
inline guid guid_of(std::string_view text) { return guid::parse(text).value_or(guid{}); }

inline bytes payload_of(std::initializer_list<std::uint8_t> values) {
  bytes out;
  for (auto v : values) out.push_back(std::byte{v});
  return out;
}

inline bytes filler(std::size_t n, std::uint8_t value = 0xAB) { return bytes(n, std::byte{value}); }

// ---------------------------------------------------------------------------------------------
// Records. Size fields are filled in; everything else comes from the caller's header struct.

/// SYSTEM (0x01/0x02) or COMPACT (0x03/0x04) record with the given header fields.
inline bytes system_record(etl::system_trace_header h, std::span<const std::byte> payload = {}) {
  const bool compact =
      h.header_type == etl::header_type::compact32 || h.header_type == etl::header_type::compact64;
  const std::size_t header = compact ? etl::compact_trace_header_size : sizeof h;
  h.marker_flags = 0xC0;
  h.size = static_cast<std::uint16_t>(header + payload.size());
  byte_writer w;
  w.put(h);
  w.data().resize(header);
  return w.put_bytes(payload).take();
}

/// PERFINFO (0x10/0x11) record; `extension` = PEBS/PMC bytes written before the payload.
inline bytes perfinfo_record(etl::perfinfo_trace_header h, std::span<const std::byte> payload = {},
                             std::span<const std::byte> extension = {}) {
  h.marker_flags = 0xC0;
  h.size = static_cast<std::uint16_t>(sizeof h + extension.size() + payload.size());
  byte_writer w;
  return w.put(h).put_bytes(extension).put_bytes(payload).take();
}

/// FULL_HEADER (0x0A/0x14) record.
inline bytes full_record(etl::event_trace_header h, std::span<const std::byte> payload = {}) {
  h.marker_flags = 0xC0;
  h.size = static_cast<std::uint16_t>(sizeof h + payload.size());
  byte_writer w;
  return w.put(h).put_bytes(payload).take();
}

/// INSTANCE (0x0B/0x15) record.
inline bytes instance_record(etl::event_instance_guid_header h,
                             std::span<const std::byte> payload = {}) {
  h.base.marker_flags = 0xC0;
  h.base.size = static_cast<std::uint16_t>(sizeof h + payload.size());
  byte_writer w;
  return w.put(h).put_bytes(payload).take();
}

struct ext_item {
  std::uint16_t type = 0;
  bytes data;
};

/// EVENT_HEADER (0x12/0x13) record; with `items`, sets EXTENDED_INFO and writes them (§4).
inline bytes event_record(etl::event_header h, std::span<const std::byte> payload = {},
                          const std::vector<ext_item>& items = {}) {
  byte_writer ext;
  for (std::size_t i = 0; i < items.size(); ++i) {
    etl::extended_item_header ih{};
    ih.ext_type = items[i].type;
    ih.data_size = static_cast<std::uint16_t>(items[i].data.size());
    ih.item_size = static_cast<std::uint16_t>(etl::align8(8 + items[i].data.size()));
    ih.linkage = i + 1 < items.size() ? 1 : 0;
    ext.put(ih).put_bytes(items[i].data).fill(ih.item_size - 8 - items[i].data.size(), 0);
  }
  if (!items.empty()) h.flags |= etl::event_header_flag::extended_info;
  h.marker_flags = 0xC0;
  h.size = static_cast<std::uint16_t>(sizeof h + ext.size() + payload.size());
  byte_writer w;
  return w.put(h).put_bytes(ext.data()).put_bytes(payload).take();
}

/// WPP MESSAGE record (marker byte 3 = 0x90); `optional_fields` must match `option_flags`.
inline bytes wpp_record(std::uint16_t message_number, std::uint16_t option_flags,
                        std::span<const std::byte> optional_fields,
                        std::span<const std::byte> payload = {}) {
  etl::message_trace_header h{};
  h.marker_flags = 0x90;
  h.message_number = message_number;
  h.option_flags = option_flags;
  h.size = static_cast<std::uint16_t>(sizeof h + optional_fields.size() + payload.size());
  byte_writer w;
  return w.put(h).put_bytes(optional_fields).put_bytes(payload).take();
}

/// The log-file header record (SYSTEM64 + 64-bit TLH, or SYSTEM32 + 32-bit TLH) + names.
inline bytes logfile_header_record(std::uint32_t buffers_written, std::uint32_t buffer_size,
                                   bool is32 = false, std::uint64_t t0 = 1000,
                                   std::string_view logger = "test",
                                   std::string_view file = "test.etl") {
  byte_writer tlh;
  auto fill_common = [&](auto t) {
    t.buffer_size = buffer_size;
    t.version[0] = 10;
    t.version[2] = 2;
    t.provider_version = 19041;
    t.number_of_processors = 2;
    t.buffers_written = buffers_written;
    t.pointer_size = is32 ? 4 : 8;
    t.perf_freq = 10'000'000;
    t.start_time = 132'000'000'000'000'000;
    t.reserved_flags = 1;
    tlh.put(t);
  };
  if (is32) {
    fill_common(etl::trace_logfile_header32{});
  } else {
    fill_common(etl::trace_logfile_header64{});
  }
  tlh.put_utf16z(logger).put_utf16z(file);
  etl::system_trace_header h{};
  h.version = 2;
  h.header_type = is32 ? etl::header_type::system32 : etl::header_type::system64;
  h.system_time = t0;
  return system_record(h, tlh.data());
}

// ---------------------------------------------------------------------------------------------
// Buffers and files.

struct buffer_spec {
  std::uint32_t size = 1024;   // BufferSize (on-disk size)
  std::vector<bytes> records;  // placed 8-byte aligned after the header
  std::uint64_t sequence = 0;
  std::uint16_t processor = 0;
  std::uint16_t flags = 0;
  std::uint16_t type = 0;
  std::optional<std::uint32_t> offset;  // Offset field; default: end of the last record
  std::optional<bytes> raw_body;        // replaces records (e.g. compressed data)
};

/// One buffer: header, records (or raw body), 0xFF fill up to `size`.
inline bytes make_buffer(const buffer_spec& spec) {
  byte_writer body;
  std::size_t end = etl::buffer_header_size;
  if (spec.raw_body) {
    body.put_bytes(*spec.raw_body);
    end += spec.raw_body->size();
  } else {
    for (const auto& r : spec.records) {
      body.fill(etl::align8(body.size()) - body.size(), 0xFF);  // alignment gap (unused bytes)
      body.put_bytes(r);
    }
    end += body.size();
  }
  etl::wmi_buffer_header h{};
  h.buffer_size = spec.size;
  h.offset = spec.offset.value_or(static_cast<std::uint32_t>(end));
  h.saved_offset = h.offset;
  h.sequence_number = spec.sequence;
  h.processor_index = spec.processor;
  h.buffer_flag = spec.flags;
  h.buffer_type = spec.type;
  h.state = 3;
  byte_writer w;
  w.put(h).put_bytes(body.data());
  if (w.size() < spec.size) w.fill(spec.size - w.size(), 0xFF);
  return w.take();
}

/// Concatenated buffers: buffer 0 gets the log-file header as its first record.
inline bytes make_file(std::vector<buffer_spec> buffers) {
  if (!buffers.empty()) {
    buffers[0].type = static_cast<std::uint16_t>(etl::buffer_type::header);
    buffers[0].records.insert(
        buffers[0].records.begin(),
        logfile_header_record(static_cast<std::uint32_t>(buffers.size()), buffers[0].size));
  }
  bytes out;
  for (const auto& b : buffers) {
    const bytes one = make_buffer(b);
    out.insert(out.end(), one.begin(), one.end());
  }
  return out;
}

/// A file in the temp directory that is deleted when this goes out of scope.
class temp_file {
 public:
  explicit temp_file(std::span<const std::byte> content) {
    static std::atomic<unsigned> counter{0};
    const auto stamp = std::filesystem::file_time_type::clock::now().time_since_epoch().count();
    path_ = std::filesystem::temp_directory_path() /
            ("etwcat-test-" + std::to_string(stamp) + "-" + std::to_string(counter++) + ".etl");
    std::vector<char> chars(content.size());
    for (std::size_t i = 0; i < content.size(); ++i) chars[i] = static_cast<char>(content[i]);
    std::ofstream out(path_, std::ios::binary);
    out.write(chars.data(), static_cast<std::streamsize>(chars.size()));
  }
  ~temp_file() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

/// The bytes of a file (for cutting real captures).
inline bytes read_file_bytes(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return {};
  std::vector<char> chars(static_cast<std::size_t>(size));
  std::ifstream in(path, std::ios::binary);
  in.read(chars.data(), static_cast<std::streamsize>(chars.size()));
  chars.resize(static_cast<std::size_t>(in.gcount()));
  bytes out(chars.size());
  for (std::size_t i = 0; i < chars.size(); ++i) out[i] = static_cast<std::byte>(chars[i]);
  return out;
}

}  // namespace etwcat::testing
