// record_view: a zero-copy view of one ETW record (event) inside a buffer, with its trace header
// parsed: SYSTEM/COMPACT/PERFINFO, FULL/INSTANCE, EVENT_HEADER (+ extended items) and WPP
// MESSAGE headers. Spec: docs/etl-format.md §2 (headers) and §4 (extended items).
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string_view>

#include "lib/base/guid.h"
#include "lib/base/result.h"
#include "lib/etl/layout.h"

namespace etwcat::etl {

/// The trace header a record starts with. The 32/64 suffix is the pointer size of the code
/// that logged it, which is also the pointer size of its payload (§2.10).
enum class header_kind : std::uint8_t {
  system32,  // SYSTEM_TRACE_HEADER, 0x20 bytes: kernel group/type + ids + cpu times
  system64,
  compact32,  // SYSTEM_TRACE_HEADER without cpu times, 0x18 bytes
  compact64,
  perfinfo32,  // PERFINFO_TRACE_HEADER, 0x10 bytes: kernel group/type, no ids
  perfinfo64,
  full_header32,  // EVENT_TRACE_HEADER, 0x30 bytes: classic (MOF) event, class GUID
  full_header64,
  instance32,  // EVENT_INSTANCE_GUID_HEADER, 0x48 bytes
  instance64,
  event_header32,  // EVENT_HEADER, 0x50 bytes: manifest / EventSource / TraceLogging
  event_header64,
  wpp_message,  // MESSAGE_TRACE_HEADER (TraceMessage / WPP), 8 bytes + optional fields
};

/// "system64", "event_header32", …, for messages and dumps.
std::string_view to_string(header_kind kind) noexcept;

/// True for the kinds identified by kernel group + type instead of a GUID (§2.8).
constexpr bool is_kernel_kind(header_kind k) noexcept { return k <= header_kind::perfinfo64; }

/// What the first dword and size field of a record say, before its header is parsed.
struct record_frame {
  enum class status : std::uint8_t {
    ok,              // kind, size and min_size are set
    end_of_data,     // 0xFFFFFFFF fill: no more records in this buffer
    unknown_marker,  // not a header this reader knows (or not a header at all)
    short_data,      // fewer bytes left than the fixed part of the header
  };
  status state = status::unknown_marker;
  header_kind kind = header_kind::system64;
  std::uint32_t marker = 0;  // the first dword, for diagnostics
  std::size_t size = 0;      // the record's declared size, header included
  std::size_t min_size = 0;  // the fixed header size; a smaller `size` is corrupt
};

/// Classifies the record that starts at `at[0]` (§2.1). `at` holds the rest of the buffer data.
record_frame frame_record(std::span<const std::byte> at) noexcept;

/// One extended data item of an EVENT_HEADER record (§4).
struct extended_item {
  std::uint16_t type = 0;  // ext_type::*
  std::span<const std::byte> data;
};

/// The extended items of one record, in order. Validated when the record was parsed, so
/// iterating cannot fail.
class extended_item_range {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = extended_item;
    using difference_type = std::ptrdiff_t;
    using pointer = const extended_item*;
    using reference = const extended_item&;

    iterator() = default;
    explicit iterator(std::span<const std::byte> rest) : rest_(rest) { load(); }
    reference operator*() const noexcept { return item_; }
    pointer operator->() const noexcept { return &item_; }
    iterator& operator++() noexcept;
    iterator operator++(int) noexcept {
      iterator before = *this;
      ++*this;
      return before;
    }
    friend bool operator==(const iterator& a, const iterator& b) noexcept {
      return a.rest_.data() == b.rest_.data() && a.rest_.size() == b.rest_.size();
    }

   private:
    void load() noexcept;
    std::span<const std::byte> rest_;  // from the current item to the end of the item area
    std::size_t step_ = 0;
    extended_item item_;
  };

  extended_item_range() = default;
  explicit extended_item_range(std::span<const std::byte> area) : area_(area) {}
  iterator begin() const { return iterator(area_); }
  iterator end() const { return iterator(area_.subspan(area_.size())); }
  bool empty() const noexcept { return area_.empty(); }
  /// The raw bytes of all items (headers and padding included).
  std::span<const std::byte> bytes() const noexcept { return area_; }

 private:
  std::span<const std::byte> area_;
};

/// Where in the file a record came from; filled by the reader, kept by the view.
struct record_origin {
  std::uint64_t file_offset = 0;       // of the record; of its buffer if the buffer is compressed
  std::uint64_t buffer_index = 0;      // 0-based, in file order
  std::uint64_t buffer_sequence = 0;   // WMI_BUFFER_HEADER.SequenceNumber
  std::uint32_t offset_in_buffer = 0;  // from the buffer start (decompressed, if compressed)
  std::uint16_t processor = 0;         // CPU that filled the buffer
  bool compressed = false;             // the buffer was compressed on disk
};

/// One record in the reader's current buffer; valid until the next call to next(). Reads are
/// done once by parse(); the accessors only return stored fields. Accessors that do not apply
/// to the record's kind return 0 / a null GUID / an empty span (the comments say which apply).
class record_view {
 public:
  /// Parses the record that fills all of `record` (exactly its declared size, as given by
  /// frame_record). `default_pointer_size` applies to WPP records without POINTER32/64 flags.
  /// On failure the view is unusable; the error offset is relative to the record start.
  [[nodiscard]] std::optional<error> parse(std::span<const std::byte> record,
                                           const record_origin& origin,
                                           std::uint8_t default_pointer_size = 8);

  header_kind kind() const noexcept { return kind_; }
  /// 4 or 8: the pointer size of this record's payload, from its header type (§2.10).
  std::uint8_t pointer_size() const noexcept { return pointer_size_; }

