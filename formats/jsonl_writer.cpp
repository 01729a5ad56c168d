// jsonl_writer: appends the output-schema.md object of an event straight into the sink's
// buffer; numbers through std::to_chars, so nothing is allocated per event.
#include "formats/jsonl_writer.h"

#include <array>
#include <charconv>
#include <cstddef>
#include <cstring>
#include <span>

#include "formats/event_data_json.h"
#include "formats/json.h"
#include "formats/loss_report.h"
#include "lib/base/hex_digits.h"
#include "lib/base/time_format.h"

namespace etwcat::formats {
namespace {

void append_guid(text_buffer& out, const guid& g) {
  std::array<char, 38> text;
  g.format_to(text);
  out.push_back('"');
  out.append(text.data(), text.size());
  out.push_back('"');
}

void append_quoted_hex(text_buffer& out, std::uint64_t value) {
  out.push_back('"');
  append_hex(out, value);
  out.push_back('"');
}

void append_hex_bytes(text_buffer& out, std::span<const std::byte> bytes) {
  char* p = out.extend(2 + 2 * bytes.size());
  *p++ = '"';
  for (std::byte b : bytes) {
    std::memcpy(p, hex_pairs[static_cast<unsigned>(b)].data(), 2);
    p += 2;
  }
  *p = '"';
}

// Writes the separator between members of one object: nothing before the first. Keys are
// literals written as `,"Name":` so that each is one copy; the comma is dropped for the first.
class members {
 public:
  explicit members(text_buffer& out) : out_(out) {}
  /// Appends `"key":` (after a comma unless it is the first member).
  template <std::size_t N>
  text_buffer& key(const char (&name)[N]) {
    static_assert(N >= 5, "a key is a literal of the form \",\\\"Name\\\":\"");
    // One copy of a fixed size; for the first member it starts past the comma, and reads the
    // literal's NUL instead (in bounds), which the end then leaves off.
    const std::size_t skip = first_ ? 1 : 0;
    char* p = out_.reserve_back(N);
    std::memcpy(p, name + skip, N - 1);
    out_.advance_to(p + (N - 1 - skip));
    first_ = false;
    return out_;
  }

