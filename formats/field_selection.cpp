// field_selection: the paths are resolved once, to a System member id, an ExtendedData key or
// EventData steps; per event a value is appended straight into the caller's buffer.
#include "formats/field_selection.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <span>

#include "formats/event_data_json.h"
#include "formats/json.h"
#include "formats/jsonl_writer.h"
#include "lib/base/ascii.h"
#include "lib/base/time_format.h"
#include "lib/base/unicode.h"
#include "lib/base/usage_error.h"

namespace etwcat::formats {
namespace {

// System members, in the order of output-schema.md.
enum class sys : std::uint8_t {
  system,
  provider,
  provider_name,
  provider_guid,
  event_id,
  version,
  level,
  level_value,
  level_name,
  task,
  task_value,
  task_name,
  opcode,
  opcode_value,
  opcode_name,
  keywords,
  keywords_mask,
  keywords_name,
  channel,
  channel_value,
  channel_name,
  event_name,
  time_created,
  system_time,
  correlation,
  activity_id,
  related_activity_id,
  execution,
  process_id,
  thread_id,
  process_name,
  attributed,
  processor_id,
  kernel_time,
  user_time,
  processor_time,
  classic,
  classic_group,
  classic_type,
  classic_header_type,
  decode_error,
  decode_warning,
  source,
};

struct named_member {
  std::string_view path;
  sys id;
};

constexpr std::array system_members = {
    named_member{"System", sys::system},
    named_member{"System.Provider", sys::provider},
    named_member{"System.Provider.Name", sys::provider_name},
    named_member{"System.Provider.Guid", sys::provider_guid},
    named_member{"System.EventID", sys::event_id},
    named_member{"System.Version", sys::version},
    named_member{"System.Level", sys::level},
    named_member{"System.Level.Value", sys::level_value},
    named_member{"System.Level.Name", sys::level_name},
    named_member{"System.Task", sys::task},
    named_member{"System.Task.Value", sys::task_value},
    named_member{"System.Task.Name", sys::task_name},
    named_member{"System.Opcode", sys::opcode},
    named_member{"System.Opcode.Value", sys::opcode_value},
    named_member{"System.Opcode.Name", sys::opcode_name},
    named_member{"System.Keywords", sys::keywords},
    named_member{"System.Keywords.Mask", sys::keywords_mask},
    named_member{"System.Keywords.Name", sys::keywords_name},
    named_member{"System.Channel", sys::channel},
    named_member{"System.Channel.Value", sys::channel_value},
    named_member{"System.Channel.Name", sys::channel_name},
    named_member{"System.EventName", sys::event_name},
    named_member{"System.TimeCreated", sys::time_created},
    named_member{"System.TimeCreated.SystemTime", sys::system_time},
    named_member{"System.Correlation", sys::correlation},
    named_member{"System.Correlation.ActivityID", sys::activity_id},
    named_member{"System.Correlation.RelatedActivityID", sys::related_activity_id},
    named_member{"System.Execution", sys::execution},
    named_member{"System.Execution.ProcessID", sys::process_id},
    named_member{"System.Execution.ThreadID", sys::thread_id},
    named_member{"System.Execution.ProcessName", sys::process_name},
    named_member{"System.Execution.Attributed", sys::attributed},
    named_member{"System.Execution.ProcessorID", sys::processor_id},
    named_member{"System.Execution.KernelTime", sys::kernel_time},
    named_member{"System.Execution.UserTime", sys::user_time},
    named_member{"System.Execution.ProcessorTime", sys::processor_time},
    named_member{"System.Classic", sys::classic},
    named_member{"System.Classic.Group", sys::classic_group},
    named_member{"System.Classic.Type", sys::classic_type},
    named_member{"System.Classic.HeaderType", sys::classic_header_type},
    named_member{"System.DecodeError", sys::decode_error},
    named_member{"System.DecodeWarning", sys::decode_warning},
    named_member{"System.Source", sys::source},
};

// ExtendedData keys, as append_event_json writes them.
enum class ext : std::uint8_t {
  whole,
  stack_trace,
  stack_match_id,
  sid,
  terminal_session_id,
  stack_key,
  event_key,
  process_start_key,
  container_id,
  other,
};

constexpr std::array<std::string_view, 9> extended_keys = {
    "StackTrace",      "StackMatchID", "Sid",  "TerminalSessionID", "StackKey", "EventKey",
    "ProcessStartKey", "ContainerID",  "Other"};

// One value in the form asked for: JSON, or plain text for CSV cells and text columns.
class value_writer {
 public:
  value_writer(text_buffer& out, bool json) : out_(out), json_(json) {}

