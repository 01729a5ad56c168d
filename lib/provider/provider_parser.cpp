// Provider-string parsing: goetw's positional fields and Go number syntax,
// with level names, ID ranges, exclude lists and strict limits added.
#include "lib/provider/provider_parser.h"

#include <algorithm>
#include <array>
#include <string>

#include "lib/base/ascii.h"
#include "lib/base/usage_error.h"
#include "lib/decode/database/builtin_schemas.h"
#include "lib/decode/tdh/tdh_schemas.h"
#include "lib/provider/go_number.h"
#include "lib/provider/known_providers.h"
#include "lib/provider/name_hash.h"
#include "lib/provider/registered_providers.h"

namespace etwcat::provider {
namespace {

constexpr std::size_t max_fields = 5;

struct level_name {
  std::string_view name;
  std::uint8_t value;
};
// winmeta's names too: LogAlways and Informational (written without "win:", as ':' separates
// the fields).
constexpr level_name level_names[] = {{"critical", 1},    {"error", 2},    {"warning", 3},
                                      {"information", 4}, {"info", 4},     {"informational", 4},
                                      {"verbose", 5},     {"logalways", 0}};

// Builds the one-line error for the whole string `text`.
class failure {
 public:
  explicit failure(std::string_view text) : prefix_("provider \"" + std::string(text) + "\": ") {}
  [[noreturn]] void operator()(const std::string& what) const { throw usage_error(prefix_ + what); }

