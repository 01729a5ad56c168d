// Session configs: the JSON is parsed (and so fully validated) by simdjson's DOM parser, then
// walked key by key into session_options. The DOM parser does not say where invalid JSON goes
// wrong, so simdjson's on-demand parser walks it again to find the byte. ETW's limits:
// docs/etw-api.md §3.2 (file modes), §3.3 (names), §3.5 (buffers), §5.3 (filters).
#include "lib/live/session_config.h"

#include <simdjson.h>

#include <algorithm>
#include <limits>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "lib/base/ascii.h"
#include "lib/base/duration.h"
#include "lib/base/input_file.h"
#include "lib/base/path_text.h"
#include "lib/base/unicode.h"
#include "lib/base/usage_error.h"
#include "lib/provider/go_number.h"
#include "lib/provider/kernel_flags.h"
#include "lib/provider/provider_parser.h"
#include "lib/provider/system_providers.h"

namespace etwcat::live {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

constexpr std::uint64_t max_u32 = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint64_t max_u64 = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t max_buffer_kb = 1024;       // the most every Windows takes (§3.5)
constexpr std::size_t max_name_chars = 1024;        // session names, in UTF-16 units (§3.3)
constexpr std::size_t max_filter_pids = 8;          // MAX_EVENT_FILTER_PID_COUNT
constexpr std::size_t max_executable_bytes = 1024;  // EXECUTABLE_NAME filter, UTF-16 with NUL
// Whole seconds that still fit in int64 nanoseconds.
constexpr std::uint64_t max_duration_seconds =
    static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) / 1'000'000'000;
constexpr std::size_t max_quoted_bytes = 80;  // of a value quoted in a message

// The keys of each object, in the order messages list them.
constexpr std::string_view config_keys[] = {"name",          "providers", "kernel",     "system",
                                            "system_logger", "buffers",   "clock",      "file",
                                            "realtime",      "duration",  "max_events", "output"};
constexpr std::string_view provider_keys[] = {"name",
                                              "level",
                                              "any_keywords",
                                              "all_keywords",
                                              "event_ids",
                                              "exclude_event_ids",
                                              "process_ids",
                                              "executable",
                                              "stack",
                                              "sid",
                                              "terminal_session_id",
                                              "process_start_key"};
constexpr std::string_view buffers_keys[] = {"size_kb", "minimum", "maximum", "flush_seconds"};
constexpr std::string_view file_keys[] = {"path", "mode", "max_size_mb"};
constexpr std::string_view output_keys[] = {"format", "path"};
// Values named by strings, in the order of the enumerations they stand for.
constexpr std::string_view clock_names[] = {"qpc", "system", "cycles"};  // clock_type 1, 2, 3
constexpr std::string_view file_mode_names[] = {"sequential", "circular", "newfile"};
constexpr std::string_view format_names[] = {"jsonl", "text"};

// A mistake at a JSON path. Thrown from deep in the walk and caught once, where the message is
// put together; lib/provider's parsers report theirs with usage_error the same way.
struct bad_config {
  std::string path;  // "providers[1].level"; empty for the document as a whole
  std::string what;
};

[[noreturn]] void fail(const std::string& path, std::string what) {
  throw bad_config{path, std::move(what)};
}