 private:
  text_buffer& out_;
  bool first_ = true;
};

// {"Value":n,"Name":"…"} with Name left out when unknown.
void append_valued(text_buffer& out, std::uint64_t value, std::string_view name) {
  out += "{\"Value\":";
  append_number(out, value);
  if (!name.empty()) {
    out += ",\"Name\":";
    append_json_string(out, name);
  }
  out.push_back('}');
}

void append_provider(text_buffer& out, const event& e) {
  out.push_back('{');
  members p(out);
  if (!e.provider_name.empty()) append_json_string(p.key(",\"Name\":"), e.provider_name);
  append_guid(p.key(",\"Guid\":"), e.provider_guid);
  out.push_back('}');
}

void append_keywords(text_buffer& out, const event& e) {
  out += "{\"Mask\":";
  append_quoted_hex(out, e.keywords);
  if (!e.keyword_names.empty()) {
    out += ",\"Name\":[";
    for (std::size_t i = 0; i < e.keyword_names.size(); ++i) {
      if (i != 0) out.push_back(',');
      append_json_string(out, e.keyword_names[i]);
    }
    out.push_back(']');
  }
  out.push_back('}');
}

void append_time_created(text_buffer& out, const event& e) {
  char text[rfc3339_length];
  out += "{\"SystemTime\":\"";
  out.append(format_rfc3339(e.time_created, text));
  out += "\"}";
}

void append_correlation(text_buffer& out, const event& e) {
  out.push_back('{');
  members c(out);
  if (e.has_activity_id) append_guid(c.key(",\"ActivityID\":"), e.activity_id);
  if (e.has_related_activity_id)
    append_guid(c.key(",\"RelatedActivityID\":"), e.related_activity_id);
  out.push_back('}');
}

void append_execution(text_buffer& out, const event& e) {
  out.push_back('{');
  members x(out);
  if (e.has_process_and_thread) {
    append_number(x.key(",\"ProcessID\":"), e.process_id);
    if (e.has_thread_id()) append_number(x.key(",\"ThreadID\":"), e.thread_id);
  }
  if (!e.process_name.empty()) append_json_string(x.key(",\"ProcessName\":"), e.process_name);
  if (e.attributed) x.key(",\"Attributed\":") += "true";
  append_number(x.key(",\"ProcessorID\":"), e.processor_id);
  if (e.cpu_times == cpu_time_kind::kernel_user) {
    append_number(x.key(",\"KernelTime\":"), e.kernel_time);
    append_number(x.key(",\"UserTime\":"), e.user_time);
  } else if (e.cpu_times == cpu_time_kind::processor) {
    append_number(x.key(",\"ProcessorTime\":"), e.processor_time);
  }
  out.push_back('}');
}

void append_classic(text_buffer& out, const event& e) {
  out.push_back('{');
  members c(out);
  if (e.has_group) {
    if (!e.group_name.empty()) {
      append_json_string(c.key(",\"Group\":"), e.group_name);
    } else {
      append_number(c.key(",\"Group\":"), e.group);  // unknown group: its number
    }
  }
  append_number(c.key(",\"Type\":"), e.classic_type);
  if (!e.header_type.empty()) append_json_string(c.key(",\"HeaderType\":"), e.header_type);
  out.push_back('}');
}

// The members of System, without the braces.
void append_system(text_buffer& out, const event& e, std::string_view source) {
  members m(out);
  append_provider(m.key(",\"Provider\":"), e);
  if (e.has_event_id) append_number(m.key(",\"EventID\":"), e.event_id);
  if (e.has_version) append_number(m.key(",\"Version\":"), e.version);
  if (e.has_level) append_valued(m.key(",\"Level\":"), e.level, e.level_name);
  if (e.has_task) append_valued(m.key(",\"Task\":"), e.task, e.task_name);
  if (e.has_opcode) append_valued(m.key(",\"Opcode\":"), e.opcode, e.opcode_name);
  if (e.has_keywords) append_keywords(m.key(",\"Keywords\":"), e);
  if (e.has_channel) append_valued(m.key(",\"Channel\":"), e.channel, e.channel_name);
  if (const std::string_view name = e.event_name(); !name.empty()) {
    append_json_string(m.key(",\"EventName\":"), name);
  }
  if (e.has_time) append_time_created(m.key(",\"TimeCreated\":"), e);
  if (e.has_activity_id || e.has_related_activity_id)
    append_correlation(m.key(",\"Correlation\":"), e);
  append_execution(m.key(",\"Execution\":"), e);
  if (e.is_classic) append_classic(m.key(",\"Classic\":"), e);
  if (!e.decode_error.empty()) append_json_string(m.key(",\"DecodeError\":"), e.decode_error);
  std::array<char, event::max_decode_warning> warning;
  if (const std::string_view text = e.decode_warning(warning); !text.empty()) {
    append_json_string(m.key(",\"DecodeWarning\":"), text);
  }
  if (!source.empty()) append_json_string(m.key(",\"Source\":"), source);
}

void append_stack_trace(text_buffer& out, const event& e) {
  out.push_back('[');
  for (std::size_t i = 0; i < e.stack.count(); ++i) {
    if (i != 0) out.push_back(',');
    append_quoted_hex(out, e.stack.address(i));
  }
  out.push_back(']');
}

void append_stack_key(text_buffer& out, const event& e) {
  out += "{\"MatchID\":";
  append_number(out, e.stack_key_item.match_id);
  out += ",\"Key\":";
  append_quoted_hex(out, e.stack_key_item.key);
  out.push_back('}');
}

void append_other_items(text_buffer& out, const event& e) {
  out.push_back('[');
  for (std::size_t i = 0; i < e.other_items.size(); ++i) {
    if (i != 0) out.push_back(',');
    out += "{\"Type\":";
    append_number(out, e.other_items[i].type);
    out += ",\"Data\":";
    append_hex_bytes(out, e.other_items[i].data);
    out.push_back('}');
  }
  out.push_back(']');
}

void append_extended(text_buffer& out, const event& e) {
  members m(out);
  if (e.has_stack_trace) {
    append_stack_trace(m.key(",\"StackTrace\":"), e);
    if (e.stack.match_id != 0) append_number(m.key(",\"StackMatchID\":"), e.stack.match_id);
  }
  if (e.has_sid) append_json_string(m.key(",\"Sid\":"), e.sid());
  if (e.has_terminal_session_id)
    append_number(m.key(",\"TerminalSessionID\":"), e.terminal_session_id);
  if (e.has_stack_key) append_stack_key(m.key(",\"StackKey\":"), e);
  if (e.has_event_key) append_quoted_hex(m.key(",\"EventKey\":"), e.event_key);
  if (e.has_process_start_key)
    append_quoted_hex(m.key(",\"ProcessStartKey\":"), e.process_start_key);
  if (e.has_container_id) append_json_string(m.key(",\"ContainerID\":"), e.container_id);
  if (!e.other_items.empty()) append_other_items(m.key(",\"Other\":"), e);
}

}  // namespace

void source_names::assign(const trace_info& info) {
  names_.clear();
  for (const trace_source& s : info.sources) {
    if (s.index >= names_.size()) names_.resize(s.index + std::size_t{1});
    names_[s.index] = s.name;
  }
  several_ = info.sources.size() > 1;
}

void append_event_json(text_buffer& out, const event& e, const jsonl_options& options,
                       std::string_view source) {
  out += "{\"System\":{";
  append_system(out, e, source);
  out.push_back('}');
  if (!e.data.empty()) {
    out += ",\"EventData\":{";
    append_event_data_members(out, e.data);
    out.push_back('}');
  }
  if (e.has_extended_data()) {
    out += ",\"ExtendedData\":{";
    append_extended(out, e);
    out.push_back('}');
  }
  if (e.has_surplus()) {
    out += ",\"Surplus\":";
    append_hex_bytes(out, e.data.surplus().bytes);
  }
  if (!e.raw_data.empty() && (!e.payload_decoded || options.always_raw)) {
    out += ",\"RawData\":";
    append_hex_bytes(out, e.raw_data);
  }
  out.push_back('}');
}

std::string event_json(const event& e, const jsonl_options& options, std::string_view source) {
  text_buffer out;
  append_event_json(out, e, options, source);
  return out.str();
}

bool append_json_part(text_buffer& out, const event& e, json_part part) {
  switch (part) {
    case json_part::system:
      out.push_back('{');
      append_system(out, e, {});
      out.push_back('}');
      return true;
    case json_part::provider:
      append_provider(out, e);
      return true;
    case json_part::level:
      if (e.has_level) append_valued(out, e.level, e.level_name);
      return e.has_level;
    case json_part::task:
      if (e.has_task) append_valued(out, e.task, e.task_name);
      return e.has_task;
    case json_part::opcode:
      if (e.has_opcode) append_valued(out, e.opcode, e.opcode_name);
      return e.has_opcode;
    case json_part::keywords:
      if (e.has_keywords) append_keywords(out, e);
      return e.has_keywords;
    case json_part::channel:
      if (e.has_channel) append_valued(out, e.channel, e.channel_name);
      return e.has_channel;
    case json_part::time_created:
      if (e.has_time) append_time_created(out, e);
      return e.has_time;
    case json_part::correlation:
      if (!e.has_activity_id && !e.has_related_activity_id) return false;
      append_correlation(out, e);
      return true;
    case json_part::execution:
      append_execution(out, e);
      return true;
    case json_part::classic:
      if (e.is_classic) append_classic(out, e);
      return e.is_classic;
    case json_part::event_data:
      if (e.data.empty()) return false;
      out.push_back('{');
      append_event_data_members(out, e.data);
      out.push_back('}');
      return true;
    case json_part::extended_data:
      if (!e.has_extended_data()) return false;
      out.push_back('{');
      append_extended(out, e);
      out.push_back('}');
      return true;
    case json_part::stack_trace:
      if (e.has_stack_trace) append_stack_trace(out, e);
      return e.has_stack_trace;
    case json_part::stack_key:
      if (e.has_stack_key) append_stack_key(out, e);
      return e.has_stack_key;
    case json_part::other_items:
      if (!e.other_items.empty()) append_other_items(out, e);
      return !e.other_items.empty();
  }
  return false;
}

void jsonl_writer::write(const event& e) {
  text_buffer& out = sink_.buffer();
  const std::string_view source = sources_.of(e);
  if (!fields_.empty()) {
    fields_.append_json_object(out, e, source);
  } else {
    append_event_json(out, e, options_, sources_.several() ? source : std::string_view());
  }
  out.push_back('\n');
  sink_.commit();
}

void jsonl_writer::finish(const summary& totals) {
  if (totals.loss != nullptr && totals.loss->any()) {
    append_loss_json(sink_.buffer(), *totals.loss);
    sink_.buffer().push_back('\n');
    sink_.commit();
  }
  sink_.flush();
}

}  // namespace etwcat::formats
