// xml_writer: appends each <Event> straight into the sink's buffer; a value's text is made in a
// reused scratch string first, then escaped into place, so nothing is allocated per event.
#include "formats/xml_writer.h"

#include <array>
#include <charconv>
#include <span>

#include "formats/event_data_json.h"
#include "formats/json.h"
#include "lib/base/time_format.h"

namespace etwcat::formats {
namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence at `s[i]`, or 0 when it is invalid.
std::size_t utf8_length(std::string_view s, std::size_t i) noexcept {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = b(i);
  const std::size_t n = lead < 0xC2 ? 0 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : lead < 0xF5 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  }
  if (lead == 0xE0 && b(i + 1) < 0xA0) return 0;   // overlong
  if (lead == 0xED && b(i + 1) >= 0xA0) return 0;  // surrogate
  if (lead == 0xF0 && b(i + 1) < 0x90) return 0;   // overlong
  if (lead == 0xF4 && b(i + 1) >= 0x90) return 0;  // above U+10FFFF
  return n;
}

// U+FFFE and U+FFFF: valid UTF-8, but not XML characters.
bool is_noncharacter(std::string_view s, std::size_t i) noexcept {
  return static_cast<unsigned char>(s[i]) == 0xEF && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
         static_cast<unsigned char>(s[i + 2]) >= 0xBE;
}

void append_guid(text_buffer& out, const guid& g) {
  std::array<char, 38> text;
  g.format_to(text);
  out.append(text.data(), text.size());
}

void append_hex_digits(text_buffer& out, std::span<const std::byte> bytes) {
  static constexpr char digits[] = "0123456789ABCDEF";
  for (std::byte b : bytes) {
    out.push_back(digits[static_cast<unsigned>(b) >> 4]);
    out.push_back(digits[static_cast<unsigned>(b) & 0xF]);
  }
}

// ` Name="value"` with the value escaped.
void append_attribute(text_buffer& out, std::string_view name, std::string_view value) {
  out.push_back(' ');
  out.append(name);
  out += "=\"";
  append_xml_escaped(out, value, true);
  out.push_back('"');
}

void append_number_attribute(text_buffer& out, std::string_view name, std::uint64_t value) {
  out.push_back(' ');
  out.append(name);
  out += "=\"";
  append_number(out, value);
  out.push_back('"');
}

// <tag>text</tag> with the text escaped.
void append_text_element(text_buffer& out, std::string_view tag, std::string_view text) {
  out.push_back('<');
  out.append(tag);
  out.push_back('>');
  append_xml_escaped(out, text, false);
  out += "</";
  out.append(tag);
  out.push_back('>');
}

void append_number_element(text_buffer& out, std::string_view tag, std::uint64_t value) {
  out.push_back('<');
  out.append(tag);
  out.push_back('>');
  append_number(out, value);
  out += "</";
  out.append(tag);
  out.push_back('>');
}

void append_hex_element(text_buffer& out, std::string_view tag, std::uint64_t value) {
  out.push_back('<');
  out.append(tag);
  out.push_back('>');
  append_hex(out, value);
  out += "</";
  out.append(tag);
  out.push_back('>');
}

class event_xml {
 public:
  event_xml(text_buffer& out, const event& e, text_buffer& scratch)
      : out_(out), e_(e), scratch_(scratch) {}

