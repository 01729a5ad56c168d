// json_writer: all events as one JSON document (RFC 8259), an array of the event objects of
// jsonl_writer.h, for tools that read one document rather than lines:
//   [
//   {"System":{…},"EventData":{…}},
//   {"System":{…}}
//   ]
// One element per line, so that the array is as easy to grep as JSON lines. No events: `[]`.
// With --fields the elements are the flat objects of field_selection. After a live session that
// lost events, the last element is the {"Type":"Loss",…} object, as in JSON lines.
#pragma once

#include "formats/event_writer.h"
#include "formats/field_selection.h"
#include "formats/jsonl_writer.h"
#include "lib/event/event.h"

namespace etwcat::formats {

class json_writer final : public event_writer {
 public:
  explicit json_writer(output_sink& sink, jsonl_options options = {}, field_selection fields = {})
      : sink_(sink), options_(options), fields_(std::move(fields)) {}

  void begin(const trace_info& info) override { sources_.assign(info); }
  void write(const event& e) override;
  /// Closes the array; the document is complete only after this.
  void finish(const summary& totals) override;

 private:
  // "[\n" before the first element, ",\n" before the others.
  void open_element();

  output_sink& sink_;
  jsonl_options options_;
  field_selection fields_;
  source_names sources_;
  bool any_ = false;
};

}  // namespace etwcat::formats