 private:
  std::string prefix_;
};

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// A brace, or a near-GUID (hyphens among at least 28 hex digits, of 32-38
// characters), shows the user meant a GUID: say what is wrong with it rather
// than that no provider has that name.
bool looks_like_guid(std::string_view s) noexcept {
  if (s.empty()) return false;
  if (s.front() == '{' || s.back() == '}') return true;
  auto hex_digits = std::count_if(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
  return s.size() >= 32 && s.size() <= 38 && hex_digits >= 28 &&
         s.find('-') != std::string_view::npos;
}

void parse_identity(std::string_view field, provider& out, const name_resolver& resolver,
                    const failure& fail) {
  if (field.empty()) fail("empty name (give a provider name, a GUID or *EventSourceName)");
  if (field.front() == '*') {
    std::string_view name = field.substr(1);
    if (name.empty()) fail("empty EventSource name after \"*\"");
    out.name = std::string(name);
    out.id = eventsource_guid(name);
    return;
  }
  if (auto id = guid::parse(field)) {
    out.id = *id;
    if (const auto* known = find_known_provider(*id)) out.name = std::string(known->name);
    return;
  }
  if (looks_like_guid(field)) {
    fail("GUID " + quoted(field) +
         " is malformed (expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, braces optional)");
  }
  if (const auto* known = find_known_provider(field)) {
    out.name = std::string(known->name);
    out.id = known->id;
    return;
  }
  if (const auto* entry = decode::builtin_schemas().find_by_name(field)) {
    out.name = std::string(entry->name);
    out.id = entry->id;
    return;
  }
  if (resolver) {
    if (auto id = resolver(field)) {
      out.name = std::string(field);
      out.id = *id;
      return;
    }
  }
  fail("unknown provider name " + quoted(field) +
       (resolver ? " (neither built in nor registered on this machine;"
                 : " (not among the built-in providers;") +
       " give its GUID, or *" + std::string(field) + " for an EventSource/TraceLogging provider)");
}

// What the provider declares, for keyword and level names: the built-in database's entry, else
// (on Windows) TDH's. Looked up only when a name is used.
class declarations {
 public:
  explicit declarations(const provider& p) : provider_(p) {}

  const std::vector<decode::declaration>& keywords() { return load().keywords; }
  const std::vector<decode::declaration>& levels() { return load().levels; }
  const std::string& provider_label() const { return label_; }

 private:
  const decode::manifest_provider& load() {
    if (loaded_) return *loaded_;
    label_ = provider_.name.empty() ? provider_.id.to_string() : provider_.name;
    if (const auto* entry = decode::builtin_schemas().find(provider_.id)) {
      if (auto p = decode::builtin_schemas().load(*entry); p.ok()) loaded_ = p.value();
    }
    if ((!loaded_ || loaded_->keywords.empty()) && decode::tdh_available()) {
      if (auto p = decode::tdh_provider_details(provider_.id); p.ok()) loaded_ = p.value();
    }
    if (!loaded_) loaded_ = std::make_shared<const decode::manifest_provider>();
    return *loaded_;
  }

  const provider& provider_;
  std::shared_ptr<const decode::manifest_provider> loaded_;
  std::string label_;
};

std::string name_list(const std::vector<decode::declaration>& list) {
  std::string out;
  for (const auto& d : list) {
    if (d.name.empty()) continue;
    if (!out.empty()) out += ", ";
    out += d.name;
  }
  return out;
}

void parse_level_field(std::string_view field, provider& out, declarations& known,
                       const failure& fail) {
  if (auto value = parse_level(field)) {
    out.level = *value;
    return;
  }
  // A level the provider declares ("win:Informational", or one of its own).
  const auto& levels = known.levels();
  // ':' separates the fields, so "win:Informational" is written "Informational".
  const auto it = std::find_if(levels.begin(), levels.end(), [&](const auto& l) {
    std::string_view name = l.name;
    if (name.starts_with("win:")) name.remove_prefix(4);
    return equals_ignoring_case(name, field) || equals_ignoring_case(l.display, field);
  });
  if (it != levels.end() && it->value <= 0xFF) {
    out.level = static_cast<std::uint8_t>(it->value);
    return;
  }
  fail("level " + quoted(field) +
       " is neither a number (0-255) nor a level name "
       "(critical, error, warning, information, verbose" +
       (levels.empty() ? std::string()
                       : ", or " + known.provider_label() + "'s: " + name_list(levels)) +
       ")");
}

std::uint16_t parse_event_id(std::string_view text, std::string_view field, const failure& fail) {
  auto value = parse_go_uint(text, 16);
  if (!value) {
    fail("event ID " + quoted(text) + " in " + quoted(field) +
         (is_go_uint(text) ? " is out of range (0-65535)" : " is not a number (0-65535)"));
  }
  return static_cast<std::uint16_t>(*value);
}

void parse_event_ids(std::string_view field, provider& out, const failure& fail) {
  std::string_view list = field;
  if (list.front() == '!') {
    out.exclude_event_ids = true;
    list.remove_prefix(1);
    if (list.empty()) fail("event IDs \"!\" name no ID to exclude");
  }
  std::size_t start = 0;
  while (true) {
    std::size_t comma = list.find(',', start);
    std::string_view item =
        list.substr(start, comma == std::string_view::npos ? comma : comma - start);
    if (item.empty()) fail("empty event ID in " + quoted(field));
    std::uint16_t first = 0, last = 0;
    if (std::size_t dash = item.find('-'); dash != std::string_view::npos) {
      first = parse_event_id(item.substr(0, dash), field, fail);
      last = parse_event_id(item.substr(dash + 1), field, fail);
      if (last < first) fail("event ID range " + quoted(item) + " runs backwards");
    } else {
      first = last = parse_event_id(item, field, fail);
    }
    for (std::uint32_t id = first; id <= last; ++id) {
      if (std::find(out.event_ids.begin(), out.event_ids.end(), id) != out.event_ids.end()) {
        continue;  // a repeat adds nothing to the filter
      }
      if (out.event_ids.size() == max_event_ids) {
        fail("event IDs " + quoted(field) + " name more than " + std::to_string(max_event_ids) +
             " IDs, the most one ETW event-ID filter holds");
      }
      out.event_ids.push_back(static_cast<std::uint16_t>(id));
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
}

// A keyword mask: a number, or names and numbers joined by '|' ("WINEVENT_KEYWORD_PROCESS|0x40"),
// names as the provider declares them (its symbol or its display name), any case.
std::uint64_t parse_keyword(std::string_view field, std::string_view which, declarations& known,
                            const failure& fail) {
  if (auto value = parse_go_uint(field, 64)) return *value;
  std::uint64_t mask = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t bar = field.find('|', start);
    std::string_view item = field.substr(start, bar == std::string_view::npos ? bar : bar - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.empty()) fail(std::string(which) + " " + quoted(field) + " has an empty keyword");
    if (auto value = parse_go_uint(item, 64)) {
      mask |= *value;
    } else if (is_go_uint(item)) {
      fail(std::string(which) + " " + quoted(item) + " is not a 64-bit number");
    } else {
      const auto& keywords = known.keywords();
      const auto it = std::find_if(keywords.begin(), keywords.end(), [&](const auto& k) {
        return equals_ignoring_case(k.name, item) || equals_ignoring_case(k.display, item);
      });
      if (it == keywords.end()) {
        if (keywords.empty()) {
          fail(std::string(which) + " " + quoted(field) + ": " + quoted(item) +
               " is not a number, and no keyword names are known for " + known.provider_label() +
               " (give the mask as a number)");
        }
        fail(std::string(which) + " " + quoted(field) + ": " + quoted(item) +
             " is not a keyword of " + known.provider_label() +
             " (its keywords: " + name_list(keywords) + ")");
      }
      mask |= it->value;
    }
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  return mask;
}

}  // namespace

provider parse_provider(std::string_view text, const name_resolver& resolver) {
  const failure fail(text);
  // Say so for the whole string: "empty name" would point at a field the user never wrote.
  if (text.empty()) {
    fail(
        "empty provider string (give Name[:Level[:EventIDs[:MatchAnyKeyword[:MatchAllKeyword]]]])");
  }
  std::array<std::string_view, max_fields> fields{};
  std::size_t count = 0;
  std::size_t start = 0;
  while (true) {
    std::size_t colon = text.find(':', start);
    if (count == max_fields) {
      fail("too many fields (at most 5: Name:Level:EventIDs:MatchAnyKeyword:MatchAllKeyword)");
    }
    fields[count++] = text.substr(start, colon == std::string_view::npos ? colon : colon - start);
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }

  provider out;
  parse_identity(fields[0], out, resolver, fail);
  declarations known(out);
  if (count > 1 && !fields[1].empty()) parse_level_field(fields[1], out, known, fail);
  if (count > 2 && !fields[2].empty()) parse_event_ids(fields[2], out, fail);
  if (count > 3 && !fields[3].empty()) {
    out.match_any_keyword = parse_keyword(fields[3], "MatchAnyKeyword", known, fail);
  }
  if (count > 4 && !fields[4].empty()) {
    out.match_all_keyword = parse_keyword(fields[4], "MatchAllKeyword", known, fail);
  }
  return out;
}

std::optional<std::uint8_t> parse_level(std::string_view text) noexcept {
  for (const auto& level : level_names) {
    if (equals_ignoring_case(level.name, text)) return level.value;
  }
  if (auto value = parse_go_uint(text, 8)) return static_cast<std::uint8_t>(*value);
  return std::nullopt;
}

provider parse_provider(std::string_view text) {
  if (!registered_providers_available()) return parse_provider(text, name_resolver());
  return parse_provider(text, [](std::string_view name) { return find_registered_provider(name); });
}

}  // namespace etwcat::provider
