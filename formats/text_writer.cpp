// text_writer: the human-readable line (the format is described in text_writer.h). Everything
// is appended into the sink's reused buffer; the only per-event cost beyond that is one
// localtime() per minute of trace time.
#include "formats/text_writer.h"

#include <array>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <span>
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
constexpr std::string_view green = "\x1b[32m";
constexpr std::string_view bold = "\x1b[1m";
constexpr std::string_view red = "\x1b[1;31m";
constexpr std::string_view yellow = "\x1b[1;33m";
constexpr std::string_view reset = "\x1b[0m";

// Elision of long values (text_writer.h).
constexpr std::size_t text_head = 48;
constexpr std::size_t text_tail = 24;
constexpr std::size_t max_json_value = 80;
constexpr std::size_t json_head = 64;
constexpr std::size_t max_binary_value = 16;

constexpr std::int64_t ticks_per_second = 10'000'000;
constexpr std::int64_t unix_epoch_seconds = 11'644'473'600;  // 1601-01-01 to 1970-01-01

// What a line needs besides the event.
struct line_context {
  bool color = false;
  bool utc = false;
  bool wide = false;
  bool tag_source = false;
  std::int64_t& offset_minute;
  std::int64_t& offset_seconds;
  text_buffer& scratch;
};

// "12,345": the length markers are read by people.
void append_grouped(text_buffer& out, std::uint64_t value) {
  char text[20];
  auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  const auto n = static_cast<std::size_t>(end - text);
  for (std::size_t i = 0; i < n; ++i) {
    if (i != 0 && (n - i) % 3 == 0) out.push_back(',');
    out.push_back(text[i]);
  }
}

void append_digits(text_buffer& out, std::uint64_t value, int width) {
  char text[8];
  for (int i = width - 1; i >= 0; --i) {
    text[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(text, static_cast<std::size_t>(width));
}

void append_guid(text_buffer& out, const guid& g) {
  std::array<char, 38> text;
  g.format_to(text);
  out.append(text.data(), text.size());
}

void append_hex_bytes(text_buffer& out, std::span<const std::byte> bytes) {
  static constexpr char digits[] = "0123456789ABCDEF";
  for (std::byte b : bytes) {
    out.push_back(digits[static_cast<unsigned>(b) >> 4]);
    out.push_back(digits[static_cast<unsigned>(b) & 0xF]);
  }
}

// --- Characters that are no text ---------------------------------------------------------------

// The length of the UTF-8 sequence at text[i] (1–4) with its code point, or 0 when the bytes
// there are not UTF-8.
std::size_t utf8_sequence(std::string_view text, std::size_t i, char32_t& cp) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char c = byte(0);
  std::size_t n = 0;
  if (c < 0x80) {
    cp = c;
    return 1;
  } else if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(k) & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return n;
}

// Code points that would end the line, drive the terminal (C0 and C1 controls: ESC, CSI) or
// reorder the text around them (bidi overrides and isolates).
constexpr bool is_no_text(char32_t cp) noexcept {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

// True when `text` must be quoted to read back as one value.
bool needs_quotes(std::string_view text) noexcept {
  if (text.empty()) return true;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c > 0x20 && c < 0x7F) {  // the common case: printable ASCII
      if (c == '"' || c == '=') return true;
      ++i;
      continue;
    }
    char32_t cp = 0;
    const std::size_t n = utf8_sequence(text, i, cp);
    if (n == 0 || c == ' ' || is_no_text(cp)) return true;
    i += n;
  }
  return false;
}

// Appends `text` with what is no text escaped (\n \r \t \xNN \uNNNN), and within quotes also
// '"' and '\'. Outside quotes a backslash stays as is: paths read as paths.
// Where the run of printable ASCII (0x20-0x7E, and when `quoted` neither '"' nor '\\') that
// starts at `i` ends: eight bytes at a time while all are (bit tricks as in json.cpp).
std::size_t printable_run_end(std::string_view text, std::size_t i, bool quoted) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101;
  constexpr std::uint64_t highs = 0x8080808080808080;
  while (i + 8 <= text.size()) {
    std::uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    std::uint64_t odd = ((w - ones * 0x20) & ~w) | (w + ones) | w;  // < 0x20, >= 0x7F
    if (quoted) {
      const std::uint64_t quote = w ^ (ones * '"');
      const std::uint64_t backslash = w ^ (ones * '\\');
      odd |= ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash);
    }
    if ((odd & highs) != 0) break;
    i += 8;
  }
  for (; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x7F || (quoted && (c == '"' || c == '\\'))) break;
  }
  return i;
}

