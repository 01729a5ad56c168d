// jsonl_writer: one event -> one JSON object on one line (JSON lines), the contract of
// docs/output-schema.md, reproduced here so that the code and the contract stay side by side.
//
// {"System":{
//    "Provider":{"Name":"Microsoft-Windows-HttpService",
//                "Guid":"{DD5EF90A-6398-47A4-AD34-4DCECDEF795F}"},
//    "EventID":21,"Version":0,
//    "Level":{"Value":4,"Name":"Information"},
//    "Task":{"Value":4,"Name":"..."},
//    "Opcode":{"Value":28,"Name":"..."},
//    "Keywords":{"Mask":"0x8000000000000010","Name":["..."]},
//    "Channel":{"Value":16,"Name":"..."},
//    "EventName":"Task/Opcode",
//    "TimeCreated":{"SystemTime":"2011-01-23T22:07:27.2257591Z"},
//    "Correlation":{"ActivityID":"{...}","RelatedActivityID":"{...}"},
//    "Execution":{"ProcessID":0,"ThreadID":0,"ProcessName":"svchost.exe","Attributed":true,
//                 "ProcessorID":2,"KernelTime":15,"UserTime":31},
//    "Classic":{"Group":"Process","Type":1,"HeaderType":"SYSTEM64"},
//    "DecodeError":"field Name at offset 24: runs past the end of the payload (...)",
//    "DecodeWarning":"4 bytes left over after the last field (offset 28)",
//    "Source":"net.etl"
//  },
//  "EventData":{"FieldName":value, ...},
//  "ExtendedData":{"StackTrace":["0x7FF6...", ...],"Sid":"S-1-5-18","TerminalSessionID":1, ...},
//  "Surplus":"00000000",
//  "RawData":"0A0B..."
// }
//
// DecodeError: the payload did not fit its schema (RawData follows). DecodeWarning and Surplus:
// every field decoded but the payload goes on after the last one; as TDH does, the fields are
// kept and the event counts as decoded, and Surplus holds the bytes left over (upper-case hex).
// Keys appear in this order and keys with nothing to say are left out (never null). GUIDs are
// upper case in braces; masks, keys and addresses "0x…" upper case; times RFC 3339 UTC with 7
// fractional digits; RawData upper-case hex. Execution has "ProcessorTime" instead of
// KernelTime/UserTime for private sessions; "Classic" appears for kernel and MOF records only.
// ProcessName: the image name of the process, when the trace said it; Attributed: true when
// ProcessID/ThreadID come from the payload or the thread's owner, not the record header (left
// out when false). Source: the input file as given, only when several were read at once.
// ExtendedData keys, in order: StackTrace (+ StackMatchID when not 0), Sid, TerminalSessionID,
// StackKey {MatchID, Key}, EventKey, ProcessStartKey, ContainerID, Other [{Type, Data}].
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "formats/event_writer.h"
#include "formats/field_selection.h"
#include "lib/base/text_buffer.h"
#include "lib/event/event.h"

namespace etwcat::formats {

struct jsonl_options {
  bool always_raw = false;  // --raw: RawData even when the payload was decoded
};

/// System.Source: the name of each input as given, by event::source, taken from begin()'s
/// trace_info. Every format that prints the source looks it up here.
class source_names {
 public:
  void assign(const trace_info& info);
  /// The name of the input `e` came from; empty when unknown.
  std::string_view of(const event& e) const noexcept {
    return e.source < names_.size() ? std::string_view(names_[e.source]) : std::string_view();
  }
  /// True with several inputs: then each event says which one it came from.
  bool several() const noexcept { return several_; }

 private:
  std::vector<std::string> names_;  // by event::source
  bool several_ = false;
};

/// Writes JSON lines into `sink`; begin() prints nothing and finish() nothing either, except
/// after a live session that lost events: then one last line {"Type":"Loss",…} says how many,
/// so a script that reads the stream learns it is incomplete (events never have "Type").
/// With a field selection (--fields) each line is instead the flat object of
/// field_selection::append_json_object: {"System.EventID":2,"EventData.ImageName":"x"}.
class jsonl_writer final : public event_writer {
 public:
  explicit jsonl_writer(output_sink& sink, jsonl_options options = {}, field_selection fields = {})
      : sink_(sink), options_(options), fields_(std::move(fields)) {}

  void begin(const trace_info& info) override { sources_.assign(info); }
  void write(const event& e) override;
  void finish(const summary& totals) override;

 private:
  output_sink& sink_;
  jsonl_options options_;
  field_selection fields_;
  source_names sources_;
};

/// Appends the JSON object of `e`, without the newline (tests, other writers). `source`, when
/// not empty, goes out as System.Source.
void append_event_json(text_buffer& out, const event& e, const jsonl_options& options = {},
                       std::string_view source = {});

/// The JSON object of `e` as a string of its own, for callers outside the hot path.
std::string event_json(const event& e, const jsonl_options& options = {},
                       std::string_view source = {});

/// The members of the event object that have a JSON value of their own, for formats that print
/// parts of an event (field_selection).
enum class json_part : std::uint8_t {
  system,  // the whole System object (without Source)
  provider,
  level,
  task,
  opcode,
  keywords,
  channel,
  time_created,
  correlation,
  execution,
  classic,
  event_data,
  extended_data,
  stack_trace,  // ExtendedData.StackTrace
  stack_key,    // ExtendedData.StackKey
  other_items,  // ExtendedData.Other
};

/// Appends the value of one part exactly as append_event_json() writes it; false, having
/// appended nothing, when the event has no such member.
bool append_json_part(text_buffer& out, const event& e, json_part part);

}  // namespace etwcat::formats