std::string member(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string item(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

// A control character as JSON escapes it: a message stays on one line.
std::string escaped(unsigned char c) {
  constexpr char hex[] = "0123456789abcdef";
  return std::string("\\u00") + hex[c >> 4] + hex[c & 0xF];
}

// Text from the file as JSON would write it, cut short when long (at a character boundary).
std::string quote(std::string_view text) {
  std::string out = "\"";
  std::size_t taken = 0;
  for (; taken < text.size() && out.size() < max_quoted_bytes; ++taken) {
    const auto c = static_cast<unsigned char>(text[taken]);
    if (c == '"' || c == '\\') out += '\\';
    out += c < 0x20 ? escaped(c) : std::string(1, static_cast<char>(c));
  }
  while (taken < text.size() && (static_cast<unsigned char>(text[taken]) & 0xC0) == 0x80) {
    out += text[taken++];  // the rest of a character begun
  }
  if (taken < text.size()) out += "...";
  return out + "\"";
}

// Other parsers' messages repeat input as it is: its control characters escaped.
std::string one_line(const std::string& text) {
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    out += byte < 0x20 ? escaped(byte) : std::string(1, c);
  }
  return out;
}

// lib/provider's messages begin with the text they were given (provider "X": …); the JSON path
// names the place instead.
std::string without_subject(const std::string& message, std::string_view text) {
  const std::string subject = "\"" + std::string(text) + "\": ";
  const std::size_t at = message.find(subject);
  return at == std::string::npos ? message : message.substr(at + subject.size());
}

std::string found(element e) {
  switch (e.type()) {
    case element_type::ARRAY:
      return "an array";
    case element_type::OBJECT:
      return "an object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      return "a number";
    case element_type::STRING:
      return "a string";
    case element_type::BOOL:
      return e.get_bool().value_unsafe() ? "true" : "false";
    case element_type::NULL_VALUE:
      break;
  }
  return "null";
}

std::string_view string_at(element e, const std::string& path, std::string_view expected) {
  std::string_view text;
  if (e.get_string().get(text) != simdjson::SUCCESS) {
    fail(path, "expected " + std::string(expected) + ", found " + found(e));
  }
  return text;
}

// A string that must not be empty.
std::string text_at(element e, const std::string& path, std::string_view expected) {
  const std::string_view text = string_at(e, path, expected);
  if (text.empty()) fail(path, "empty string (expected " + std::string(expected) + ")");
  return std::string(text);
}

bool bool_at(element e, const std::string& path) {
  bool value = false;
  if (e.get_bool().get(value) != simdjson::SUCCESS) {
    fail(path, "expected true or false, found " + found(e));
  }
  return value;
}

bool is_integer(element e) {
  return e.type() == element_type::INT64 || e.type() == element_type::UINT64;
}

// An integer in [min, max]. simdjson reads integers exactly, as int64 or uint64, never as double.
std::uint64_t integer_at(element e, const std::string& path, std::uint64_t min, std::uint64_t max) {
  const std::string range = "(" + std::to_string(min) + "-" + std::to_string(max) + ")";
  if (e.type() == element_type::INT64) {
    const std::int64_t value = e.get_int64().value_unsafe();
    if (value < 0 || static_cast<std::uint64_t>(value) < min ||
        static_cast<std::uint64_t>(value) > max) {
      fail(path, std::to_string(value) + " is out of range " + range);
    }
    return static_cast<std::uint64_t>(value);
  }
  if (e.type() == element_type::UINT64) {
    const std::uint64_t value = e.get_uint64().value_unsafe();
    if (value < min || value > max) fail(path, std::to_string(value) + " is out of range " + range);
    return value;
  }
  if (e.type() == element_type::DOUBLE) {
    fail(path, "expected an integer " + range + ", found a number with a fraction or an exponent");
  }
  fail(path, "expected an integer " + range + ", found " + found(e));
}

std::uint32_t u32_at(element e, const std::string& path, std::uint64_t min = 0) {
  return static_cast<std::uint32_t>(integer_at(e, path, min, max_u32));
}

// Calls `take(key, value, path)` for each member of the object `e`; refuses a key not in `keys`
// and a key given twice (JSON allows both; a config that means one thing does not).
template <class Take>
void each_member(element e, const std::string& path, std::span<const std::string_view> keys,
                 Take&& take) {
  simdjson::dom::object object;
  if (e.get_object().get(object) != simdjson::SUCCESS) {
    fail(path, "expected an object, found " + found(e));
  }
  std::vector<std::string_view> seen;  // known keys only: no more than `keys` holds
  for (const auto field : object) {
    if (std::find(keys.begin(), keys.end(), field.key) == keys.end()) {
      std::string known;
      for (std::string_view key : keys) known += (known.empty() ? "" : ", ") + std::string(key);
      fail(path, "unknown key " + quote(field.key) + " (known: " + known + ")");
    }
    if (std::find(seen.begin(), seen.end(), field.key) != seen.end()) {
      fail(member(path, field.key), "given twice");
    }
    seen.push_back(field.key);
    take(field.key, field.value, member(path, field.key));
  }
}

// Calls `take(element, path)` for each element of the array `e`.
template <class Take>
void each_item(element e, const std::string& path, std::string_view expected, Take&& take) {
  simdjson::dom::array array;
  if (e.get_array().get(array) != simdjson::SUCCESS) {
    fail(path, "expected " + std::string(expected) + ", found " + found(e));
  }
  std::size_t index = 0;
  for (const element value : array) {
    take(value, item(path, index));
    ++index;
  }
}

std::uint64_t keyword_at(element e, const std::string& path) {
  if (e.type() == element_type::STRING) {
    const std::string_view text = string_at(e, path, "");
    // Strings carry masks above 2^53 through tools that read JSON numbers as doubles.
    auto value = provider::parse_go_uint(text, 64);
    if (!value) fail(path, quote(text) + " is not a 64-bit number");
    return *value;
  }
  if (is_integer(e)) return integer_at(e, path, 0, max_u64);
  fail(path,
       "expected a keyword mask (a number, or a string such as \"0x8000000000000000\"), found " +
           found(e));
}

std::uint8_t level_at(element e, const std::string& path) {
  if (e.type() == element_type::STRING) {
    const std::string_view text = string_at(e, path, "");
    auto value = provider::parse_level(text);
    if (!value) {
      fail(path, quote(text) +
                     " is neither a number (0-255) nor a level name "
                     "(critical, error, warning, information, verbose)");
    }
    return *value;
  }
  if (is_integer(e)) return static_cast<std::uint8_t>(integer_at(e, path, 0, 255));
  fail(path, "expected a level (0-255, or a level name such as \"verbose\"), found " + found(e));
}

// One of `names`, as its index.
std::size_t choice_at(element e, const std::string& path, std::span<const std::string_view> names,
                      std::string_view what) {
  std::string listed;
  for (std::size_t i = 0; i < names.size(); ++i) {
    listed += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + std::string(names[i]);
  }
  const std::string_view text = string_at(e, path, "a string (" + listed + ")");
  const auto at = std::find(names.begin(), names.end(), text);
  if (at == names.end()) {
    fail(path, quote(text) + " is not " + std::string(what) + " (" + listed + ")");
  }
  return static_cast<std::size_t>(at - names.begin());
}

// Flag names through a lib/provider parser: "a,b", ["a", "b"], or (for kernel flags) a number.
template <class Parse>
std::uint32_t flags_at(element e, const std::string& path, bool numbers, Parse&& parse) {
  auto parse_text = [&parse](element value, const std::string& at) {
    const std::string_view text = string_at(value, at, "");
    try {
      return parse(text);
    } catch (const usage_error& bad) {
      fail(at, without_subject(bad.what(), text));
    }
  };
  const std::string expected =
      numbers ? "names (a string or an array) or a number" : "names (a string or an array)";
  if (e.type() == element_type::STRING) return parse_text(e, path);
  if (numbers && is_integer(e)) return u32_at(e, path);
  if (e.type() != element_type::ARRAY) fail(path, "expected " + expected + ", found " + found(e));
  std::uint32_t flags = 0;
  each_item(e, path, "", [&](element value, const std::string& at) {
    if (value.type() == element_type::STRING) {
      flags |= parse_text(value, at);
    } else if (numbers && is_integer(value)) {
      flags |= u32_at(value, at);
    } else {
      fail(at, std::string(numbers ? "expected a name or a number" : "expected a name") +
                   ", found " + found(value));
    }
  });
  return flags;
}

std::chrono::nanoseconds duration_at(element e, const std::string& path) {
  std::chrono::nanoseconds span{0};
  if (e.type() == element_type::STRING) {
    const std::string_view text = string_at(e, path, "");
    auto parsed = parse_duration(text);
    if (!parsed) {
      fail(path, quote(text) +
                     " is not a duration (a number with a unit: ns, us, ms, s, m, h or d, such "
                     "as \"30s\" or \"500ms\")");
    }
    span = *parsed;
  } else if (is_integer(e)) {
    span = std::chrono::seconds(integer_at(e, path, 0, max_duration_seconds));
  } else if (e.type() == element_type::DOUBLE) {
    const double seconds = e.get_double().value_unsafe();
    if (!(seconds >= 0 && seconds <= static_cast<double>(max_duration_seconds))) {
      fail(path, "a number of seconds must lie in 0-" + std::to_string(max_duration_seconds));
    }
    span = std::chrono::nanoseconds(static_cast<std::int64_t>(seconds * 1e9 + 0.5));
  } else {
    fail(path, "expected a duration (a number of seconds, or a string such as \"30s\"), found " +
                   found(e));
  }
  if (span.count() == 0) fail(path, "a duration of 0 would stop the session at once");
  return span;
}

// The object form of a provider: each part of a provider string as a key of its own, and the
// filters and enable properties no provider string can hold.
provider_options provider_at(element e, const std::string& path) {
  provider_options o;
  bool named = false;
  std::string exclude_path;
  each_member(
      e, path, provider_keys, [&](std::string_view key, element value, const std::string& at) {
        if (key == "name") {
          const std::string name = text_at(value, at, "a provider name, GUID or *EventSourceName");
          // The name alone: the rest of a provider string has keys of its own here.
          if (name.find(':') != std::string::npos) {
            fail(at, quote(name) +
                         " holds ':'; give the level, event IDs and keywords as keys of their own");
          }
          try {
            const provider::provider resolved = provider::parse_provider(name);
            o.provider.name = resolved.name;
            o.provider.id = resolved.id;
          } catch (const usage_error& bad) {
            fail(at, without_subject(bad.what(), name));
          }
          named = true;
        } else if (key == "level") {
          o.provider.level = level_at(value, at);
        } else if (key == "any_keywords") {
          o.provider.match_any_keyword = keyword_at(value, at);
        } else if (key == "all_keywords") {
          o.provider.match_all_keyword = keyword_at(value, at);
        } else if (key == "event_ids") {
          each_item(value, at, "an array of event IDs", [&](element id, const std::string& id_at) {
            const auto number = static_cast<std::uint16_t>(integer_at(id, id_at, 0, 65535));
            auto& ids = o.provider.event_ids;
            if (std::find(ids.begin(), ids.end(), number) != ids.end()) return;  // adds nothing
            if (ids.size() == provider::max_event_ids) {
              fail(id_at, "more than " + std::to_string(provider::max_event_ids) +
                              " event IDs, the most one ETW event-ID filter holds");
            }
            ids.push_back(number);
          });
          // An empty filter-in list would pass nothing, yet ETW would read it as no filter.
          if (o.provider.event_ids.empty())
            fail(at, "no event ID (leave the key out for all events)");
        } else if (key == "exclude_event_ids") {
          o.provider.exclude_event_ids = bool_at(value, at);
          exclude_path = at;
        } else if (key == "process_ids") {
          each_item(
              value, at, "an array of process IDs", [&](element pid, const std::string& pid_at) {
                const std::uint32_t number = u32_at(pid, pid_at);
                auto& pids = o.process_ids;
                if (std::find(pids.begin(), pids.end(), number) != pids.end()) return;
                if (pids.size() == max_filter_pids) {
                  fail(pid_at, "more than 8 process IDs, the most one ETW process filter holds");
                }
                pids.push_back(number);
              });
          if (o.process_ids.empty())
            fail(at, "no process ID (leave the key out for every process)");
        } else if (key == "executable") {
          // ETW takes one ';'-separated list; an array is the same list, one name an element.
          if (value.type() == element_type::ARRAY) {
            each_item(value, at, "", [&](element name, const std::string& name_at) {
              const std::string text = text_at(name, name_at, "an executable name");
              if (text.find(';') != std::string::npos) {
                fail(name_at, quote(text) + " holds ';', which separates names");
              }
              o.executable += (o.executable.empty() ? "" : ";") + text;
            });
            if (o.executable.empty()) fail(at, "no executable name (leave the key out for all)");
          } else {
            o.executable = text_at(value, at, "an executable name (or a list of them)");
          }
          if ((utf8_to_utf16(o.executable).size() + 1) * 2 > max_executable_bytes) {
            fail(at, "longer than the 1024 bytes (UTF-16) of ETW's executable-name filter");
          }
        } else if (key == "stack") {
          o.stack_trace = bool_at(value, at);
        } else if (key == "sid") {
          o.sid = bool_at(value, at);
        } else if (key == "terminal_session_id") {
          o.terminal_session_id = bool_at(value, at);
        } else {
          o.process_start_key = bool_at(value, at);
        }
      });
  if (!named) fail(path, "no \"name\" (a provider name, GUID or *EventSourceName)");
  if (o.provider.exclude_event_ids && o.provider.event_ids.empty()) {
    fail(exclude_path, "true, but there are no event_ids to exclude");
  }
  return o;
}

void providers_at(element e, const std::string& path, std::vector<provider_options>& out) {
  std::unordered_map<guid, std::size_t, guid_hash> enabled;  // by which element, for messages
  each_item(e, path, "an array of providers", [&](element value, const std::string& at) {
    if (value.type() == element_type::STRING) {
      const std::string_view text = string_at(value, at, "");
      provider_options o;
      try {
        o.provider = provider::parse_provider(text);
      } catch (const usage_error& bad) {
        fail(at, without_subject(bad.what(), text));
      }
      out.push_back(std::move(o));
    } else if (value.type() == element_type::OBJECT) {
      out.push_back(provider_at(value, at));
    } else {
      fail(at, "expected a provider string or object, found " + found(value));
    }
    // A second EnableTraceEx2 for one provider replaces the first: one of them would be lost.
    const provider::provider& p = out.back().provider;
    if (auto [first, added] = enabled.emplace(p.id, out.size() - 1); !added) {
      fail(at, (p.name.empty() ? p.id.to_string() : p.name) + " is enabled by " +
                   item(path, first->second) + " already");
    }
  });
}

void buffers_at(element e, const std::string& path, session_options& s) {
  std::string maximum_path;
  each_member(
      e, path, buffers_keys, [&](std::string_view key, element value, const std::string& at) {
        if (key == "size_kb") {
          s.buffer_size_kb = static_cast<std::uint32_t>(integer_at(value, at, 1, max_buffer_kb));
        } else if (key == "minimum") {
          s.minimum_buffers = u32_at(value, at);
        } else if (key == "maximum") {
          s.maximum_buffers = u32_at(value, at);
          maximum_path = at;
        } else {
          s.flush_timer_seconds = u32_at(value, at);
        }
      });
  if (s.maximum_buffers != 0 && s.maximum_buffers < s.minimum_buffers) {
    fail(maximum_path, std::to_string(s.maximum_buffers) + " is less than the minimum (" +
                           std::to_string(s.minimum_buffers) + ")");
  }
}

void file_at(element e, const std::string& path, session_options& s) {
  std::string mode_path;
  each_member(e, path, file_keys, [&](std::string_view key, element value, const std::string& at) {
    if (key == "path") {
      s.log_file = text_at(value, at, "a file name");
    } else if (key == "mode") {
      s.mode = static_cast<file_mode>(choice_at(value, at, file_mode_names, "a file mode"));
      mode_path = at;
    } else {
      s.maximum_file_size_mb = u32_at(value, at, 1);
    }
  });
  if (s.log_file.empty()) fail(path, "no \"path\" (the .etl file to write)");
  if (s.mode != file_mode::sequential && s.maximum_file_size_mb == 0) {
    fail(mode_path,
         quote(file_mode_names[static_cast<std::size_t>(s.mode)]) + " needs \"max_size_mb\"");
  }
  if (s.mode == file_mode::new_file) {
    // ETW numbers the files through the name: exactly one %d, else ERROR_INVALID_NAME (§3.2).
    std::size_t count = 0;
    for (std::size_t at = s.log_file.find("%d"); at != std::string::npos;
         at = s.log_file.find("%d", at + 2)) {
      ++count;
    }
    if (count != 1) {
      fail(member(path, "path"), quote(s.log_file) +
                                     " needs exactly one %d for \"newfile\" (ETW puts each "
                                     "file's number there)");
    }
  }
}

void output_at(element e, const std::string& path, session_config& c) {
  each_member(
      e, path, output_keys, [&](std::string_view key, element value, const std::string& at) {
        if (key == "format") {
          c.format =
              std::string(format_names[choice_at(value, at, format_names, "an output format")]);
        } else {
          c.output = text_at(value, at, "a file name");
        }
      });
}

session_config config_at(element root) {
  if (root.type() != element_type::OBJECT) {
    fail("", "expected an object at the top level, found " + found(root));
  }
  session_config c;
  session_options& s = c.session;
  bool system_groups = false;
  std::optional<bool> system_logger;
  each_member(
      root, "", config_keys, [&](std::string_view key, element value, const std::string& at) {
        if (key == "name") {
          s.name = text_at(value, at, "a session name");
          if (utf8_to_utf16(s.name).size() > max_name_chars) {
            fail(at, "longer than the 1024 characters ETW allows");
          }
        } else if (key == "providers") {
          providers_at(value, at, s.providers);
        } else if (key == "kernel") {
          s.kernel_flags |= flags_at(value, at, true, [](std::string_view text) {
            return provider::parse_kernel_flags(text);
          });
        } else if (key == "system") {
          s.kernel_flags |= flags_at(value, at, false, [](std::string_view text) {
            return provider::parse_system_providers(text);
          });
          system_groups = true;
        } else if (key == "system_logger") {
          system_logger = bool_at(value, at);
        } else if (key == "buffers") {
          buffers_at(value, at, s);
        } else if (key == "clock") {
          s.clock = static_cast<clock_type>(choice_at(value, at, clock_names, "a clock") + 1);
        } else if (key == "file") {
          file_at(value, at, s);
        } else if (key == "realtime") {
          s.real_time = bool_at(value, at);
        } else if (key == "duration") {
          c.duration = duration_at(value, at);
        } else if (key == "max_events") {
          c.max_events = integer_at(value, at, 1, max_u64);
        } else {
          output_at(value, at, c);
        }
      });

  // The groups are the seed's system providers: kernel events in a session of its own name.
  if (system_groups && system_logger == false) {
    fail("system_logger", "false, but the \"system\" groups need a system logger session");
  }
  s.system_logger = system_logger.value_or(system_groups);
  const bool kernel_logger = s.kernel_flags != 0 && !s.system_logger;
  // session_name() would put the NT Kernel Logger's name in its place, unasked.
  if (kernel_logger && !s.name.empty() && !equals_ignoring_case(s.name, "NT Kernel Logger")) {
    fail("name", quote(s.name) +
                     " is not used: kernel flags without \"system_logger\": true make the "
                     "session the NT Kernel Logger");
  }
  if (kernel_logger && !s.providers.empty()) {
    fail("",
         "kernel flags and providers share a session only with \"system_logger\": true "
         "(the NT Kernel Logger takes no providers)");
  }
  if (kernel_logger && !s.log_file.empty() && s.mode == file_mode::new_file) {
    fail("file.mode",
         "\"newfile\" is not allowed for the NT Kernel Logger (kernel flags "
         "without \"system_logger\": true)");
  }
  if (!s.real_time && s.log_file.empty()) {
    fail("realtime", "false, and there is no \"file\": the events would go nowhere");
  }
  return c;
}

// Every value of an on-demand document, in order, until simdjson finds an error.
simdjson::error_code visit(simdjson::ondemand::value value, int depth) {
  using simdjson::ondemand::json_type;
  if (depth > 1024) return simdjson::DEPTH_ERROR;
  json_type type{};
  if (auto error = value.type().get(type)) return error;
  switch (type) {
    case json_type::array: {
      simdjson::ondemand::array array;
      if (auto error = value.get_array().get(array)) return error;
      for (auto element : array) {
        simdjson::ondemand::value inner;
        if (auto error = element.get(inner)) return error;
        if (auto error = visit(inner, depth + 1)) return error;
      }
      return simdjson::SUCCESS;
    }
    case json_type::object: {
      simdjson::ondemand::object object;
      if (auto error = value.get_object().get(object)) return error;
      for (auto field : object) {
        std::string_view key;
        if (auto error = field.unescaped_key().get(key)) return error;
        simdjson::ondemand::value inner;
        if (auto error = field.value().get(inner)) return error;
        if (auto error = visit(inner, depth + 1)) return error;
      }
      return simdjson::SUCCESS;
    }
    case json_type::number: {
      simdjson::ondemand::number number;
      return value.get_number().get(number);
    }
    case json_type::string: {
      std::string_view text;
      return value.get_string().get(text);
    }
    case json_type::boolean: {
      bool flag = false;
      return value.get_bool().get(flag);
    }
    case json_type::null: {
      bool null = false;
      if (auto error = value.is_null().get(null)) return error;
      return null ? simdjson::SUCCESS : simdjson::N_ATOM_ERROR;
    }
  }
  return simdjson::SUCCESS;
}

// The byte where the on-demand parser stops in `json`, in which the DOM parser found `dom_error`:
// the first value it cannot read, the end for an object or array left open, or what follows the
// document. Nothing when it cannot tell (a string never closed, bad UTF-8: found before any
// value is read).
std::optional<std::size_t> error_offset(const simdjson::padded_string& json,
                                        simdjson::error_code dom_error) {
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document document;
  if (parser.iterate(json).get(document) != simdjson::SUCCESS) return std::nullopt;
  simdjson::ondemand::value root;
  simdjson::error_code error = document.get_value().get(root);
  if (!error) error = visit(root, 0);
  if (error == simdjson::INCOMPLETE_ARRAY_OR_OBJECT) return json.size();
  // Its depth limit stopped it short of what the DOM parser found.
  if (error == simdjson::DEPTH_ERROR && dom_error != simdjson::DEPTH_ERROR) return std::nullopt;
  const char* at = nullptr;
  if (document.current_location().get(at) != simdjson::SUCCESS) {
    // Past the end: where the document stopped short, unless nothing was wrong with its values.
    return error ? std::optional<std::size_t>(json.size()) : std::nullopt;
  }
  return static_cast<std::size_t>(at - json.data());
}

}  // namespace