void append_escaped(text_buffer& out, std::string_view text, bool quoted) {
  static constexpr char digits[] = "0123456789ABCDEF";
  for (std::size_t i = 0; i < text.size();) {
    // The common case, printable ASCII, goes in runs.
    const std::size_t end = printable_run_end(text, i, quoted);
    out.append(text.substr(i, end - i));
    if (end == text.size()) break;
    i = end;
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {  // within quotes
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    char32_t cp = 0;
    const std::size_t n = utf8_sequence(text, i, cp);
    if (n == 0 || cp < 0x80) {  // a stray byte, or a C0 control or DEL
      if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c == '\t') {
        out += "\\t";
      } else {
        out += "\\x";
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 0xF]);
      }
      ++i;
    } else if (is_no_text(cp)) {
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) out.push_back(digits[(cp >> shift) & 0xF]);
      i += n;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
}

// A name from the trace (provider, event, image): never quoted, only made safe.
void append_name(text_buffer& out, std::string_view name) { append_escaped(out, name, false); }

// A key: made safe, and a space, '=' or '"' in it (some manifests have them) becomes '_' so
// that the pair still splits at its first '='.
void append_key(text_buffer& out, std::string_view name) {
  const std::size_t at = out.size();
  append_escaped(out, name, false);
  for (std::size_t i = at; i < out.size(); ++i) {
    if (out[i] == ' ' || out[i] == '=' || out[i] == '"') out[i] = '_';
  }
}