  void system(std::string_view source) {
    out_ += "<System><Provider";
    if (!e_.provider_name.empty()) append_attribute(out_, "Name", e_.provider_name);
    out_ += " Guid=\"";
    append_guid(out_, e_.provider_guid);
    out_ += "\"/>";
    append_number_element(out_, "EventID", e_.event_id);
    if (e_.has_version) append_number_element(out_, "Version", e_.version);
    if (e_.has_level) append_number_element(out_, "Level", e_.level);
    if (e_.has_task) append_number_element(out_, "Task", e_.task);
    if (e_.has_opcode) append_number_element(out_, "Opcode", e_.opcode);
    if (e_.has_keywords) append_hex_element(out_, "Keywords", e_.keywords);
    if (e_.has_time) {
      char text[rfc3339_length];
      out_ += "<TimeCreated SystemTime=\"";
      out_.append(format_rfc3339(e_.time_created, text));
      out_ += "\"/>";
    }
    out_ += "<Correlation";
    if (e_.has_activity_id) {
      out_ += " ActivityID=\"";
      append_guid(out_, e_.activity_id);
      out_.push_back('"');
    }
    if (e_.has_related_activity_id) {
      out_ += " RelatedActivityID=\"";
      append_guid(out_, e_.related_activity_id);
      out_.push_back('"');
    }
    out_ += "/><Execution";
    if (e_.has_process_and_thread) {
      append_number_attribute(out_, "ProcessID", e_.process_id);
      if (e_.has_thread_id()) append_number_attribute(out_, "ThreadID", e_.thread_id);
    }
    append_number_attribute(out_, "ProcessorID", e_.processor_id);
    if (e_.cpu_times == cpu_time_kind::kernel_user) {
      append_number_attribute(out_, "KernelTime", e_.kernel_time);
      append_number_attribute(out_, "UserTime", e_.user_time);
    } else if (e_.cpu_times == cpu_time_kind::processor) {
      append_number_attribute(out_, "ProcessorTime", e_.processor_time);
    }
    out_ += "/>";
    if (!e_.has_channel) {
      out_ += "<Channel/>";
    } else if (!e_.channel_name.empty()) {
      append_text_element(out_, "Channel", e_.channel_name);
    } else {
      append_number_element(out_, "Channel", e_.channel);
    }
    out_ += "<Computer/>";
    if (e_.has_sid) {
      out_ += "<Security";
      append_attribute(out_, "UserID", e_.sid());
      out_ += "/>";
    } else {
      out_ += "<Security/>";
    }
    // What the schema has no element for, in etwcat's namespace.
    if (const std::string_view name = e_.event_name(); !name.empty()) {
      append_text_element(out_, "etwcat:EventName", name);
    }
    if (!e_.process_name.empty()) append_text_element(out_, "etwcat:ProcessName", e_.process_name);
    if (e_.attributed) out_ += "<etwcat:Attributed>true</etwcat:Attributed>";
    if (e_.is_classic) {
      out_ += "<etwcat:Classic";
      if (e_.has_group) {
        if (!e_.group_name.empty()) {
          append_attribute(out_, "Group", e_.group_name);
        } else {
          append_number_attribute(out_, "Group", e_.group);
        }
      }
      append_number_attribute(out_, "Type", e_.classic_type);
      if (!e_.header_type.empty()) append_attribute(out_, "HeaderType", e_.header_type);
      out_ += "/>";
    }
    if (!e_.decode_error.empty()) append_text_element(out_, "etwcat:DecodeError", e_.decode_error);
    std::array<char, event::max_decode_warning> warning;
    if (const std::string_view text = e_.decode_warning(warning); !text.empty()) {
      append_text_element(out_, "etwcat:DecodeWarning", text);
    }
    if (!source.empty()) append_text_element(out_, "etwcat:Source", source);
    out_ += "</System>";
  }

  void event_data() {
    out_ += "<EventData>";
    const auto items = e_.data.items();
    std::size_t i = 0;
    while (i < items.size()) {
      if (is_end(items[i].type)) {  // unbalanced: skipped, as the JSON writer does
        ++i;
        continue;
      }
      i = data(i, true);
    }
    out_ += "</EventData>";
  }

  void rendering_info() {
    const bool any = !e_.level_name.empty() || !e_.opcode_name.empty() || !e_.task_name.empty() ||
                     !e_.channel_name.empty() || !e_.provider_name.empty() ||
                     !e_.keyword_names.empty();
    if (!any) return;
    out_ += "<RenderingInfo Culture=\"en-US\">";
    if (e_.has_level && !e_.level_name.empty()) append_text_element(out_, "Level", e_.level_name);
    if (e_.has_opcode && !e_.opcode_name.empty()) {
      append_text_element(out_, "Opcode", e_.opcode_name);
    }
    if (e_.has_task && !e_.task_name.empty()) append_text_element(out_, "Task", e_.task_name);
    if (e_.has_channel && !e_.channel_name.empty()) {
      append_text_element(out_, "Channel", e_.channel_name);
    }
    if (!e_.provider_name.empty()) append_text_element(out_, "Provider", e_.provider_name);
    if (!e_.keyword_names.empty()) {
      out_ += "<Keywords>";
      for (std::string_view k : e_.keyword_names) append_text_element(out_, "Keyword", k);
      out_ += "</Keywords>";
    }
    out_ += "</RenderingInfo>";
  }