  bool number(std::uint64_t value) {
    char text[20];
    auto [end, ec] = std::to_chars(text, text + sizeof text, value);
    out_.append(text, static_cast<std::size_t>(end - text));
    return true;
  }
  bool text(std::string_view value) {
    if (json_) {
      append_json_string(out_, value);
    } else {
      append_checked_utf8(out_, std::as_bytes(std::span(value.data(), value.size())));
    }
    return true;
  }
  // Text made here (hex digits, GUIDs, times): quoted in JSON, nothing to escape.
  bool made(std::string_view value) {
    if (json_) out_.push_back('"');
    out_.append(value);
    if (json_) out_.push_back('"');
    return true;
  }
  bool hex(std::uint64_t value) {
    if (json_) out_.push_back('"');
    append_hex(out_, value);
    if (json_) out_.push_back('"');
    return true;
  }
  bool guid_value(const guid& g) {
    std::array<char, 38> text;
    g.format_to(text);
    return made(std::string_view(text.data(), text.size()));
  }
  bool boolean(bool value) {
    out_ += value ? "true" : "false";
    return true;
  }
  // Objects and arrays are JSON in either form.
  bool part(const event& e, json_part which) { return append_json_part(out_, e, which); }

 private:
  text_buffer& out_;
  bool json_;
};

bool append_system_value(value_writer& v, text_buffer& out, const event& e, sys id,
                         std::string_view source) {
  switch (id) {
    case sys::system:
      return v.part(e, json_part::system);
    case sys::provider:
      return v.part(e, json_part::provider);
    case sys::provider_name:
      return !e.provider_name.empty() && v.text(e.provider_name);
    case sys::provider_guid:
      return v.guid_value(e.provider_guid);
    case sys::event_id:
      return e.has_event_id && v.number(e.event_id);
    case sys::version:
      return e.has_version && v.number(e.version);
    case sys::level:
      return v.part(e, json_part::level);
    case sys::level_value:
      return e.has_level && v.number(e.level);
    case sys::level_name:
      return e.has_level && !e.level_name.empty() && v.text(e.level_name);
    case sys::task:
      return v.part(e, json_part::task);
    case sys::task_value:
      return e.has_task && v.number(e.task);
    case sys::task_name:
      return e.has_task && !e.task_name.empty() && v.text(e.task_name);
    case sys::opcode:
      return v.part(e, json_part::opcode);
    case sys::opcode_value:
      return e.has_opcode && v.number(e.opcode);
    case sys::opcode_name:
      return e.has_opcode && !e.opcode_name.empty() && v.text(e.opcode_name);
    case sys::keywords:
      return v.part(e, json_part::keywords);
    case sys::keywords_mask:
      return e.has_keywords && v.hex(e.keywords);
    case sys::keywords_name:
      if (!e.has_keywords || e.keyword_names.empty()) return false;
      out.push_back('[');
      for (std::size_t i = 0; i < e.keyword_names.size(); ++i) {
        if (i != 0) out.push_back(',');
        append_json_string(out, e.keyword_names[i]);
      }
      out.push_back(']');
      return true;
    case sys::channel:
      return v.part(e, json_part::channel);
    case sys::channel_value:
      return e.has_channel && v.number(e.channel);
    case sys::channel_name:
      return e.has_channel && !e.channel_name.empty() && v.text(e.channel_name);
    case sys::event_name:
      return !e.event_name().empty() && v.text(e.event_name());
    case sys::time_created:
      return v.part(e, json_part::time_created);
    case sys::system_time: {
      if (!e.has_time) return false;
      char text[rfc3339_length];
      return v.made(format_rfc3339(e.time_created, text));
    }
    case sys::correlation:
      return v.part(e, json_part::correlation);
    case sys::activity_id:
      return e.has_activity_id && v.guid_value(e.activity_id);
    case sys::related_activity_id:
      return e.has_related_activity_id && v.guid_value(e.related_activity_id);
    case sys::execution:
      return v.part(e, json_part::execution);
    case sys::process_id:
      return e.has_process_and_thread && v.number(e.process_id);
    case sys::thread_id:
      return e.has_thread_id() && v.number(e.thread_id);
    case sys::process_name:
      return !e.process_name.empty() && v.text(e.process_name);
    case sys::attributed:
      return e.attributed && v.boolean(true);
    case sys::processor_id:
      return v.number(e.processor_id);
    case sys::kernel_time:
      return e.cpu_times == cpu_time_kind::kernel_user && v.number(e.kernel_time);
    case sys::user_time:
      return e.cpu_times == cpu_time_kind::kernel_user && v.number(e.user_time);
    case sys::processor_time:
      return e.cpu_times == cpu_time_kind::processor && v.number(e.processor_time);
    case sys::classic:
      return v.part(e, json_part::classic);
    case sys::classic_group:
      if (!e.is_classic || !e.has_group) return false;
      return e.group_name.empty() ? v.number(e.group) : v.text(e.group_name);
    case sys::classic_type:
      return e.is_classic && v.number(e.classic_type);
    case sys::classic_header_type:
      return e.is_classic && !e.header_type.empty() && v.text(e.header_type);
    case sys::decode_error:
      return !e.decode_error.empty() && v.text(e.decode_error);
    case sys::decode_warning: {
      std::array<char, event::max_decode_warning> warning;
      const std::string_view text = e.decode_warning(warning);
      return !text.empty() && v.text(text);
    }
    case sys::source:
      return !source.empty() && v.text(source);
  }
  return false;
}

bool append_extended_value(value_writer& v, const event& e, ext key) {
  switch (key) {
    case ext::whole:
      return v.part(e, json_part::extended_data);
    case ext::stack_trace:
      return v.part(e, json_part::stack_trace);
    case ext::stack_match_id:
      return e.has_stack_trace && e.stack.match_id != 0 && v.number(e.stack.match_id);
    case ext::sid:
      return e.has_sid && v.text(e.sid());
    case ext::terminal_session_id:
      return e.has_terminal_session_id && v.number(e.terminal_session_id);
    case ext::stack_key:
      return v.part(e, json_part::stack_key);
    case ext::event_key:
      return e.has_event_key && v.hex(e.event_key);
    case ext::process_start_key:
      return e.has_process_start_key && v.hex(e.process_start_key);
    case ext::container_id:
      return e.has_container_id && v.text(e.container_id);
    case ext::other:
      return v.part(e, json_part::other_items);
  }
  return false;
}

void append_hex_bytes(text_buffer& out, std::span<const std::byte> bytes, bool json) {
  static constexpr char digits[] = "0123456789ABCDEF";
  if (json) out.push_back('"');
  for (std::byte b : bytes) {
    out.push_back(digits[static_cast<unsigned>(b) >> 4]);
    out.push_back(digits[static_cast<unsigned>(b) & 0xF]);
  }
  if (json) out.push_back('"');
}

// The item that `steps` name below EventData, or items().size() when there is none.
std::size_t find_data_item(const event_data& data, std::span<const std::string> steps) {
  const auto items = data.items();
  const data_item* top = data.find(steps[0]);
  if (top == nullptr) return items.size();
  std::size_t at = static_cast<std::size_t>(top - items.data());
  for (std::size_t s = 1; s < steps.size(); ++s) {
    const data_type type = items[at].type;
    if (type != data_type::begin_struct && type != data_type::begin_array) return items.size();
    // An array step is an index; a struct step a member name.
    std::size_t wanted = 0;
    if (type == data_type::begin_array) {
      const std::string& step = steps[s];
      auto [end, ec] = std::from_chars(step.data(), step.data() + step.size(), wanted);
      if (ec != std::errc() || end != step.data() + step.size()) return items.size();
    }
    std::size_t k = at + 1, index = 0;
    bool found = false;
    while (k < items.size() && items[k].type != data_type::end_struct &&
           items[k].type != data_type::end_array) {
      if (type == data_type::begin_array ? index == wanted
                                         : equals_ignoring_case(items[k].name, steps[s])) {
        found = true;
        break;
      }
      k = skip_data_value(data, k);
      ++index;
    }
    if (!found) return items.size();
    at = k;
  }
  return at;
}

}  // namespace

field_selection field_selection::parse(std::span<const std::string> paths) {
  field_selection selection;
  for (const std::string& path : paths) {
    if (path.empty())
      throw usage_error("--fields: an empty field (two commas, or a comma at an end)");
    for (const field& earlier : selection.fields_) {
      if (equals_ignoring_case(earlier.path, path)) {
        throw usage_error("--fields: \"" + path + "\" is given twice");
      }
    }
    field f;
    f.path = path;
    const std::string_view text = path;
    const std::size_t dot = text.find('.');
    const std::string_view head = text.substr(0, dot);
    const std::string_view rest =
        dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
    if (equals_ignoring_case(head, "System")) {
      const auto it =
          std::find_if(system_members.begin(), system_members.end(),
                       [&](const named_member& m) { return equals_ignoring_case(m.path, text); });
      if (it == system_members.end()) {
        throw usage_error("--fields: unknown field \"" + path + "\"; System fields are " +
                          valid_system_paths());
      }
      f.where = root::system;
      f.member = static_cast<std::uint8_t>(it->id);
    } else if (equals_ignoring_case(head, "EventData")) {
      f.where = root::event_data;
      // Names below EventData are the schema's; only the dots split them.
      std::string_view left = rest;
      while (dot != std::string_view::npos) {
        const std::size_t next = left.find('.');
        const std::string_view step = left.substr(0, next);
        if (step.empty()) throw usage_error("--fields: \"" + path + "\" has an empty step");
        f.steps.emplace_back(step);
        if (next == std::string_view::npos) break;
        left = left.substr(next + 1);
      }
    } else if (equals_ignoring_case(head, "ExtendedData")) {
      f.where = root::extended_data;
      f.member = static_cast<std::uint8_t>(ext::whole);
      if (dot != std::string_view::npos) {
        const auto it =
            std::find_if(extended_keys.begin(), extended_keys.end(),
                         [&](std::string_view k) { return equals_ignoring_case(k, rest); });
        if (it == extended_keys.end()) {
          std::string known;
          for (std::string_view k : extended_keys)
            known.append(known.empty() ? "" : ", ").append("ExtendedData.").append(k);
          throw usage_error("--fields: unknown field \"" + path +
                            "\"; ExtendedData fields are ExtendedData, " + known);
        }
        f.member = static_cast<std::uint8_t>(1 + (it - extended_keys.begin()));
      }
    } else if (dot == std::string_view::npos && equals_ignoring_case(head, "Surplus")) {
      f.where = root::surplus;
    } else if (dot == std::string_view::npos && equals_ignoring_case(head, "RawData")) {
      f.where = root::raw_data;
    } else {
      throw usage_error("--fields: unknown field \"" + path +
                        "\"; a field is System.…, EventData, EventData.NAME, ExtendedData.…, "
                        "Surplus or RawData (System fields are " +
                        valid_system_paths() + ")");
    }
    selection.fields_.push_back(std::move(f));
  }
  return selection;
}

std::string field_selection::valid_system_paths() {
  std::string text;
  for (const named_member& m : system_members) {
    if (!text.empty()) text += ", ";
    text += m.path;
  }
  return text;
}

bool field_selection::append_value(text_buffer& out, const event& e, const field& f, bool json,
                                   std::string_view source) const {
  value_writer v(out, json);
  switch (f.where) {
    case root::system:
      return append_system_value(v, out, e, static_cast<sys>(f.member), source);
    case root::extended_data:
      return append_extended_value(v, e, static_cast<ext>(f.member));
    case root::event_data: {
      if (f.steps.empty()) return v.part(e, json_part::event_data);
      const std::size_t at = find_data_item(e.data, f.steps);
      if (at >= e.data.items().size()) return false;
      if (json) {
        append_data_value(out, e.data, at);
      } else {
        append_data_text(out, e.data, at);
      }
      return true;
    }
    case root::surplus:
      if (!e.has_surplus()) return false;
      append_hex_bytes(out, e.data.surplus().bytes, json);
      return true;
    case root::raw_data:
      if (e.raw_data.empty()) return false;
      append_hex_bytes(out, e.raw_data, json);
      return true;
  }
  return false;
}

bool field_selection::append_json(text_buffer& out, const event& e, std::size_t i,
                                  std::string_view source) const {
  return append_value(out, e, fields_[i], true, source);
}

bool field_selection::append_text(text_buffer& out, const event& e, std::size_t i,
                                  std::string_view source) const {
  return append_value(out, e, fields_[i], false, source);
}

void field_selection::append_json_object(text_buffer& out, const event& e,
                                         std::string_view source) const {
  out.push_back('{');
  bool first = true;
  for (const field& f : fields_) {
    const std::size_t at = out.size();
    if (!first) out.push_back(',');
    append_json_string(out, f.path);
    out.push_back(':');
    if (append_value(out, e, f, true, source)) {
      first = false;
    } else {
      out.truncate(at);  // missing: no key either
    }
  }
  out.push_back('}');
}

}  // namespace etwcat::formats
