// event: one decoded ETW event, the unit every reader fills and every writer prints. It mirrors
// the System / ExtendedData / RawData parts of docs/output-schema.md.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/guid.h"
#include "lib/event/event_data.h"

namespace etwcat {

/// How the 8 CPU-time bytes of a record are to be read (EVENT_HEADER / SYSTEM / FULL).
enum class cpu_time_kind : std::uint8_t {
  none,         // the header has no CPU times (COMPACT, PERFINFO, WPP)
  kernel_user,  // KernelTime + UserTime, in clock ticks of the session
  processor,    // one ProcessorTime (private sessions, EVENT_HEADER_FLAG_NO_CPUTIME)
};

/// A stack trace extended item (STACK_TRACE32/64): the return addresses as they sit in the
/// record, read on demand so that no copy is made.
struct stack_trace {
  std::uint64_t match_id = 0;         // links kernel and user halves logged separately
  std::uint8_t pointer_size = 8;      // 4 (STACK_TRACE32) or 8 (STACK_TRACE64)
  std::span<const std::byte> frames;  // count() addresses, little-endian

  std::size_t count() const noexcept { return frames.size() / pointer_size; }
  /// Address `i` (< count()).
  std::uint64_t address(std::size_t i) const noexcept;
};

/// A STACK_KEY32/64 item: the stack was logged once, in a StackWalk key event, and is named here.
struct stack_key {
  std::uint64_t match_id = 0;
  std::uint64_t key = 0;
};

/// An extended item without a field of its own, printed as type + hex.
struct other_item {
  std::uint16_t type = 0;  // EVENT_HEADER_EXT_TYPE_*
  std::span<const std::byte> data;
};

/// The decoded event. Filled in place by fill_event() and the decoders, and reused for the next
/// record: string_views and spans point into the record's buffer (valid until the reader
/// moves on) or into static tables or this object's fixed storage, and the vectors keep their
/// capacity across clear(). Filling therefore allocates nothing once the vectors have grown.
/// Copying is allowed (tests, look-ahead); a copy still points into the record's buffer.
class event {
 public:
  /// Forgets the previous event; keeps vector capacity.
  void clear() noexcept;

  /// Which input the event came from (index of the file in the order given), for summaries.
  std::uint16_t source = 0;

  // --- System.Provider ---------------------------------------------------------------------
  /// "Windows Kernel" for kernel records; empty when the trace does not name the provider
  /// (callers that know it, from a manifest or TraceLogging traits, set it).
  std::string_view provider_name;
  guid provider_guid;

  // --- System: identity -------------------------------------------------------------------
  // EVENT_HEADER events have all of these; classic (MOF and kernel) events have Version and
  // Opcode (= event type), MOF events also Level; WPP events have EventID (message number).
  bool has_event_id = false;
  bool has_version = false;
  bool has_level = false;
  bool has_task = false;
  bool has_opcode = false;
  bool has_keywords = false;
  bool has_channel = false;
  std::uint16_t event_id = 0;
  std::uint16_t version = 0;
  std::uint8_t level = 0;
  std::uint16_t task = 0;
  std::uint8_t opcode = 0;
  std::uint64_t keywords = 0;
  std::uint8_t channel = 0;
  /// Names from winmeta or the provider's schema; empty = not known (left out of the output).
  std::string_view level_name;
  std::string_view task_name;
  std::string_view opcode_name;
  std::string_view channel_name;
  std::vector<std::string_view> keyword_names;  // in bit order

  /// "Process/Start", "EventID(21)", … (output-schema.md "Names").
  std::string_view event_name() const noexcept;
  /// Sets the name to a string that outlives the event (a table entry, the record buffer).
  void set_event_name(std::string_view name) noexcept;
  /// Sets the name to a copy held in the event's fixed storage, cut at 63 bytes; for names made
  /// up per event ("Process/Opcode(45)").
  void set_event_name_copy(std::string_view name) noexcept;

  // --- System.TimeCreated -----------------------------------------------------------------
  bool has_time = false;           // false only for WPP records without a timestamp
  std::uint64_t time_created = 0;  // FILETIME, UTC

  // --- System.Correlation -----------------------------------------------------------------
  bool has_activity_id = false;  // false when absent or all zero
  guid activity_id;
  bool has_related_activity_id = false;
  guid related_activity_id;