  void extended_data() {
    out_ += "<etwcat:ExtendedData>";
    if (e_.has_stack_trace) {
      out_ += "<etwcat:StackTrace";
      if (e_.stack.match_id != 0) append_number_attribute(out_, "MatchID", e_.stack.match_id);
      out_.push_back('>');
      for (std::size_t i = 0; i < e_.stack.count(); ++i) {
        if (i != 0) out_.push_back(' ');
        append_hex(out_, e_.stack.address(i));
      }
      out_ += "</etwcat:StackTrace>";
    }
    if (e_.has_terminal_session_id) {
      append_number_element(out_, "etwcat:TerminalSessionID", e_.terminal_session_id);
    }
    if (e_.has_stack_key) {
      out_ += "<etwcat:StackKey";
      append_number_attribute(out_, "MatchID", e_.stack_key_item.match_id);
      out_ += " Key=\"";
      append_hex(out_, e_.stack_key_item.key);
      out_ += "\"/>";
    }
    if (e_.has_event_key) append_hex_element(out_, "etwcat:EventKey", e_.event_key);
    if (e_.has_process_start_key) {
      append_hex_element(out_, "etwcat:ProcessStartKey", e_.process_start_key);
    }
    if (e_.has_container_id) append_text_element(out_, "etwcat:ContainerID", e_.container_id);
    for (const other_item& item : e_.other_items) {
      out_ += "<etwcat:Other";
      append_number_attribute(out_, "Type", item.type);
      out_.push_back('>');
      append_hex_digits(out_, item.data);
      out_ += "</etwcat:Other>";
    }
    out_ += "</etwcat:ExtendedData>";
  }

 private:
  static bool is_end(data_type t) {
    return t == data_type::end_struct || t == data_type::end_array;
  }

  // One item and, for a struct or array, everything in it. Returns the index after it.
  std::size_t data(std::size_t i, bool named) {
    const auto items = e_.data.items();
    const data_item& item = items[i];
    const bool complex =
        item.type == data_type::begin_struct || item.type == data_type::begin_array;
    const std::string_view tag = complex ? "ComplexData" : "Data";
    out_.push_back('<');
    out_.append(tag);
    if (named) append_attribute(out_, "Name", item.name);
    out_.push_back('>');
    std::size_t next;
    if (complex) {
      // Members carry their names; array elements do not.
      const bool members_named = item.type == data_type::begin_struct;
      next = i + 1;
      while (next < items.size() && !is_end(items[next].type)) next = data(next, members_named);
      if (next < items.size()) ++next;  // past the end marker
    } else {
      scratch_.clear();
      next = append_data_text(scratch_, e_.data, i);
      append_xml_escaped(out_, scratch_.view(), false);
    }
    out_ += "</";
    out_.append(tag);
    out_.push_back('>');
    return next;
  }

  text_buffer& out_;
  const event& e_;
  text_buffer& scratch_;
};

}  // namespace

