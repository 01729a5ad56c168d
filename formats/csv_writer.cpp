// csv_writer: the default columns are themselves a field selection, so a default column and the
// same path given to --fields print the same text.
#include "formats/csv_writer.h"

#include <array>
#include <string_view>

namespace etwcat::formats {
namespace {

struct column {
  std::string_view header;
  std::string_view path;
};

constexpr std::array<column, 16> before_source = {{
    {"TimeCreated", "System.TimeCreated.SystemTime"},
    {"ProviderName", "System.Provider.Name"},
    {"ProviderGuid", "System.Provider.Guid"},
    {"EventID", "System.EventID"},
    {"Version", "System.Version"},
    {"Level", "System.Level.Value"},
    {"Task", "System.Task.Value"},
    {"Opcode", "System.Opcode.Value"},
    {"Keywords", "System.Keywords.Mask"},
    {"EventName", "System.EventName"},
    {"ProcessID", "System.Execution.ProcessID"},
    {"ThreadID", "System.Execution.ThreadID"},
    {"ProcessName", "System.Execution.ProcessName"},
    {"Attributed", "System.Execution.Attributed"},
    {"ProcessorID", "System.Execution.ProcessorID"},
    {"ActivityID", "System.Correlation.ActivityID"},
}};
constexpr column source_column = {"Source", "System.Source"};
constexpr std::array<column, 2> after_source = {{
    {"EventData", "EventData"},
    {"DecodeError", "System.DecodeError"},
}};

constexpr std::string_view line_end = "\r\n";

}  // namespace

void append_csv_cell(text_buffer& out, std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(text);
    return;
  }
  out.push_back('"');
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

csv_writer::csv_writer(output_sink& sink, field_selection fields)
    : sink_(sink), fields_(std::move(fields)), chosen_(!fields_.empty()) {}

void csv_writer::begin(const trace_info& info) {
  sources_.assign(info);
  if (!chosen_) {
    std::vector<std::string> paths;
    headers_.clear();
    auto add = [&](const column& c) {
      headers_.emplace_back(c.header);
      paths.emplace_back(c.path);
    };
    for (const column& c : before_source) add(c);
    if (sources_.several()) add(source_column);
    for (const column& c : after_source) add(c);
    fields_ = field_selection::parse(paths);
  } else {
    headers_.clear();
    for (std::size_t i = 0; i < fields_.size(); ++i) headers_.emplace_back(fields_.path(i));
  }
  text_buffer& out = sink_.buffer();
  for (std::size_t i = 0; i < headers_.size(); ++i) {
    if (i != 0) out.push_back(',');
    append_csv_cell(out, headers_[i]);
  }
  out.append(line_end);
  sink_.commit();
}

void csv_writer::write(const event& e) {
  text_buffer& out = sink_.buffer();
  const std::string_view source = sources_.of(e);
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    if (i != 0) out.push_back(',');
    cell_.clear();
    fields_.append_text(cell_, e, i, source);
    if (cell_.empty() && fields_.size() == 1) {
      out += "\"\"";  // a blank line would read as no record at all
    } else {
      append_csv_cell(out, cell_.view());
    }
  }
  out.append(line_end);
  sink_.commit();
}

}  // namespace etwcat::formats
