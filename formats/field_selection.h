// field_selection: --fields, the members of the event object a user asked for by dotted path
// (System.EventID, System.Execution.ProcessID, EventData.ImageName), parsed once, then read
// from each event as JSON (jsonl, json) or as plain text (csv, text).
//
// A field's value is the value at that path in the full JSON object of output-schema.md; a
// field the object does not have is missing: left out of a JSON object (never null, as in the
// full output) and an empty cell in CSV. Exceptions, both because a user who names them wants
// them: System.Source is the input's name even with one input, and RawData is the payload's
// hex whenever the event has one (as with --raw).
//
// Paths:
//   System and every member of it, at any depth: System.Provider, System.Provider.Name,
//     System.Level.Value, System.Execution.ProcessID, System.Source … (valid_system_paths()).
//     Matched ignoring ASCII case; an unknown one is a usage error that lists the valid ones.
//   EventData, EventData.Name, EventData.Name.Member, EventData.Name.0 (an array element):
//     names match ignoring ASCII case, as event_data::find does; the first match wins.
//   ExtendedData, ExtendedData.StackTrace (or another ExtendedData key), Surplus, RawData.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/text_buffer.h"
#include "lib/event/event.h"

namespace etwcat::formats {

class field_selection {
 public:
  /// The empty selection: every member (writers then print whole events).
  field_selection() = default;

  /// Parses the --fields paths. Throws usage_error naming the bad path: an empty one, one
  /// given twice, an unknown root or an unknown System path (the message lists the valid ones).
  ///   auto fields = field_selection::parse(std::vector<std::string>{"System.EventID"});
  static field_selection parse(std::span<const std::string> paths);

  bool empty() const noexcept { return fields_.empty(); }
  std::size_t size() const noexcept { return fields_.size(); }
  /// Field `i` as the user spelled it: the key or column header.
  std::string_view path(std::size_t i) const noexcept { return fields_[i].path; }

  /// Appends the JSON value of field `i` of `e` ("x" quoted, 4, {"Value":4,…}); false, having
  /// appended nothing, when the event has no such member. `source`: the name of e's input.
  bool append_json(text_buffer& out, const event& e, std::size_t i,
                   std::string_view source = {}) const;
  /// Appends field `i` as plain text: strings and "0x…"/GUID/time/hex values without quotes or
  /// escapes (invalid UTF-8 becomes U+FFFD), numbers and booleans as in JSON, objects and arrays
  /// as their JSON text. False, having appended nothing, when missing.
  bool append_text(text_buffer& out, const event& e, std::size_t i,
                   std::string_view source = {}) const;
  /// Appends {"<path>":value,…} over every field present, in the order given.
  void append_json_object(text_buffer& out, const event& e, std::string_view source = {}) const;

  /// Every System path, comma-separated, for messages and help.
  static std::string valid_system_paths();

  /// Where a field's value comes from.
  enum class root : std::uint8_t { system, event_data, extended_data, surplus, raw_data };

 private:
  struct field {
    std::string path;  // as given
    root where = root::system;
    std::uint8_t member = 0;         // system: index into the member table; extended: key
    std::vector<std::string> steps;  // event_data: the names/indexes below EventData
  };

  // Appends the value; `json` picks the form. False when missing.
  bool append_value(text_buffer& out, const event& e, const field& f, bool json,
                    std::string_view source) const;

  std::vector<field> fields_;
};

}  // namespace etwcat::formats