  // --- System.Execution -------------------------------------------------------------------
  bool has_process_and_thread = false;  // PERFINFO records carry no ids
  std::uint32_t process_id = 0;
  std::uint32_t thread_id = 0;
  std::uint16_t processor_id = 0;  // the CPU whose buffer held the record
  cpu_time_kind cpu_times = cpu_time_kind::none;
  std::uint32_t kernel_time = 0;
  std::uint32_t user_time = 0;
  std::uint64_t processor_time = 0;
  /// The image file name of the process ("svchost.exe"), from lib/trace/process_tracker; empty
  /// when the trace never said. Points into the tracker, valid while it lives.
  std::string_view process_name;
  /// True when process_id/thread_id did not come from the record's header (which has none, or
  /// -1) but from the payload or from the thread that ran on that CPU at that time.
  bool attributed = false;
  /// True when thread_id means something: an attributed process may come without its thread
  /// (an image rundown names only the process).
  bool has_thread_id() const noexcept {
    return has_process_and_thread && !(attributed && thread_id == 0xFFFFFFFF);
  }

  // --- System.Classic (kernel and MOF records only) ---------------------------------------
  bool is_classic = false;
  bool has_group = false;       // kernel kinds: the group number below is meaningful
  std::uint8_t group = 0;       // EVENT_TRACE_GROUP_* >> 8
  std::string_view group_name;  // "Process", "DiskIO"; empty when the group is unknown
  std::uint8_t classic_type = 0;
  std::string_view header_type;  // "SYSTEM64", "FULL_HEADER32", …

  // --- ExtendedData -----------------------------------------------------------------------
  bool has_stack_trace = false;
  stack_trace stack;
  bool has_sid = false;
  /// "S-1-5-18" (held in the event's fixed storage, so copies stay valid).
  std::string_view sid() const noexcept { return {sid_storage_.data(), sid_length_}; }
  /// Copies the SID text, cut at max_sid_text bytes, and sets has_sid.
  void set_sid(std::string_view text) noexcept;
  /// "S-1-" + a 48-bit authority (15 digits) + 15 sub-authorities of up to 11 characters.
  static constexpr std::size_t max_sid_text = 192;
  bool has_terminal_session_id = false;
  std::uint32_t terminal_session_id = 0;
  bool has_stack_key = false;
  stack_key stack_key_item;
  bool has_event_key = false;
  std::uint64_t event_key = 0;
  bool has_process_start_key = false;
  std::uint64_t process_start_key = 0;
  bool has_container_id = false;
  std::string_view container_id;        // ANSI text as stored (a GUID string)
  std::vector<other_item> other_items;  // every other item, in record order
  /// True when anything goes under "ExtendedData".
  bool has_extended_data() const noexcept;

  // --- EventData ----------------------------------------------------------------------------
  /// The payload as named, typed values, filled by a decoder (lib/decode).
  event_data data;
  /// Set by a decoder that turned the payload into EventData; writers then omit RawData
  /// unless asked for it.
  bool payload_decoded = false;
  /// Why the payload did not fit its schema (a field past the end of the payload); empty when
  /// it did. The event still carries what decoded, and RawData.
  std::string decode_error;
  /// True when the payload decoded, exactly or with bytes left over after the last field
  /// (has_surplus()), or when it is empty.
  bool fully_decoded() const noexcept {
    return raw_data.empty() || (payload_decoded && decode_error.empty());
  }
  /// True when the payload decoded but its schema ended before it did: data.surplus() holds
  /// the bytes left over, which print as "Surplus", and decode_warning() says so.
  bool has_surplus() const noexcept {
    return payload_decoded && decode_error.empty() && !data.surplus().bytes.empty();
  }
  /// Room for decode_warning(): the longest prefix and two 10-digit numbers fit.
  static constexpr std::size_t max_decode_warning = 128;
  /// The text of System.DecodeWarning, written into `buffer` (nothing is allocated): "4 bytes
  /// left over after the last field (offset 28)", prefixed "version 3 schema applied to
  /// version 4: " when the schema was another version's. Empty when !has_surplus().
  std::string_view decode_warning(std::span<char, max_decode_warning> buffer) const noexcept;

  // --- RawData ----------------------------------------------------------------------------
  std::span<const std::byte> raw_data;  // the user data (payload) of the record

 private:
  std::array<char, max_sid_text> sid_storage_{};
  std::size_t sid_length_ = 0;
  std::string_view event_name_;          // external name, used when name_length_ == 0
  std::array<char, 64> name_storage_{};  // copied name (set_event_name_copy)
  std::uint8_t name_length_ = 0;
};

}  // namespace etwcat
