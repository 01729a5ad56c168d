// text_writer: the human-readable line. Values are written without quoting; control bytes in
// names from a trace become '?' so that one event always stays one line.
#include "formats/text_writer.h"

#include <array>
#include <charconv>
#include <cstdlib>
#include <string_view>

#include "formats/event_data_json.h"
#include "formats/json.h"
#include "lib/base/time_format.h"

#if defined(_WIN32)
#include <io.h>
#else
#include <unistd.h>
#endif

namespace etwcat::formats {
namespace {

// SGR sequences; the terminal default is restored after each colored part.
constexpr std::string_view dim = "\x1b[2m";
constexpr std::string_view cyan = "\x1b[36m";
constexpr std::string_view bold = "\x1b[1m";
constexpr std::string_view red = "\x1b[1;31m";
constexpr std::string_view yellow = "\x1b[1;33m";
constexpr std::string_view reset = "\x1b[0m";

void append_number(std::string& out, std::uint64_t value) {
  char text[20];
  auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  out.append(text, static_cast<std::size_t>(end - text));
}

void append_clean(std::string& out, std::string_view text) {
  for (char c : text) out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? '?' : c);
}

void append_guid(std::string& out, const guid& g) {
  std::array<char, 38> text;
  g.format_to(text);
  out.append(text.data(), text.size());
}

// Writes " key=" (the key dimmed when colored); the caller appends the value.
class pairs {
 public:
  pairs(std::string& out, bool color) : out_(out), color_(color) {}
  std::string& key(std::string_view name) {
    out_.push_back(' ');
    if (color_) out_.append(dim);
    out_.append(name);
    out_.push_back('=');
    if (color_) out_.append(reset);
    return out_;
  }

 private:
  std::string& out_;
  bool color_;
};

}  // namespace

bool wants_color(std::FILE* file) {
  if (const char* no_color = std::getenv("NO_COLOR"); no_color != nullptr && *no_color != '\0') {
    return false;
  }
#if defined(_WIN32)
  // Windows 10 consoles show SGR sequences once virtual terminal processing is on, which the
  // command sets up for its console; redirected output is never a tty.
  return file != nullptr && _isatty(_fileno(file)) != 0;
#else
  return file != nullptr && isatty(fileno(file)) != 0;
#endif
}

text_writer::text_writer(output_sink& sink, color_mode mode)
    : sink_(sink),
      color_(mode == color_mode::always ||
             (mode == color_mode::automatic && wants_color(sink.file()))) {}

void append_event_text(std::string& out, const event& e, bool color) {
  // Time.
  if (color) out.append(dim);
  if (e.has_time) {
    char text[rfc3339_length];
    out.append(format_rfc3339(e.time_created, text));
  } else {
    out.append(rfc3339_length, '-');  // WPP without a timestamp; keeps the columns
  }
  if (color) out.append(reset);

  // Provider: its name, else its GUID.
  out.push_back(' ');
  if (color) out.append(cyan);
  if (!e.provider_name.empty()) {
    append_clean(out, e.provider_name);
  } else {
    append_guid(out, e.provider_guid);
  }
  if (color) out.append(reset);

  // Event name, colored by severity: Critical/Error red, Warning yellow.
  out.push_back(' ');
  if (color) {
    out.append(!e.has_level || e.level == 0 || e.level > 3 ? bold : e.level == 3 ? yellow : red);
  }
  const std::string_view name = e.event_name();
  append_clean(out, name.empty() ? std::string_view("-") : name);
  if (color) out.append(reset);

  pairs p(out, color);
  if (e.has_process_and_thread) {
    append_number(p.key("pid"), e.process_id);
    append_number(p.key("tid"), e.thread_id);
  }
  append_number(p.key("cpu"), e.processor_id);
  if (e.has_event_id) append_number(p.key("id"), e.event_id);
  if (e.has_version) append_number(p.key("version"), e.version);
  if (e.has_level) {
    if (!e.level_name.empty()) {
      append_clean(p.key("level"), e.level_name);
    } else {
      append_number(p.key("level"), e.level);
    }
  }
  if (e.has_task && e.task != 0) append_number(p.key("task"), e.task);
  if (e.has_opcode) append_number(p.key("opcode"), e.opcode);
  if (e.has_keywords && e.keywords != 0) append_hex(p.key("keywords"), e.keywords);
  if (e.has_activity_id) append_guid(p.key("activity"), e.activity_id);
  if (e.has_related_activity_id) append_guid(p.key("related_activity"), e.related_activity_id);
  if (e.has_sid) append_clean(p.key("sid"), e.sid());
  if (e.has_stack_trace) append_number(p.key("stack_frames"), e.stack.count());
  // The payload: its fields, else its size.
  const auto items = e.data.items();
  std::size_t i = 0;
  while (i < items.size()) {
    const data_item& item = items[i];
    if (item.type == data_type::end_struct || item.type == data_type::end_array) {
      ++i;
      continue;
    }
    std::string& value = p.key(item.name.empty() ? std::string_view("-") : item.name);
    if (item.type == data_type::string) {
      append_clean(value, e.data.text(item));  // text as is, for people
      ++i;
    } else if (item.type == data_type::hex_int || item.type == data_type::guid ||
               item.type == data_type::filetime || item.type == data_type::binary) {
      // These print as JSON strings; drop the quotes here.
      const std::size_t at = value.size();
      i = append_data_value(value, e.data, i);
      if (value.size() >= at + 2 && value[at] == '"' && value.back() == '"') {
        value.erase(at, 1);
        value.pop_back();
      }
    } else {
      i = append_data_value(value, e.data, i);
    }
  }
  if (!e.payload_decoded || items.empty()) append_number(p.key("raw_size"), e.raw_data.size());
  if (!e.decode_error.empty()) {
    std::string& value = p.key("decode_error");
    value.push_back('"');
    append_clean(value, e.decode_error);
    value.push_back('"');
  }
  std::array<char, event::max_decode_warning> warning;
  if (const std::string_view text = e.decode_warning(warning); !text.empty()) {
    std::string& value = p.key("decode_warning");
    value.push_back('"');
    value.append(text);  // made here, no control bytes
    value.push_back('"');
  }
}

void text_writer::write(const event& e) {
  std::string& out = sink_.buffer();
  append_event_text(out, e, color_);
  out.push_back('\n');
  sink_.commit();
}

}  // namespace etwcat::formats