// Where to cut `text` at or before `at` without splitting a UTF-8 sequence.
std::size_t boundary(std::string_view text, std::size_t at) noexcept {
  std::size_t back = 0;
  while (at > 0 && at < text.size() && back < 3 &&
         (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) {
    --at;
    ++back;
  }
  return at;
}

void append_marker(text_buffer& out, std::uint64_t left_out) {
  out += "…(+";
  append_grouped(out, left_out);
  out += " bytes)";
}

// A string value: whole, or its head and tail around the marker.
void append_text_value(text_buffer& out, std::string_view text, bool wide) {
  if (wide || text.size() <= max_text_value) {
    const bool quoted = needs_quotes(text);
    if (quoted) out.push_back('"');
    append_escaped(out, text, quoted);
    if (quoted) out.push_back('"');
    return;
  }
  const std::size_t head = boundary(text, text_head);
  const std::size_t tail = boundary(text, text.size() - text_tail);
  out.push_back('"');  // the marker holds a space
  append_escaped(out, text.substr(0, head), true);
  append_marker(out, tail - head);
  out += "…";
  append_escaped(out, text.substr(tail), true);
  out.push_back('"');
}

void append_binary_value(text_buffer& out, std::span<const std::byte> bytes, bool wide) {
  if (wide || bytes.size() <= max_binary_value) {
    append_hex_bytes(out, bytes);
    if (bytes.empty()) out += "\"\"";
    return;
  }
  out.push_back('"');  // the marker holds a space
  append_hex_bytes(out, bytes.first(max_binary_value));
  append_marker(out, bytes.size() - max_binary_value);
  out.push_back('"');
}

// A struct or array, as JSON from out[at] on: made safe (JSON leaves C1 controls and line
// separators as they are), then cut unless wide.
void finish_json_value(text_buffer& out, std::size_t at, const line_context& c) {
  const std::string_view json = out.view().substr(at);
  bool safe = true;
  for (std::size_t i = 0; i < json.size() && safe;) {
    i = printable_run_end(json, i, false);
    if (i == json.size()) break;
    char32_t cp = 0;
    const std::size_t n = utf8_sequence(json, i, cp);
    safe = n != 0 && !is_no_text(cp);
    i += n;
  }
  if (!safe) {
    c.scratch.clear();
    c.scratch.append(json);
    out.truncate(at);
    append_escaped(out, c.scratch.view(), false);
  }
  const std::size_t size = out.size() - at;
  if (c.wide || size <= max_json_value) return;
  const std::size_t head = boundary(out.view().substr(at), json_head);
  out.truncate(at + head);
  append_marker(out, size - head);
}

// --- Time --------------------------------------------------------------------------------------

// The local time's offset from UTC at `unix_seconds`, as the C library's time zone says.
std::int64_t local_utc_offset(std::int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
#if defined(_WIN32)
  if (localtime_s(&tm, &t) != 0) return 0;
#else
  if (localtime_r(&t, &tm) == nullptr) return 0;
#endif
  // The local calendar time read as if it were UTC, minus the UTC time.
  using namespace std::chrono;
  const sys_days day = year(tm.tm_year + 1900) / month(static_cast<unsigned>(tm.tm_mon + 1)) /
                       static_cast<unsigned>(tm.tm_mday);
  const std::int64_t local = day.time_since_epoch().count() * std::int64_t{86400} +
                             tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
  // No zone is a day off UTC: past what the C library can place (a damaged timestamp), UTC.
  const std::int64_t offset = local - unix_seconds;
  return offset > 86400 || offset < -86400 ? 0 : offset;
}

// The offset at `filetime`, recomputed only when the minute changes: zones change their offset
// on whole minutes.
std::int64_t utc_offset_at(std::uint64_t filetime, const line_context& c) {
  const std::int64_t seconds =
      static_cast<std::int64_t>(filetime / ticks_per_second) - unix_epoch_seconds;
  const std::int64_t minute = seconds >= 0 ? seconds / 60 : -((59 - seconds) / 60);
  if (minute != c.offset_minute) {
    c.offset_minute = minute;
    c.offset_seconds = local_utc_offset(minute * 60);
  }
  return c.offset_seconds;
}

// "2020-07-29 00:07:00.6236167", with a Z in UTC.
void append_time(text_buffer& out, std::uint64_t filetime, const line_context& c) {
  if (!c.utc) {
    const std::int64_t shift = utc_offset_at(filetime, c) * ticks_per_second;
    filetime = shift < 0 && filetime < static_cast<std::uint64_t>(-shift)
                   ? 0
                   : filetime + static_cast<std::uint64_t>(shift);
  }
  const civil_time t = civil_from_filetime(filetime);
  append_digits(out, static_cast<std::uint64_t>(t.year % 10000), 4);
  out.push_back('-');
  append_digits(out, t.month, 2);
  out.push_back('-');
  append_digits(out, t.day, 2);
  out.push_back(' ');
  append_digits(out, t.hour, 2);
  out.push_back(':');
  append_digits(out, t.minute, 2);
  out.push_back(':');
  append_digits(out, t.second, 2);
  out.push_back('.');
  append_digits(out, t.ticks, 7);
  if (c.utc) out.push_back('Z');
}

// "UTC+02:00", "UTC-08:00"
void append_offset(text_buffer& out, std::int64_t seconds) {
  out += seconds < 0 ? "UTC-" : "UTC+";
  const std::uint64_t minutes = static_cast<std::uint64_t>(seconds < 0 ? -seconds : seconds) / 60;
  append_digits(out, minutes / 60, 2);
  out.push_back(':');
  append_digits(out, minutes % 60, 2);
}

// "31 ms", "109.4 s": how long an input's trace ran.
void append_span(text_buffer& out, std::uint64_t ticks) {
  if (ticks < ticks_per_second) {
    append_number(out, (ticks + 5'000) / 10'000);
    out += " ms";
    return;
  }
  const std::uint64_t tenths = (ticks + 500'000) / 1'000'000;
  append_grouped(out, tenths / 10);
  out.push_back('.');
  append_number(out, tenths % 10);
  out += " s";
}

// --- The line ----------------------------------------------------------------------------------

// Writes " key=" (the key dimmed when colored); the caller appends the value.
class pairs {
 public:
  pairs(text_buffer& out, bool color) : out_(out), color_(color) {}
  text_buffer& key(std::string_view name) {
    out_.push_back(' ');
    if (color_) out_.append(dim);
    append_key(out_, name.empty() ? std::string_view("-") : name);
    out_.push_back('=');
    if (color_) out_.append(reset);
    return out_;
  }

 private:
  text_buffer& out_;
  bool color_;
};

void append_process(text_buffer& out, const event& e) {
  if (!e.has_process_and_thread) {
    out.push_back('-');
    return;
  }
  if (!e.process_name.empty()) {
    append_name(out, e.process_name);
    out.push_back('(');
    append_number(out, e.process_id);
    out.push_back(')');
  } else {
    append_number(out, e.process_id);
  }
  if (e.has_thread_id()) {
    out.push_back('/');
    append_number(out, e.thread_id);
  }
  if (e.attributed) out.push_back('*');
}

void append_fields(const event& e, pairs& p, const line_context& c) {
  const auto items = e.data.items();
  std::size_t i = 0;
  while (i < items.size()) {
    const data_item& item = items[i];
    if (item.type == data_type::end_struct || item.type == data_type::end_array) {
      ++i;
      continue;
    }
    text_buffer& value = p.key(item.name);
    const std::size_t at = value.size();
    switch (item.type) {
      case data_type::string:
        append_text_value(value, e.data.text(item), c.wide);
        ++i;
        break;
      case data_type::binary:
        append_binary_value(value, e.data.bytes(item), c.wide);
        ++i;
        break;
      case data_type::hex_int:
      case data_type::guid:
      case data_type::filetime:
        // JSON strings of ASCII that need no quotes: drop them.
        i = append_data_value(value, e.data, i);
        if (value.size() >= at + 2 && value[at] == '"' && value.back() == '"') {
          value.erase(at, 1);
          value.pop_back();
        }
        break;
      case data_type::begin_struct:
      case data_type::begin_array:
        i = append_data_value(value, e.data, i);
        finish_json_value(value, at, c);
        break;
      default:  // numbers and booleans
        i = append_data_value(value, e.data, i);
        break;
    }
  }
}

void append_line(text_buffer& out, const event& e, const line_context& c) {
  const bool color = c.color;
  if (color) out.append(dim);
  if (e.has_time) {
    append_time(out, e.time_created, c);
  } else {
    const std::size_t dashes = c.utc ? 28 : 27;  // WPP without a timestamp: keeps the columns
    std::memset(out.extend(dashes), '-', dashes);
  }
  if (c.tag_source) {
    out += " [";
    append_number(out, std::uint64_t{e.source} + 1);
    out.push_back(']');
  }
  if (color) out.append(reset);

  out.push_back(' ');
  if (color) out.append(cyan);
  if (!e.provider_name.empty()) {
    append_name(out, short_provider_name(e.provider_name));
  } else {
    append_guid(out, e.provider_guid);
  }
  if (color) out.append(reset);

  // Event name, colored by severity: Critical/Error red, Warning yellow.
  const bool severe = e.has_level && e.level >= 1 && e.level <= 3;
  out.push_back(' ');
  if (color) out.append(!severe ? bold : e.level == 3 ? yellow : red);
  const std::string_view name = e.event_name();
  append_name(out, name.empty() ? std::string_view("-") : name);
  if (color) out.append(reset);

  out.push_back(' ');
  if (color) out.append(green);
  append_process(out, e);
  if (color) out.append(reset);

  pairs p(out, color);
  append_number(p.key("cpu"), e.processor_id);
  if (e.has_event_id && !name.starts_with("EventID(")) append_number(p.key("id"), e.event_id);
  if (severe) {
    if (!e.level_name.empty()) {
      append_name(p.key("level"), e.level_name);
    } else {
      append_number(p.key("level"), e.level);
    }
  }
  if (e.has_activity_id) append_guid(p.key("activity"), e.activity_id);
  if (e.has_related_activity_id) append_guid(p.key("related_activity"), e.related_activity_id);
  if (e.has_sid) append_name(p.key("sid"), e.sid());
  if (e.has_stack_trace) append_number(p.key("stack"), e.stack.count());

  append_fields(e, p, c);
  if ((!e.payload_decoded || e.data.empty()) && !e.raw_data.empty()) {
    append_binary_value(p.key("raw"), e.raw_data, c.wide);
  }
  if (!e.decode_error.empty()) {
    text_buffer& value = p.key("decode_error");
    if (color) value.append(red);
    value.push_back('"');
    append_escaped(value, e.decode_error, true);
    value.push_back('"');
    if (color) value.append(reset);
  }
  std::array<char, event::max_decode_warning> warning;
  if (const std::string_view text = e.decode_warning(warning); !text.empty()) {
    text_buffer& value = p.key("decode_warning");
    if (color) value.append(yellow);
    value.push_back('"');
    append_escaped(value, text, true);
    value.push_back('"');
    if (color) value.append(reset);
  }
}

void append_source_header(text_buffer& out, const trace_source& s, bool tag,
                          const line_context& c) {
  out += "# ";
  if (tag) {
    out.push_back('[');
    append_number(out, std::uint64_t{s.index} + 1);
    out += "] ";
  }
  append_name(out, s.name);
  if (s.start_time != 0) {
    out += ": ";
    append_time(out, s.start_time, c);
    const bool has_end = s.end_time >= s.start_time;
    if (has_end) {
      out += " to ";
      append_time(out, s.end_time, c);
    }
    if (!c.utc || has_end) {
      out += " (";
      if (!c.utc) {
        // Per input: a trace of summer and one of winter differ.
        append_offset(out, utc_offset_at(s.start_time, c));
        if (has_end) out += ", ";
      }
      if (has_end) append_span(out, s.end_time - s.start_time);
      out.push_back(')');
    }
  }
  out += "\n#  ";
  if (s.os_build != 0) {
    out += " Windows build ";
    append_number(out, s.os_build);
    out.push_back(',');
  }
  if (s.processors != 0) {
    out.push_back(' ');
    append_number(out, s.processors);
    out += s.processors == 1 ? " processor," : " processors,";
  }
  if (s.pointer_size == 4 || s.pointer_size == 8)
    out += s.pointer_size == 4 ? " 32-bit," : " 64-bit,";
  if (s.buffers != 0) {
    out.push_back(' ');
    append_grouped(out, s.buffers);
    out += " buffers,";
  }
  out.push_back(' ');
  append_grouped(out, s.events_lost);
  out += " events lost";
  if (s.buffers_lost != 0) {
    out += ", ";
    append_grouped(out, s.buffers_lost);
    out += " buffers lost";
  }
  out.push_back('\n');
}

void append_header(text_buffer& out, const trace_info& info, const line_context& c) {
  if (info.sources.empty()) return;
  if (c.color) out.append(dim);
  for (const trace_source& s : info.sources) append_source_header(out, s, c.tag_source, c);
  out += c.utc ? "# time (UTC), " : "# time (local), ";
  if (c.tag_source) out += "[input], ";
  out += "provider, event, process(PID)/TID (* attributed), cpu, fields\n";
  if (c.color) out.append(reset);
}

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

std::string_view short_provider_name(std::string_view name) noexcept {
  // Longest prefix first; a name that is nothing but the prefix stays whole.
  for (std::string_view prefix :
       {"Microsoft-Windows-", "Microsoft.Windows.", "Microsoft-", "Microsoft."}) {
    if (name.size() > prefix.size() && name.starts_with(prefix)) {
      return name.substr(prefix.size());
    }
  }
  return name;
}

text_writer::text_writer(output_sink& sink, color_mode mode)
    : text_writer(sink, text_options{.color = mode}) {}

text_writer::text_writer(output_sink& sink, const text_options& options)
    : sink_(sink), options_(options) {
  const bool color = options.color == color_mode::always ||
                     (options.color == color_mode::automatic && wants_color(sink.file()));
  options_.color = color ? color_mode::always : color_mode::never;
}

text_writer::text_writer(output_sink& sink, const text_options& options, field_selection fields)
    : text_writer(sink, options) {
  fields_ = std::move(fields);
}

void text_writer::begin(const trace_info& info) {
  sources_.assign(info);
  if (!fields_.empty()) return;  // the lines say only what was asked for
  const line_context c{options_.color == color_mode::always,
                       options_.utc,
                       options_.wide,
                       sources_.several(),
                       offset_minute_,
                       offset_seconds_,
                       scratch_};
  append_header(sink_.buffer(), info, c);
  sink_.commit();
}

void text_writer::write(const event& e) {
  const line_context c{options_.color == color_mode::always,
                       options_.utc,
                       options_.wide,
                       sources_.several(),
                       offset_minute_,
                       offset_seconds_,
                       scratch_};
  text_buffer& out = sink_.buffer();
  if (fields_.empty()) {
    append_line(out, e, c);
  } else {
    const std::string_view source = sources_.of(e);
    bool first = true;
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      scratch_.clear();
      if (!fields_.append_text(scratch_, e, i, source)) continue;
      if (!first) out.push_back(' ');
      first = false;
      append_key(out, fields_.path(i));
      out.push_back('=');
      append_text_value(out, scratch_.view(), options_.wide);
    }
  }
  out.push_back('\n');
  sink_.commit();
}

void append_event_text(text_buffer& out, const event& e, const text_options& options,
                       bool tag_source) {
  std::int64_t minute = INT64_MIN;
  std::int64_t offset = 0;
  text_buffer scratch;
  append_line(out, e,
              line_context{options.color == color_mode::always, options.utc, options.wide,
                           tag_source, minute, offset, scratch});
}

void append_event_text(text_buffer& out, const event& e, bool color) {
  append_event_text(out, e, text_options{.color = color ? color_mode::always : color_mode::never});
}

void append_trace_header(text_buffer& out, const trace_info& info, const text_options& options) {
  std::int64_t minute = INT64_MIN;
  std::int64_t offset = 0;
  text_buffer scratch;
  append_header(out, info,
                line_context{options.color == color_mode::always, options.utc, options.wide,
                             info.sources.size() > 1, minute, offset, scratch});
}

}  // namespace etwcat::formats
