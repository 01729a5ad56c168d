// record_view: marker dispatch (§2.1) and header parsing for every header kind (§2.2–§2.7),
// including EVENT_HEADER extended items (§4) and the flag-driven WPP fields (§2.7).
#include "lib/etl/record_view.h"

#include <cinttypes>
#include <cstdio>
#include <string>

#include "lib/base/byte_cursor.h"
#include "lib/etl/kernel_groups.h"

namespace etwcat::etl {
namespace {

struct kind_info {
  header_kind kind;
  std::size_t header_size;  // fixed part
  bool size_at_4;           // kernel headers keep Size at +4, the others at +0
};

// Header type (byte 2 of a 0xC0 marker) -> kind. The types without a known layout (TIMED,
// ERROR, WNODE, MESSAGE) are absent: they are reported as unknown markers.
std::optional<kind_info> kind_of_type(std::uint8_t type) noexcept {
  switch (type) {
    case header_type::system32:
      return kind_info{header_kind::system32, 0x20, true};
    case header_type::system64:
      return kind_info{header_kind::system64, 0x20, true};
    case header_type::compact32:
      return kind_info{header_kind::compact32, 0x18, true};
    case header_type::compact64:
      return kind_info{header_kind::compact64, 0x18, true};
    case header_type::perfinfo32:
      return kind_info{header_kind::perfinfo32, 0x10, true};
    case header_type::perfinfo64:
      return kind_info{header_kind::perfinfo64, 0x10, true};
    case header_type::full_header32:
      return kind_info{header_kind::full_header32, 0x30, false};
    case header_type::full_header64:
      return kind_info{header_kind::full_header64, 0x30, false};
    case header_type::instance32:
      return kind_info{header_kind::instance32, 0x48, false};
    case header_type::instance64:
      return kind_info{header_kind::instance64, 0x48, false};
    case header_type::event_header32:
      return kind_info{header_kind::event_header32, 0x50, false};
    case header_type::event_header64:
      return kind_info{header_kind::event_header64, 0x50, false};
    default:
      return std::nullopt;
  }
}

std::uint8_t pointer_size_of(header_kind k) noexcept {
  switch (k) {
    case header_kind::system32:
    case header_kind::compact32:
    case header_kind::perfinfo32:
    case header_kind::full_header32:
    case header_kind::instance32:
    case header_kind::event_header32:
      return 4;
    default:
      return 8;
  }
}

// A GUID field, read byte-wise (guid::from_bytes) so it is right on any host.
[[nodiscard]] bool read_guid(byte_cursor& in, guid& out) noexcept {
  std::span<const std::byte> raw;
  if (!in.read_bytes(16, raw)) return false;
  out = guid::from_bytes(raw.first<16>());
  return true;
}

error make_error(std::size_t offset, const char* fmt, std::uint64_t a = 0, std::uint64_t b = 0,
                 std::uint64_t c = 0) {
  char text[160];
  std::snprintf(text, sizeof text, fmt, a, b, c);
  return error{text, offset};
}

}  // namespace

std::string_view to_string(header_kind kind) noexcept {
  switch (kind) {
    case header_kind::system32:
      return "system32";
    case header_kind::system64:
      return "system64";
    case header_kind::compact32:
      return "compact32";
    case header_kind::compact64:
      return "compact64";
    case header_kind::perfinfo32:
      return "perfinfo32";
    case header_kind::perfinfo64:
      return "perfinfo64";
    case header_kind::full_header32:
      return "full_header32";
    case header_kind::full_header64:
      return "full_header64";
    case header_kind::instance32:
      return "instance32";
    case header_kind::instance64:
      return "instance64";
    case header_kind::event_header32:
      return "event_header32";
    case header_kind::event_header64:
      return "event_header64";
    case header_kind::wpp_message:
      return "wpp_message";
  }
  return "unknown";
}

record_frame frame_record(std::span<const std::byte> at) noexcept {
  record_frame frame;
  byte_cursor in(at);
  if (!in.read(frame.marker)) {
    frame.state = record_frame::status::short_data;
    return frame;
  }
  if (frame.marker == marker::end_of_data) {
    frame.state = record_frame::status::end_of_data;
    return frame;
  }
  const auto flags = static_cast<std::uint8_t>(frame.marker >> 24);
  const auto type = static_cast<std::uint8_t>(frame.marker >> 16);
  std::uint16_t size = 0;
  if ((flags & 0xC0) == 0xC0) {
    const auto info = kind_of_type(type);
    if (!info) return frame;  // unknown_marker
    frame.kind = info->kind;
    frame.min_size = info->header_size;
    size = static_cast<std::uint16_t>(frame.marker & 0xFFFF);  // Size at +0 …
    if (info->size_at_4 && !in.read(size)) {                   // … or at +4 (kernel headers)
      frame.state = record_frame::status::short_data;
      return frame;
    }
  } else if ((flags & 0xF0) == (marker::trace_header_flag | marker::trace_message_flag)) {
    frame.kind = header_kind::wpp_message;
    frame.min_size = sizeof(message_trace_header);
    size = static_cast<std::uint16_t>(frame.marker & 0xFFFF);
  } else {
    return frame;  // unknown_marker
  }
  frame.size = size;
  frame.state =
      at.size() < frame.min_size ? record_frame::status::short_data : record_frame::status::ok;
  return frame;
}

extended_item_range::iterator& extended_item_range::iterator::operator++() noexcept {
  rest_ = rest_.subspan(step_ <= rest_.size() ? step_ : rest_.size());
  load();
  return *this;
}

void extended_item_range::iterator::load() noexcept {
  // parse() checked every item, so these reads succeed; the guards only keep this total.
  extended_item_header h{};
  if (!read_at(rest_, 0, h) || h.item_size < sizeof h || h.item_size > rest_.size() ||
      h.data_size > h.item_size - sizeof h) {
    rest_ = rest_.subspan(rest_.size());
    step_ = 0;
    item_ = {};
    return;
  }
  item_.type = h.ext_type;
  item_.data = rest_.subspan(sizeof h, h.data_size);
  step_ = h.item_size;
}

guid record_view::provider_guid() const noexcept {
  return is_kernel_kind(kind_) ? kernel_group_guid(group_, opcode_) : guid_;
}

std::optional<error> record_view::parse(std::span<const std::byte> record,
                                        const record_origin& origin,
                                        std::uint8_t default_pointer_size) {
  *this = record_view{};
  bytes_ = record;
  origin_ = origin;
  const record_frame frame = frame_record(record);
  if (frame.state != record_frame::status::ok) {
    return make_error(0, "unknown record marker 0x%08" PRIx64, frame.marker);
  }
  if (frame.size != record.size() || frame.size < frame.min_size) {
    return make_error(0, "record size %" PRIu64 " does not fit its %" PRIu64 "-byte header",
                      frame.size, frame.min_size);
  }
  kind_ = frame.kind;
  pointer_size_ = pointer_size_of(kind_);
  switch (kind_) {
    case header_kind::system32:
    case header_kind::system64:
    case header_kind::compact32:
    case header_kind::compact64:
    case header_kind::perfinfo32:
    case header_kind::perfinfo64:
      return parse_kernel(record);
    case header_kind::full_header32:
    case header_kind::full_header64:
    case header_kind::instance32:
    case header_kind::instance64:
      return parse_classic(record);
    case header_kind::event_header32:
    case header_kind::event_header64:
      return parse_event(record);
    case header_kind::wpp_message:
      return parse_wpp(record, default_pointer_size);
  }
  return make_error(0, "unknown header kind");
}

std::optional<error> record_view::parse_kernel(std::span<const std::byte> record) {
  byte_cursor in(record);
  std::uint16_t version = 0, size = 0;
  std::uint8_t type = 0, flags = 0;
  // Common prefix of SYSTEM, COMPACT and PERFINFO: Version, HeaderType, Flags, Size, Type, Group.
  if (!in.read(version) || !in.read(type) || !in.read(flags) || !in.read(size) ||
      !in.read(opcode_) || !in.read(group_)) {
    return make_error(0, "kernel header cut short");
  }
  if (kind_ == header_kind::perfinfo32 || kind_ == header_kind::perfinfo64) {
    if (!in.read(timestamp_)) return make_error(8, "perfinfo header cut short");
    // Optional PEBS index and PMC counters sit between the header and the payload (§2.3).
    std::size_t extension = (version & perfinfo_pebs_flag) ? 8 : 0;
    extension += 8 * ((version & perfinfo_pmc_mask) >> 8);
    if (!in.skip(extension)) {
      return make_error(0x10, "perfinfo PEBS/PMC extension of %" PRIu64 " bytes past record end",
                        extension);
    }
    version_ = version & perfinfo_version_mask;
  } else {
    version_ = version;
    if (!in.read(thread_id_) || !in.read(process_id_) || !in.read(timestamp_)) {
      return make_error(8, "system header cut short");
    }
    has_ids_ = true;
    if (kind_ == header_kind::system32 || kind_ == header_kind::system64) {
      if (!in.read(cpu_times_)) return make_error(0x18, "system header cut short");
      has_cpu_times_ = true;
    }
  }
  has_timestamp_ = true;
  header_size_ = in.position();
  return std::nullopt;
}

std::optional<error> record_view::parse_classic(std::span<const std::byte> record) {
  event_trace_header h{};
  byte_cursor in(record);
  if (!in.read(h)) return make_error(0, "event trace header cut short");
  opcode_ = h.type;
  level_ = h.level;
  version_ = h.version;
  thread_id_ = h.thread_id;
  process_id_ = h.process_id;
  timestamp_ = h.timestamp;
  guid_ = h.class_guid;
  cpu_times_ = std::uint64_t{h.user_time} << 32 | h.kernel_time;
  has_ids_ = has_timestamp_ = has_cpu_times_ = true;
  if (kind_ == header_kind::instance32 || kind_ == header_kind::instance64) {
    if (!in.read(instance_id_) || !in.read(parent_instance_id_) || !read_guid(in, parent_guid_)) {
      return make_error(0x30, "instance header cut short");
    }
  }
  header_size_ = in.position();
  return std::nullopt;
}

std::optional<error> record_view::parse_event(std::span<const std::byte> record) {
  event_header h{};
  byte_cursor in(record);
  if (!in.read(h)) return make_error(0, "event header cut short");
  flags_ = h.flags;
  event_property_ = h.event_property;
  thread_id_ = h.thread_id;
  process_id_ = h.process_id;
  timestamp_ = h.timestamp;
  guid_ = h.provider_id;
  descriptor_ = h.descriptor;
  opcode_ = h.descriptor.opcode;
  level_ = h.descriptor.level;
  version_ = h.descriptor.version;
  cpu_times_ = std::uint64_t{h.user_time} << 32 | h.kernel_time;
  activity_id_ = h.activity_id;
  has_ids_ = has_timestamp_ = has_cpu_times_ = true;

  if (h.flags & event_header_flag::extended_info) {
    // Items follow the header; each says its aligned size, and Linkage bit 0 says whether
    // another follows (§4). Every item is >= 8 bytes, so this loop ends.
    const std::size_t start = in.position();
    for (;;) {
      const std::size_t at = in.position();
      extended_item_header item{};
      if (!in.read(item)) {
        return make_error(
            at, "extended item header at record offset 0x%" PRIx64 " runs past the record end", at);
      }
      if (item.item_size < sizeof item || item.data_size > item.item_size - sizeof item) {
        return make_error(at,
                          "extended item size %" PRIu64 " cannot hold %" PRIu64
                          " data bytes and its 8-byte header",
                          item.item_size, item.data_size);
      }
      if (!in.seek(at + item.item_size)) {
        return make_error(at, "extended item of %" PRIu64 " bytes runs past the record end",
                          item.item_size);
      }
      if ((item.linkage & 1) == 0) break;
    }
    extended_items_ = extended_item_range(record.subspan(start, in.position() - start));
  }
  header_size_ = in.position();
  return std::nullopt;
}

std::optional<error> record_view::parse_wpp(std::span<const std::byte> record,
                                            std::uint8_t default_pointer_size) {
  message_trace_header h{};
  byte_cursor in(record);
  if (!in.read(h)) return make_error(0, "message header cut short");
  message_number_ = h.message_number;
  flags_ = h.option_flags;
  namespace f = trace_message_flag;
  // Optional fields, in TraceMessage order (§2.7).
  bool ok = true;
  if (flags_ & f::sequence) ok = ok && in.read(sequence_);
  if (flags_ & f::guid) {
    ok = ok && read_guid(in, guid_);
  } else if (flags_ & f::component_id) {
    ok = ok && in.read(component_id_);
  }
  if (flags_ & (f::timestamp | f::performance_timestamp)) {
    ok = ok && in.read(timestamp_);
    has_timestamp_ = ok;
  }
  if (flags_ & f::system_info) {
    ok = ok && in.read(thread_id_) && in.read(process_id_);
    has_ids_ = ok;
  }
  if (!ok) {
    return make_error(in.position(),
                      "message option flags 0x%04" PRIx64 " name fields past the %" PRIu64
                      "-byte record end",
                      flags_, record.size());
  }
  pointer_size_ = (flags_ & f::pointer32) ? 4 : (flags_ & f::pointer64) ? 8 : default_pointer_size;
  header_size_ = in.position();
  return std::nullopt;
}

}  // namespace etwcat::etl