result<session_config> parse_session_config(std::string_view json_text,
                                            std::string_view file_name) {
  const std::string prefix = file_name.empty() ? "" : std::string(file_name) + ": ";
  if (json_text.size() > max_session_config_bytes) {
    return error{prefix + "larger than 1 MiB, which no session config needs", 0};
  }
  const simdjson::padded_string json(json_text);
  simdjson::dom::parser parser;
  element root;
  if (auto failure = parser.parse(json).get(root)) {
    std::string where;
    // The on-demand parser passes over control characters in strings: it would point past them.
    const std::optional<std::size_t> offset =
        failure == simdjson::UNESCAPED_CHARS ? std::nullopt : error_offset(json, failure);
    if (offset) {
      std::size_t line = 1, line_start = 0;
      for (std::size_t i = 0; i < *offset; ++i) {
        if (json_text[i] == '\n') {
          ++line;
          line_start = i + 1;
        }
      }
      where = "offset " + std::to_string(*offset) + " (line " + std::to_string(line) + ", column " +
              std::to_string(*offset - line_start + 1) + "): ";
    }
    return error{one_line(prefix + where + "invalid JSON: " + simdjson::error_message(failure)),
                 offset.value_or(0)};
  }
  try {
    return config_at(root);
  } catch (const bad_config& bad) {
    return error{one_line(prefix + (bad.path.empty() ? "" : bad.path + ": ") + bad.what), 0};
  }
}

result<session_config> load_session_config(const std::filesystem::path& path) {
  auto file = input_file::open(path);
  if (!file) return error{path_to_utf8(path) + ": " + file.failure().message, 0};
  const std::string& name = file.value()->name();
  // Read no more than a config may hold, whatever the file is (a device, a pipe that never ends).
  constexpr std::size_t chunk = 64 * 1024;
  std::string text;
  for (;;) {
    const std::size_t at = text.size();
    text.resize(at + chunk);
    auto got = file.value()->read_at(at, std::span(text.data() + at, chunk));
    if (!got) return error{name + ": " + got.failure().message, 0};
    text.resize(at + got.value());
    if (text.size() > max_session_config_bytes) {
      return error{name + ": larger than 1 MiB, which no session config needs", 0};
    }
    if (got.value() < chunk) break;
  }
  return parse_session_config(text, name);
}

}  // namespace etwcat::live