  // Where it is.
  const record_origin& origin() const noexcept { return origin_; }
  std::uint64_t file_offset() const noexcept { return origin_.file_offset; }
  std::uint64_t buffer_index() const noexcept { return origin_.buffer_index; }
  std::uint64_t buffer_sequence() const noexcept { return origin_.buffer_sequence; }
  std::uint16_t processor_index() const noexcept { return origin_.processor; }

  // The bytes.
  std::span<const std::byte> bytes() const noexcept { return bytes_; }  // the whole record
  std::size_t size() const noexcept { return bytes_.size(); }
  /// Offset of the user data: fixed header + PERFINFO extension / extended items / WPP fields.
  std::size_t header_size() const noexcept { return header_size_; }
  std::span<const std::byte> payload() const noexcept { return bytes_.subspan(header_size_); }

  /// Raw session-clock timestamp (§3). WPP records without a TIMESTAMP flag: 0.
  std::uint64_t timestamp() const noexcept { return timestamp_; }
  bool has_timestamp() const noexcept { return has_timestamp_; }

  /// SYSTEM, COMPACT, FULL, INSTANCE, EVENT_HEADER, and WPP with SYSTEMINFO. Not PERFINFO.
  bool has_thread_and_process() const noexcept { return has_ids_; }
  std::uint32_t thread_id() const noexcept { return thread_id_; }
  std::uint32_t process_id() const noexcept { return process_id_; }

  // Identity. Kernel kinds: group + type + version. FULL/INSTANCE: class GUID + type + level +
  // version. EVENT_HEADER: provider GUID + descriptor. WPP: message GUID + message number.
  std::uint8_t group() const noexcept { return group_; }  // kernel kinds
  /// Kernel Type, FULL/INSTANCE Class.Type, EVENT_HEADER Opcode: the event's opcode.
  std::uint8_t opcode() const noexcept { return opcode_; }
  /// Kernel header Version (PERFINFO extension bits removed), Class.Version, descriptor Version.
  std::uint16_t version() const noexcept { return version_; }
  std::uint8_t level() const noexcept { return level_; }  // FULL/INSTANCE/EVENT_HEADER
  /// The GUID in the header: FULL/INSTANCE class GUID, EVENT_HEADER ProviderId, WPP message
  /// GUID (if the GUID flag is set). Null for kernel kinds; see provider_guid().
  const guid& header_guid() const noexcept { return guid_; }
  /// header_guid(), or for kernel kinds the class GUID of its group (kernel_group_guid).
  guid provider_guid() const noexcept;

  // EVENT_HEADER only.
  const event_descriptor& descriptor() const noexcept { return descriptor_; }
  std::uint16_t event_id() const noexcept { return descriptor_.id; }
  std::uint16_t flags() const noexcept { return flags_; }  // EVENT_HEADER.Flags as stored
  std::uint16_t event_property() const noexcept { return event_property_; }
  const guid& activity_id() const noexcept { return activity_id_; }
  extended_item_range extended_items() const noexcept { return extended_items_; }

  // CPU times: SYSTEM, FULL, INSTANCE, EVENT_HEADER. The same 8 bytes are KernelTime (low u32)
  // + UserTime (high u32) or, for private sessions / NO_CPUTIME, one ProcessorTime u64.
  bool has_cpu_times() const noexcept { return has_cpu_times_; }
  std::uint32_t kernel_time() const noexcept { return static_cast<std::uint32_t>(cpu_times_); }
  std::uint32_t user_time() const noexcept { return static_cast<std::uint32_t>(cpu_times_ >> 32); }
  std::uint64_t processor_time() const noexcept { return cpu_times_; }

  // INSTANCE only.
  std::uint32_t instance_id() const noexcept { return instance_id_; }
  std::uint32_t parent_instance_id() const noexcept { return parent_instance_id_; }
  const guid& parent_guid() const noexcept { return parent_guid_; }

  // WPP (wpp_message) only.
  std::uint16_t message_number() const noexcept { return message_number_; }
  std::uint16_t message_flags() const noexcept { return flags_; }  // TRACE_MESSAGE_* bits
  std::uint32_t sequence() const noexcept { return sequence_; }
  std::uint32_t component_id() const noexcept { return component_id_; }

 private:
  std::optional<error> parse_kernel(std::span<const std::byte> record);
  std::optional<error> parse_classic(std::span<const std::byte> record);
  std::optional<error> parse_event(std::span<const std::byte> record);
  std::optional<error> parse_wpp(std::span<const std::byte> record,
                                 std::uint8_t default_pointer_size);

  std::span<const std::byte> bytes_;
  record_origin origin_;
  header_kind kind_ = header_kind::system64;
  std::uint8_t pointer_size_ = 8;
  bool has_timestamp_ = false;
  bool has_ids_ = false;
  bool has_cpu_times_ = false;
  std::uint8_t group_ = 0;
  std::uint8_t opcode_ = 0;
  std::uint8_t level_ = 0;
  std::uint16_t version_ = 0;
  std::uint16_t flags_ = 0;
  std::uint16_t event_property_ = 0;
  std::uint16_t message_number_ = 0;
  std::size_t header_size_ = 0;
  std::uint64_t timestamp_ = 0;
  std::uint32_t thread_id_ = 0;
  std::uint32_t process_id_ = 0;
  std::uint64_t cpu_times_ = 0;
  std::uint32_t instance_id_ = 0;
  std::uint32_t parent_instance_id_ = 0;
  std::uint32_t sequence_ = 0;
  std::uint32_t component_id_ = 0;
  guid guid_;
  guid activity_id_;
  guid parent_guid_;
  event_descriptor descriptor_{};
  extended_item_range extended_items_;
};

}  // namespace etwcat::etl