void append_xml_escaped(text_buffer& out, std::string_view text, bool attribute) {
  std::size_t i = 0;
  while (i < text.size()) {
    // Runs of ASCII that need nothing go out in one append.
    std::size_t run = i;
    while (run < text.size()) {
      const auto b = static_cast<unsigned char>(text[run]);
      if (b < 0x20 || b >= 0x80 || b == '&' || b == '<' || b == '>' || b == '"') break;
      ++run;
    }
    if (run != i) {
      out.append(text.data() + i, run - i);
      i = run;
      continue;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const std::size_t n = utf8_length(text, i);
      if (n == 0) {
        out.append(replacement);  // one per invalid byte, as the JSON writer does
        ++i;
      } else if (n == 3 && is_noncharacter(text, i)) {
        out.append(replacement);
        i += n;
      } else {
        out.append(text.data() + i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      // Parsers turn a literal CR (and, in attributes, tab and LF) into something else;
      // character references survive.
      case '\r':
        out += "&#13;";
        break;
      case '\t':
        out += attribute ? std::string_view("&#9;") : std::string_view("\t");
        break;
      case '\n':
        out += attribute ? std::string_view("&#10;") : std::string_view("\n");
        break;
      default:
        out.append(replacement);  // a control character XML 1.0 does not allow
        break;
    }
    ++i;
  }
}

void append_event_xml(text_buffer& out, const event& e, const xml_options& options,
                      std::string_view source, text_buffer& scratch) {
  out +=
      "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\" "
      "xmlns:etwcat=\"urn:etwcat\">";
  event_xml x(out, e, scratch);
  x.system(source);
  const bool raw = !e.raw_data.empty() && (!e.payload_decoded || options.always_raw);
  bool raw_written = false;
  if (!e.data.empty()) {
    x.event_data();
  } else if (raw) {
    // No fields: the payload as the schema's binary blob, as EvtRender does without metadata.
    out += "<BinaryEventData>";
    append_hex_digits(out, e.raw_data);
    out += "</BinaryEventData>";
    raw_written = true;
  }
  x.rendering_info();
  if (e.is_classic) {
    out +=
        "<ExtendedTracingInfo xmlns=\"http://schemas.microsoft.com/win/2004/08/events/trace\">"
        "<EventGuid>";
    append_guid(out, e.provider_guid);
    out += "</EventGuid></ExtendedTracingInfo>";
  }
  // The SID is Security's UserID; the rest of ExtendedData has no place in the schema.
  if (e.has_stack_trace || e.has_terminal_session_id || e.has_stack_key || e.has_event_key ||
      e.has_process_start_key || e.has_container_id || !e.other_items.empty()) {
    x.extended_data();
  }
  if (e.has_surplus()) {
    out += "<etwcat:Surplus>";
    append_hex_digits(out, e.data.surplus().bytes);
    out += "</etwcat:Surplus>";
  }
  if (raw && !raw_written) {
    out += "<etwcat:RawData>";
    append_hex_digits(out, e.raw_data);
    out += "</etwcat:RawData>";
  }
  out += "</Event>";
}

void xml_writer::begin(const trace_info& info) {
  sources_.assign(info);
  sink_.buffer() += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Events>\n";
  sink_.commit();
}

void xml_writer::write(const event& e) {
  text_buffer& out = sink_.buffer();
  append_event_xml(out, e, options_, sources_.several() ? sources_.of(e) : std::string_view(),
                   scratch_);
  out.push_back('\n');
  sink_.commit();
}

void xml_writer::finish(const summary& totals) {
  text_buffer& out = sink_.buffer();
  if (totals.loss != nullptr && totals.loss->any()) {
    const session_loss& l = *totals.loss;
    out += "<etwcat:Loss xmlns:etwcat=\"urn:etwcat\"";
    append_attribute(out, "Session", l.session);
    append_number_attribute(out, "Delivered", l.delivered);
    append_number_attribute(out, "Written", l.written);
    append_number_attribute(out, "Filtered", l.filtered);
    append_number_attribute(out, "EventsLost", l.events_lost);
    append_number_attribute(out, "RealTimeBuffersLost", l.real_time_buffers_lost);
    append_number_attribute(out, "LogBuffersLost", l.log_buffers_lost);
    append_number_attribute(out, "LostEventNotices", l.lost_event_notices);
    append_number_attribute(out, "LostBufferNotices", l.lost_buffer_notices);
    append_number_attribute(out, "DroppedByQueue", l.dropped_by_queue);
    append_number_attribute(out, "TooLarge", l.too_large);
    out += "/>\n";
  }
  out += "</Events>\n";
  sink_.flush();
}

}  // namespace etwcat::formats
