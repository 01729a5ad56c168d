// csv_writer: one event -> one CSV record (RFC 4180): a header row, then one row per event, each
// ending in CRLF as RFC 4180 says (and as Excel and Python's csv module write). A cell is
// quoted when it holds a comma, a quote, CR or LF, a quote doubled inside; text is UTF-8.
//
// Columns without --fields:
//   TimeCreated, ProviderName, ProviderGuid, EventID, Version, Level, Task, Opcode, Keywords,
//   EventName, ProcessID, ThreadID, ProcessName, Attributed, ProcessorID, ActivityID,
//   [Source,] EventData, DecodeError
// Level, Task and Opcode are the numbers; Keywords "0x…"; Attributed "true" or empty; Source
// (the input file as given) only when several inputs are read at once; EventData the JSON text
// of the EventData object. With --fields: exactly those columns, headed by the paths as given,
// each cell the plain text of field_selection::append_text. A missing value is an empty cell.
#pragma once

#include <string>
#include <vector>

#include "formats/event_writer.h"
#include "formats/field_selection.h"
#include "formats/jsonl_writer.h"
#include "lib/base/text_buffer.h"
#include "lib/event/event.h"

namespace etwcat::formats {

class csv_writer final : public event_writer {
 public:
  /// With an empty selection the columns above; else the selection's.
  explicit csv_writer(output_sink& sink, field_selection fields = {});

  /// Writes the header row (the Source column is known only now).
  void begin(const trace_info& info) override;
  void write(const event& e) override;
  void finish(const summary&) override { sink_.flush(); }

 private:
  output_sink& sink_;
  field_selection fields_;
  std::vector<std::string> headers_;
  source_names sources_;
  bool chosen_;       // --fields gave the columns
  text_buffer cell_;  // one cell's text before quoting; reused
};

/// Appends `text` as one CSV cell: as is, or quoted with quotes doubled when it holds a comma,
/// a quote, CR or LF.
void append_csv_cell(text_buffer& out, std::string_view text);

}  // namespace etwcat::formats
