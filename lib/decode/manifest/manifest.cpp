// manifest: instrumentation manifest XML → manifest_provider → event_schema. Declarations
// (levels, tasks, opcodes, keywords, channels, maps) are read first, templates on first use.
// Names are TDH's: a declaration's message from the string table, else its name attribute.
#include "lib/decode/manifest/manifest.h"

#include <algorithm>
#include <bit>
#include <fstream>
#include <optional>
#include <utility>

#include "lib/base/ascii.h"
#include "lib/base/input_file.h"
#include "lib/base/unicode.h"
#include "lib/decode/manifest/xml_reader.h"

namespace etwcat::decode {

namespace {

// --- small text helpers ----------------------------------------------------------------------

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

/// A decimal or 0x-hex unsigned number, white space around allowed.
std::optional<std::uint64_t> parse_number(std::string_view s) noexcept {
  s = trim(s);
  if (s.empty()) return std::nullopt;
  unsigned base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  }
  std::uint64_t value = 0;
  for (char c : s) {
    unsigned digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<unsigned>(c - '0');
    } else if (base == 16 && c >= 'a' && c <= 'f') {
      digit = static_cast<unsigned>(c - 'a' + 10);
    } else if (base == 16 && c >= 'A' && c <= 'F') {
      digit = static_cast<unsigned>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
    if (value > (~std::uint64_t{0} - digit) / base) return std::nullopt;  // overflow
    value = value * base + digit;
  }
  return value;
}

std::string_view after_prefix(std::string_view qname) noexcept {
  const auto colon = qname.find(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

// --- winmeta and type names ------------------------------------------------------------------

struct builtin {
  std::string_view name;
  std::uint64_t value;
  std::string_view display;  // winmeta's message text
};

constexpr builtin winmeta_levels[] = {
    {"win:LogAlways", 0, "Log Always"},
    {"win:Critical", 1, "Critical"},
    {"win:Error", 2, "Error"},
    {"win:Warning", 3, "Warning"},
    {"win:Informational", 4, "Information"},
    {"win:Verbose", 5, "Verbose"},
};

constexpr builtin winmeta_opcodes[] = {
    {"win:Info", 0, "Info"},         {"win:Start", 1, "Start"},
    {"win:Stop", 2, "Stop"},         {"win:DC_Start", 3, "DCStart"},
    {"win:DC_Stop", 4, "DCStop"},    {"win:Extension", 5, "Extension"},
    {"win:Reply", 6, "Reply"},       {"win:Resume", 7, "Resume"},
    {"win:Suspend", 8, "Suspend"},   {"win:Send", 9, "Send"},
    {"win:Receive", 240, "Receive"},
};

constexpr builtin winmeta_keywords[] = {
    {"win:AnyKeyword", 0, ""},
    {"win:ResponseTime", 0x0001000000000000, "Response Time"},
    {"win:WDIContext", 0x0002000000000000, "WDI Context"},
    {"win:WDIDiag", 0x0004000000000000, "WDI Diag"},
    {"win:SQM", 0x0008000000000000, "SQM"},
    {"win:AuditFailure", 0x0010000000000000, "Audit Failure"},
    {"win:AuditSuccess", 0x0020000000000000, "Audit Success"},
    {"win:CorrelationHint", 0x0040000000000000, "Correlation Hint"},
    {"win:EventlogClassic", 0x0080000000000000, "Classic"},
};

constexpr builtin winmeta_channels[] = {
    {"win:System", 8, "System"},           {"System", 8, "System"},
    {"win:Application", 9, "Application"}, {"Application", 9, "Application"},
    {"win:Security", 10, "Security"},      {"Security", 10, "Security"},
};

// A winmeta level by name or, as dumps write it, by its display name ("Log Always").
const builtin* winmeta_level(std::string_view name) noexcept {
  for (const auto& b : winmeta_levels) {
    if (b.name == name || b.display == name) return &b;
  }
  return nullptr;
}

// winmeta's win:ReservedLevel6 … win:ReservedLevel15.
std::optional<std::uint8_t> reserved_level(std::string_view name) noexcept {
  constexpr std::string_view prefix = "win:ReservedLevel";
  if (!name.starts_with(prefix)) return std::nullopt;
  const auto n = parse_number(name.substr(prefix.size()));
  if (!n || *n < 6 || *n > 15) return std::nullopt;
  return static_cast<std::uint8_t>(*n);
}

template <std::size_t N>
const builtin* find_builtin(const builtin (&table)[N], std::string_view name) noexcept {
  for (const auto& b : table) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

struct type_name_in {
  std::string_view name;  // without prefix, compared ignoring case
  in_type in;
  out_type implied_out;  // for trace: types that are an in type plus a way to print it
};

constexpr type_name_in in_type_names[] = {
    {"UnicodeString", in_type::unicode_string, out_type::none},
    {"AnsiString", in_type::ansi_string, out_type::none},
    {"Int8", in_type::int8, out_type::none},
    {"UInt8", in_type::uint8, out_type::none},
    {"Int16", in_type::int16, out_type::none},
    {"UInt16", in_type::uint16, out_type::none},
    {"Int32", in_type::int32, out_type::none},
    {"UInt32", in_type::uint32, out_type::none},
    {"Int64", in_type::int64, out_type::none},
    {"UInt64", in_type::uint64, out_type::none},
    {"Float", in_type::float32, out_type::none},
    {"Double", in_type::float64, out_type::none},
    {"Boolean", in_type::boolean, out_type::none},
    {"Binary", in_type::binary, out_type::none},
    {"GUID", in_type::guid, out_type::none},
    {"Pointer", in_type::pointer, out_type::none},
    {"FILETIME", in_type::filetime, out_type::none},
    {"SYSTEMTIME", in_type::systemtime, out_type::none},
    {"SID", in_type::sid, out_type::none},
    {"HexInt32", in_type::hex_int32, out_type::none},
    {"HexInt64", in_type::hex_int64, out_type::none},
    {"CountedUnicodeString", in_type::manifest_counted_string, out_type::none},
    {"CountedString", in_type::manifest_counted_string, out_type::none},
    {"CountedAnsiString", in_type::manifest_counted_ansi_string, out_type::none},
    {"CountedBinary", in_type::manifest_counted_binary, out_type::none},
    // The trace: names of MOF classes written as manifests (kerneltraceeventparser.man.xml).
    {"UnicodeChar", in_type::unicode_char, out_type::none},
    {"AnsiChar", in_type::ansi_char, out_type::none},
    {"SizeT", in_type::size_t_, out_type::none},
    {"WBEMSid", in_type::wbem_sid, out_type::none},
    {"Port", in_type::uint16, out_type::port},
    {"IPAddr", in_type::uint32, out_type::ipv4},
    {"IPAddrV4", in_type::uint32, out_type::ipv4},
    {"IPAddrV6", in_type::binary, out_type::ipv6},
    {"WmiTime", in_type::uint64, out_type::etw_time},
};

struct type_name_out {
  std::string_view name;
  out_type out;
};

constexpr type_name_out out_type_names[] = {
    {"string", out_type::string},
    {"dateTime", out_type::datetime},
    {"byte", out_type::byte},
    {"unsignedByte", out_type::unsigned_byte},
    {"short", out_type::short_},
    {"unsignedShort", out_type::unsigned_short},
    {"int", out_type::int_},
    {"unsignedInt", out_type::unsigned_int},
    {"long", out_type::long_},
    {"unsignedLong", out_type::unsigned_long},
    {"float", out_type::float_},
    {"double", out_type::double_},
    {"boolean", out_type::boolean},
    {"GUID", out_type::guid},
    {"hexBinary", out_type::hex_binary},
    {"Binary", out_type::hex_binary},
    {"HexInt8", out_type::hex_int8},
    {"HexInt16", out_type::hex_int16},
    {"HexInt32", out_type::hex_int32},
    {"HexInt64", out_type::hex_int64},
    {"PID", out_type::pid},
    {"TID", out_type::tid},
    {"Port", out_type::port},
    {"IPv4", out_type::ipv4},
    {"IPv6", out_type::ipv6},
    {"SocketAddress", out_type::socket_address},
    {"CIMDateTime", out_type::cim_datetime},
    {"ETWTIME", out_type::etw_time},
    {"Xml", out_type::xml},
    {"ErrorCode", out_type::error_code},
    {"Win32Error", out_type::win32_error},
    {"NTSTATUS", out_type::ntstatus},
    {"HResult", out_type::hresult},
    {"DateTimeCultureInsensitive", out_type::culture_insensitive_datetime},
    {"Json", out_type::json},
    {"Utf8", out_type::utf8},
    {"Pkcs7WithTypeInfo", out_type::pkcs7_with_type_info},
    {"CodePointer", out_type::code_pointer},
    {"DateTimeUtc", out_type::datetime_utc},
};

// --- reading one document --------------------------------------------------------------------

/// A declaration of the provider (level, opcode, keyword, channel): its value and display name.
struct declared {
  std::uint64_t value = 0;
  std::string_view display;
};

struct task_declared {
  std::uint16_t value = 0;
  std::string_view display;
  std::unordered_map<std::string_view, declared> opcodes;  // opcodes declared inside the task
};

struct parsed_template {
  std::vector<property> properties;
  std::uint16_t top_level = 0;
};

/// The failure of one step: where (byte offset) and what, without the position prefix.
struct problem {
  std::size_t offset = 0;
  std::string text;
};

class document_reader {
 public:
  document_reader(const xml_document& doc, std::string_view origin, const manifest_options& options)
      : doc_(doc), origin_(origin), options_(options) {}

  /// Fills `out`; on failure returns the problem.
  std::optional<problem> read(manifest_set& out) {
    find_string_table(doc_.root(), 0);
    return find_providers(doc_.root(), 0, out);
  }

 private:
  // Stops descending at <instrumentation> and <localization>; manifests nest them shallowly
  // (instrumentationManifest or assembly → instrumentation).
  static constexpr int max_search_depth = 8;

  void find_string_table(xml_element e, int depth) {
    for (xml_element c : e.children()) {
      if (c.local_name() == "localization") {
        xml_element chosen;
        for (xml_element r : c.children()) {
          if (r.local_name() != "resources") continue;
          if (!chosen || equals_ignoring_case(r.attribute_or_empty("culture"), "en-US")) {
            const bool had_en_us =
                chosen && equals_ignoring_case(chosen.attribute_or_empty("culture"), "en-US");
            if (!had_en_us) chosen = r;
          }
        }
        if (!chosen) continue;
        for (xml_element table : chosen.children()) {
          if (table.local_name() != "stringTable") continue;
          for (xml_element s : table.children()) {
            if (s.local_name() != "string") continue;
            auto id = s.attribute("id");
            auto value = s.attribute("value");
            if (id && value) strings_.emplace(*id, *value);
          }
        }
      } else if (c.local_name() != "instrumentation" && depth < max_search_depth) {
        find_string_table(c, depth + 1);
      }
    }
  }

  std::optional<problem> find_providers(xml_element e, int depth, manifest_set& out) {
    for (xml_element c : e.children()) {
      if (c.local_name() == "instrumentation") {
        for (xml_element events : c.children()) {
          if (events.local_name() != "events") continue;
          for (xml_element p : events.children()) {
            if (p.local_name() != "provider") continue;
            manifest_provider provider;
            if (auto failed = read_provider(p, provider)) return failed;
            out.add(std::make_shared<const manifest_provider>(std::move(provider)));
          }
        }
      } else if (c.local_name() != "localization" && depth < max_search_depth) {
        if (auto failed = find_providers(c, depth + 1, out)) return failed;
      }
    }
    return std::nullopt;
  }

  /// A message attribute through the string table: "$(string.X)" → its text; other text as
  /// is; nothing when empty or when the string is not in the table.
  std::optional<std::string_view> resolve(std::string_view message) const {
    message = trim(message);
    if (message.empty()) return std::nullopt;
    if (message.starts_with("$(string.") && message.ends_with(")")) {
      const auto id = message.substr(9, message.size() - 10);
      const auto it = strings_.find(id);
      if (it == strings_.end()) return std::nullopt;
      return it->second;
    }
    return message;
  }

  /// TDH's display name of a declaration: its message, else its name.
  std::string_view display_name(xml_element e) const {
    if (auto text = resolve(e.attribute_or_empty("message"))) return *text;
    return e.attribute_or_empty("name");
  }

  static problem missing(xml_element e, std::string_view what) {
    return problem{e.offset(),
                   "<" + std::string(e.local_name()) + "> without " + std::string(what)};
  }

  // A numeric attribute that must be present and fit in `max`.
  static std::optional<problem> number(xml_element e, std::string_view attribute, std::uint64_t max,
                                       std::uint64_t& out) {
    auto text = e.attribute(attribute);
    if (!text) return missing(e, std::string(attribute) + "=");
    auto n = parse_number(*text);
    if (!n || *n > max) {
      return problem{e.offset(), "<" + std::string(e.local_name()) + "> " + std::string(attribute) +
                                     "=\"" + std::string(*text) + "\" is not a number up to " +
                                     std::to_string(max)};
    }
    out = *n;
    return std::nullopt;
  }

  std::optional<problem> read_provider(xml_element p, manifest_provider& provider) {
    provider.name = std::string(p.attribute_or_empty("name"));
    provider.origin = std::string(origin_);
    const auto id = guid::parse(trim(p.attribute_or_empty("guid")));
    if (!id) {
      return problem{p.offset(), "provider \"" + provider.name + "\" has no valid guid= (\"" +
                                     std::string(p.attribute_or_empty("guid")) + "\")"};
    }
    provider.id = *id;
    levels_.clear();
    tasks_.clear();
    opcodes_.clear();
    keywords_.clear();
    channels_.clear();
    templates_.clear();
    parsed_.clear();
    map_index_.clear();

    // Declarations first: events refer to them by name, wherever they are in the provider.
    xml_element events;
    for (xml_element section : p.children()) {
      const auto kind = section.local_name();
      std::optional<problem> failed;
      if (kind == "levels") {
        failed = read_declarations(section, "level", "value", 0xFF, levels_, provider.levels);
      } else if (kind == "opcodes") {
        failed = read_declarations(section, "opcode", "value", 0xFF, opcodes_, provider.opcodes);
      } else if (kind == "keywords") {
        failed = read_declarations(section, "keyword", "mask", ~std::uint64_t{0}, keywords_,
                                   provider.keywords);
      } else if (kind == "tasks") {
        failed = read_tasks(section, provider);
      } else if (kind == "channels") {
        failed = read_channels(section, provider);
      } else if (kind == "maps") {
        failed = read_maps(section, provider);
      } else if (kind == "templates") {
        for (xml_element t : section.children()) {
          if (t.local_name() == "template") templates_.emplace(t.attribute_or_empty("tid"), t);
        }
      } else if (kind == "events") {
        events = section;
      }
      if (failed) return failed;
    }
    if (!events) return std::nullopt;
    for (xml_element e : events.children()) {
      if (e.local_name() != "event") continue;
      if (auto failed = read_event(e, provider)) return failed;
    }
    return std::nullopt;
  }

  std::optional<problem> read_declarations(xml_element section, std::string_view element,
                                           std::string_view value_attribute, std::uint64_t max,
                                           std::unordered_map<std::string_view, declared>& out,
                                           std::vector<declaration>& listed,
                                           std::uint16_t task = 0) {
    for (xml_element d : section.children()) {
      if (d.local_name() != element) continue;
      std::uint64_t value = 0;
      if (auto failed = number(d, value_attribute, max, value)) return failed;
      auto name = d.attribute("name");
      if (!name) return missing(d, "name=");
      const declared found{value, display_name(d)};
      out.emplace(*name, found);
      listed.push_back(declaration{value, std::string(*name), std::string(found.display), task});
    }
    return std::nullopt;
  }

  std::optional<problem> read_tasks(xml_element section, manifest_provider& provider) {
    // Dumps made from TDH (the lilhoser set) write every task's message as
    // "$(string.string<value>)", an index into a string table sorted by text, so the messages
    // name other tasks, channels or the provider. When every task follows that pattern and one
    // of them resolves to something other than its name, the names (TDH's own) are used.
    bool messages_by_value = true, message_differs = false;
    for (xml_element t : section.children()) {
      if (t.local_name() != "task") continue;
      std::uint64_t value = 0;
      if (auto failed = number(t, "value", 0xFFFF, value)) return failed;
      auto name = t.attribute("name");
      if (!name) return missing(t, "name=");
      task_declared task;
      task.value = static_cast<std::uint16_t>(value);
      task.display = display_name(t);
      const auto message = trim(t.attribute_or_empty("message"));
      messages_by_value = messages_by_value && message.starts_with("$(string.string") &&
                          message.substr(15) == std::to_string(value) + ")";
      message_differs = message_differs || task.display != *name;
      provider.tasks.push_back(
          declaration{value, std::string(*name), std::string(task.display), 0});
      if (xml_element opcodes = t.child("opcodes")) {
        if (auto failed = read_declarations(opcodes, "opcode", "value", 0xFF, task.opcodes,
                                            provider.opcodes, task.value)) {
          return failed;
        }
      }
      tasks_.emplace(*name, std::move(task));
    }
    if (messages_by_value && message_differs) {
      for (auto& [name, task] : tasks_) task.display = name;
      for (declaration& d : provider.tasks) d.display = d.name;
    }
    return std::nullopt;
  }

  // Channels are referenced by chid or by name. A channel without value= gets the next free
  // number from 16, as mc.exe numbers them; imported channels keep their winmeta numbers.
  std::optional<problem> read_channels(xml_element section, manifest_provider& provider) {
    std::vector<bool> used(256, false);
    std::vector<std::pair<xml_element, std::uint64_t>> found;
    for (xml_element c : section.children()) {
      const auto kind = c.local_name();
      if (kind != "channel" && kind != "importChannel") continue;
      std::uint64_t value = 0x100;  // not yet numbered
      if (c.attribute("value")) {
        if (auto failed = number(c, "value", 0xFF, value)) return failed;
      } else if (const builtin* b = find_builtin(winmeta_channels, c.attribute_or_empty("name"))) {
        value = b->value;
      }
      if (value < 0x100) used[value] = true;
      found.emplace_back(c, value);
    }
    std::uint64_t next = 16;
    for (auto& [c, value] : found) {
      if (value == 0x100) {
        while (next < 0x100 && used[next]) ++next;
        if (next >= 0x100) return problem{c.offset(), "more channels than channel numbers"};
        value = next;
        used[next] = true;
      }
      const declared d{value, c.attribute_or_empty("name")};
      if (auto chid = c.attribute("chid")) channels_.emplace(*chid, d);
      if (auto name = c.attribute("name")) channels_.emplace(*name, d);
      provider.channels.push_back(
          declaration{value, std::string(c.attribute_or_empty("name")), std::string(d.display), 0});
    }
    return std::nullopt;
  }

  std::optional<problem> read_maps(xml_element section, manifest_provider& provider) {
    for (xml_element m : section.children()) {
      const auto kind = m.local_name();
      if (kind != "valueMap" && kind != "bitMap") continue;
      value_map map;
      auto name = m.attribute("name");
      if (!name) return missing(m, "name=");
      map.name = std::string(*name);
      map.type = kind == "bitMap" ? value_map::kind::bitmap : value_map::kind::value;
      for (xml_element entry : m.children()) {
        if (entry.local_name() != "map") continue;
        std::uint64_t value = 0;
        if (auto failed = number(entry, "value", ~std::uint64_t{0}, value)) return failed;
        std::string_view text = resolve(entry.attribute_or_empty("message")).value_or("");
        while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
        map.entries.push_back(value_map::entry{value, std::string(text)});
      }
      map_index_.emplace(*name, provider.maps.size());
      provider.maps.push_back(std::move(map));
    }
    return std::nullopt;
  }

  // --- templates ------------------------------------------------------------------------------

  struct item {
    xml_element element;
    bool is_struct = false;
    std::vector<item> members;
  };
  static constexpr int max_struct_depth = 8;

  static std::optional<problem> collect(xml_element scope, int depth, std::vector<item>& out) {
    for (xml_element c : scope.children()) {
      const auto kind = c.local_name();
      if (kind == "data") {
        out.push_back(item{c, false, {}});
      } else if (kind == "struct") {
        if (depth >= max_struct_depth) {
          return problem{c.offset(),
                         "structs nested more than " + std::to_string(max_struct_depth) + " deep"};
        }
        item s{c, true, {}};
        if (auto failed = collect(c, depth + 1, s.members)) return failed;
        out.push_back(std::move(s));
      }
    }
    return std::nullopt;
  }

  // One group of sibling properties: the template's top level or one struct's members.
  struct group {
    const std::vector<item>* items = nullptr;
    std::size_t base = 0;  // index of items[0] in the property list
    int parent = -1;       // index in the group list
    std::size_t slot = 0;  // index of the struct in the parent's items
  };

  // The index of the property named `name` that a length= or count= in group `g` at `slot`
  // refers to: an earlier sibling, else an earlier property of an enclosing group.
  static std::optional<std::size_t> referenced(const std::vector<group>& groups, int g,
                                               std::size_t slot, std::string_view name) {
    while (g >= 0) {
      const group& at = groups[static_cast<std::size_t>(g)];
      for (std::size_t j = slot; j-- > 0;) {
        if ((*at.items)[j].element.attribute_or_empty("name") == name) return at.base + j;
      }
      slot = at.slot;
      g = at.parent;
    }
    return std::nullopt;
  }

  // Sets a length or count from a number (fixed) or a field name (property).
  static std::optional<problem> size_attribute(xml_element e, std::string_view attribute,
                                               const std::vector<group>& groups, int g,
                                               std::size_t slot, size_source& from,
                                               std::uint16_t& value) {
    auto text = e.attribute(attribute);
    if (!text) return std::nullopt;
    const std::string_view t = trim(*text);
    if (auto n = parse_number(t)) {
      if (*n > 0xFFFF) {
        return problem{e.offset(),
                       std::string(attribute) + "=\"" + std::string(t) + "\" is larger than 65535"};
      }
      from = size_source::fixed;
      value = static_cast<std::uint16_t>(*n);
      return std::nullopt;
    }
    auto index = referenced(groups, g, slot, t);
    if (!index) {
      return problem{e.offset(),
                     std::string(attribute) + "=\"" + std::string(t) + "\" names no earlier field"};
    }
    from = size_source::property;
    value = static_cast<std::uint16_t>(*index);
    return std::nullopt;
  }

  std::optional<problem> fill_property(xml_element e, const std::vector<group>& groups, int g,
                                       std::size_t slot, bool is_struct, property& p) const {
    auto name = e.attribute("name");
    if (!name) return missing(e, "name=");
    p.name = std::string(*name);
    p.is_struct = is_struct;
    if (!is_struct) {
      auto in_text = e.attribute("inType");
      if (!in_text) return problem{e.offset(), "field " + p.name + ": no inType"};
      const auto in_local = after_prefix(trim(*in_text));
      const type_name_in* in = nullptr;
      for (const auto& t : in_type_names) {
        if (equals_ignoring_case(t.name, in_local)) in = &t;
      }
      if (in == nullptr) {
        return problem{e.offset(),
                       "field " + p.name + ": unknown inType \"" + std::string(*in_text) + "\""};
      }
      p.in = in->in;
      p.out = in->implied_out;
      if (auto out_text = e.attribute("outType"); out_text && !trim(*out_text).empty()) {
        const auto out_local = after_prefix(trim(*out_text));
        const type_name_out* out = nullptr;
        for (const auto& t : out_type_names) {
          if (equals_ignoring_case(t.name, out_local)) out = &t;
        }
        if (out == nullptr) {
          return problem{e.offset(), "field " + p.name + ": unknown outType \"" +
                                         std::string(*out_text) + "\""};
        }
        p.out = out->out;
      }
      if (auto failed = size_attribute(e, "length", groups, g, slot, p.length_from, p.length)) {
        failed->text = "field " + p.name + ": " + failed->text;
        return failed;
      }
      if (auto map = e.attribute("map")) {
        p.map_name = std::string(*map);
        if (auto it = map_index_.find(*map); it != map_index_.end()) {
          p.map = &(*current_maps_)[it->second];
        }
      }
    }
    if (auto failed = size_attribute(e, "count", groups, g, slot, p.count_from, p.count)) {
      failed->text = "field " + p.name + ": " + failed->text;
      return failed;
    }
    p.is_array = p.count_from != size_source::none;
    return std::nullopt;
  }

  // Lays the template out TDH's way: top-level properties first, then each struct's members
  // as one run (breadth first), struct properties pointing at their run.
  std::optional<problem> parse_template(xml_element t, parsed_template& out) const {
    std::vector<item> top;
    if (auto failed = collect(t, 0, top)) return failed;
    std::vector<group> groups{group{&top, 0, -1, 0}};
    std::vector<property>& props = out.properties;
    props.resize(top.size());
    for (std::size_t gi = 0; gi < groups.size(); ++gi) {
      const group g = groups[gi];
      for (std::size_t i = 0; i < g.items->size(); ++i) {
        const item& it = (*g.items)[i];
        property p;
        if (auto failed =
                fill_property(it.element, groups, static_cast<int>(gi), i, it.is_struct, p)) {
          return failed;
        }
        if (it.is_struct) {
          const std::size_t first = props.size();
          if (first + it.members.size() > 0xFFFF) {
            return problem{it.element.offset(), "more than 65535 fields"};
          }
          p.first_member = static_cast<std::uint16_t>(first);
          p.member_count = static_cast<std::uint16_t>(it.members.size());
          props.resize(first + it.members.size());
          groups.push_back(group{&it.members, first, static_cast<int>(gi), i});
        }
        props[g.base + i] = std::move(p);
      }
    }
    if (props.size() > 0xFFFF) return problem{t.offset(), "more than 65535 fields"};
    out.top_level = static_cast<std::uint16_t>(top.size());
    // The CLR's manifest declares ClrStackWalk's Stack with count="2" although the runtime
    // writes FrameCount addresses: the §7.3 count rule, as for TDH metadata.
    for (std::size_t i = 1; i < top.size(); ++i) {
      property& p = props[i];
      if (p.count_from == size_source::fixed && p.count > 1 && preceded_by_count_field(props, i)) {
        p.count_from = size_source::property;
        p.count = static_cast<std::uint16_t>(i - 1);
      }
    }
    return std::nullopt;
  }

  // --- events -----------------------------------------------------------------------------

  std::optional<problem> read_event(xml_element e, manifest_provider& provider) {
    std::uint64_t id = 0, version = 0;
    if (auto failed = number(e, "value", 0xFFFF, id)) return failed;
    if (e.attribute("version")) {
      if (auto failed = number(e, "version", 0xFF, version)) return failed;
    }
    event_schema s;
    s.source = options_.source;
    s.provider_guid = provider.id;
    s.provider_name = provider.name;
    s.id = static_cast<std::uint16_t>(id);
    s.version = static_cast<std::uint8_t>(version);
    const auto where = [&](std::string_view what, std::string_view ref) {
      return problem{e.offset(), "event " + std::to_string(id) + " version " +
                                     std::to_string(version) + ": unknown " + std::string(what) +
                                     " \"" + std::string(ref) + "\""};
    };

    if (auto level = trim(e.attribute_or_empty("level")); !level.empty()) {
      if (auto it = levels_.find(level); it != levels_.end()) {
        s.level = static_cast<std::uint8_t>(it->second.value);
        s.level_name = std::string(it->second.display);
      } else if (const builtin* b = winmeta_level(level)) {
        s.level = static_cast<std::uint8_t>(b->value);
        s.level_name = std::string(b->display);
      } else if (auto reserved = reserved_level(level)) {
        s.level = *reserved;
      }
      // Else a level the manifest does not declare (dumps name levels they leave out):
      // value and name stay unknown, and the record's own level is what counts.
    }
    const task_declared* task = nullptr;
    if (auto name = trim(e.attribute_or_empty("task")); !name.empty() && name != "win:None") {
      auto it = tasks_.find(name);
      if (it == tasks_.end()) return where("task", name);
      task = &it->second;
      s.task = task->value;
      s.task_name = std::string(task->display);
    }
    if (auto name = trim(e.attribute_or_empty("opcode")); !name.empty()) {
      const declared* d = nullptr;
      if (task != nullptr) {
        if (auto it = task->opcodes.find(name); it != task->opcodes.end()) d = &it->second;
      }
      if (d == nullptr) {
        if (auto it = opcodes_.find(name); it != opcodes_.end()) d = &it->second;
      }
      if (d != nullptr) {
        s.opcode = static_cast<std::uint8_t>(d->value);
        s.opcode_name = std::string(d->display);
      } else if (const builtin* b = find_builtin(winmeta_opcodes, name)) {
        s.opcode = static_cast<std::uint8_t>(b->value);
        s.opcode_name = std::string(b->display);
      } else {
        return where("opcode", name);
      }
      if (s.opcode_name.starts_with("win:")) s.opcode_name.erase(0, 4);
    }
    if (auto list = e.attribute_or_empty("keywords"); !trim(list).empty()) {
      std::vector<std::pair<std::uint64_t, std::string_view>> named;
      std::size_t at = 0;
      while (at < list.size()) {
        const auto start = list.find_first_not_of(" \t\r\n", at);
        if (start == std::string_view::npos) break;
        auto end = list.find_first_of(" \t\r\n", start);
        if (end == std::string_view::npos) end = list.size();
        const auto name = list.substr(start, end - start);
        at = end;
        if (auto it = keywords_.find(name); it != keywords_.end()) {
          named.emplace_back(it->second.value, it->second.display);
        } else if (const builtin* b = find_builtin(winmeta_keywords, name)) {
          named.emplace_back(b->value, b->display);
        } else {
          return where("keyword", name);
        }
      }
      // "In bit order": by the lowest bit of each mask.
      std::stable_sort(named.begin(), named.end(), [](const auto& a, const auto& b) {
        return std::countr_zero(a.first) < std::countr_zero(b.first);
      });
      for (const auto& [mask, display] : named) {
        s.keywords |= mask;
        if (mask != 0 && !display.empty()) s.keyword_names.emplace_back(display);
      }
    }
    if (auto name = trim(e.attribute_or_empty("channel")); !name.empty()) {
      if (auto it = channels_.find(name); it != channels_.end()) {
        s.channel = static_cast<std::uint8_t>(it->second.value);
        s.channel_name = std::string(it->second.display);
      } else if (const builtin* b = find_builtin(winmeta_channels, name)) {
        s.channel = static_cast<std::uint8_t>(b->value);
        s.channel_name = std::string(b->display);
      } else {
        return where("channel", name);
      }
    }
    s.message = std::string(resolve(e.attribute_or_empty("message")).value_or(""));
    s.event_name = task_opcode_event_name(s);

    auto tid = e.attribute("template");
    if (!tid || trim(*tid).empty()) {
      (options_.missing_template_means_empty ? provider.events : provider.untemplated)
          .push_back(std::move(s));
      return std::nullopt;
    }
    const parsed_template* layout = nullptr;
    if (auto it = parsed_.find(trim(*tid)); it != parsed_.end()) {
      layout = &it->second;
    } else if (auto t = templates_.find(trim(*tid)); t != templates_.end()) {
      current_maps_ = &provider.maps;
      parsed_template parsed;
      if (auto failed = parse_template(t->second, parsed)) {
        failed->text = "event " + std::to_string(id) + " version " + std::to_string(version) +
                       " (template " + std::string(trim(*tid)) + ") " + failed->text;
        return failed;
      }
      layout = &parsed_.emplace(trim(*tid), std::move(parsed)).first->second;
    }
    if (layout == nullptr) {  // names a template the manifest does not have
      provider.untemplated.push_back(std::move(s));
      return std::nullopt;
    }
    s.properties = layout->properties;
    s.top_level_count = layout->top_level;
    provider.events.push_back(std::move(s));
    return std::nullopt;
  }

  const xml_document& doc_;
  std::string_view origin_;
  const manifest_options& options_;

  std::unordered_map<std::string_view, std::string_view> strings_;
  // Per provider.
  std::unordered_map<std::string_view, declared> levels_, opcodes_, keywords_, channels_;
  std::unordered_map<std::string_view, task_declared> tasks_;
  std::unordered_map<std::string_view, xml_element> templates_;
  std::unordered_map<std::string_view, parsed_template> parsed_;
  std::unordered_map<std::string_view, std::size_t> map_index_;
  const std::vector<value_map>* current_maps_ = nullptr;
};

// Parses without putting the origin in the message: "line:column: what".
result<manifest_set> parse_manifest(std::string_view xml, std::string_view origin,
                                    const manifest_options& options) {
  auto doc = xml_document::parse(xml);
  if (!doc) return doc.failure();
  manifest_set set;
  document_reader reader(doc.value(), origin, options);
  if (auto failed = reader.read(set)) {
    return error{xml_document::position(xml, failed->offset) + ": " + failed->text, failed->offset};
  }
  return set;
}

std::string path_text(const std::filesystem::path& path) {
  const auto u8 = path.u8string();
  return std::string(u8.begin(), u8.end());
}

// The file as UTF-8: UTF-16 files (with a byte-order mark) are converted.
result<std::string> read_text(const std::filesystem::path& path) {
  auto read = read_whole_file(path);
  if (!read) return error{read.failure().message, 0};  // the OS's reason; the caller names it
  std::string& bytes = read.value();
  const bool le = bytes.size() >= 2 && bytes[0] == '\xFF' && bytes[1] == '\xFE';
  const bool be = bytes.size() >= 2 && bytes[0] == '\xFE' && bytes[1] == '\xFF';
  if (!le && !be) return bytes;
  std::u16string units;
  units.reserve(bytes.size() / 2);
  for (std::size_t i = 2; i + 1 < bytes.size(); i += 2) {
    const auto lo = static_cast<unsigned char>(bytes[i + (be ? 1 : 0)]);
    const auto hi = static_cast<unsigned char>(bytes[i + (be ? 0 : 1)]);
    units.push_back(static_cast<char16_t>(lo | hi << 8));
  }
  std::string text;
  append_utf16_as_utf8(text, units);
  return text;
}

}  // namespace

std::string task_opcode_event_name(const event_schema& s) {
  if (s.task_name.empty()) return "EventID(" + std::to_string(s.id) + ")";
  if (s.opcode == 0) return s.task_name;
  return s.task_name + "/" +
         (s.opcode_name.empty() ? "Opcode(" + std::to_string(s.opcode) + ")" : s.opcode_name);
}

// --- manifest_set ----------------------------------------------------------------------------

std::size_t manifest_set::key_hash::operator()(const event_key& k) const noexcept {
  const std::uint64_t h = guid_hash{}(k.provider);
  return static_cast<std::size_t>((h ^ (std::uint64_t{k.id} << 8 | k.version)) *
                                  0x9E3779B97F4A7C15ull);
}

const event_schema* manifest_set::find(const guid& provider, std::uint16_t id,
                                       std::uint8_t version) const noexcept {
  const lookup found = find_event(provider, id, version);
  return found.layout_known ? found.schema : nullptr;
}

manifest_set::lookup manifest_set::find_event(const guid& provider, std::uint16_t id,
                                              std::uint8_t version) const noexcept {
  const auto it = events_.find(event_key{provider, id, version});
  if (it == events_.end()) return {};
  return lookup{it->second.schema, it->second.layout_known};
}

schema_ptr manifest_set::find_shared(const guid& provider, std::uint16_t id,
                                     std::uint8_t version) const {
  const auto it = events_.find(event_key{provider, id, version});
  if (it == events_.end() || !it->second.layout_known) return nullptr;
  // Aliasing: shares ownership of the provider, points at one of its schemas.
  return schema_ptr(providers_[it->second.provider], it->second.schema);
}

const manifest_provider* manifest_set::find_provider(const guid& provider) const noexcept {
  const auto it = by_guid_.find(provider);
  return it == by_guid_.end() ? nullptr : providers_[it->second].get();
}

std::string_view manifest_set::provider_name(const guid& provider) const noexcept {
  const manifest_provider* p = find_provider(provider);
  return p == nullptr ? std::string_view() : std::string_view(p->name);
}

void manifest_set::index(std::uint32_t slot) {
  const manifest_provider& p = *providers_[slot];
  // Known layouts first, so an untemplated duplicate never hides one.
  for (const auto& s : p.events) {
    events_.try_emplace(event_key{p.id, s.id, s.version}, entry{&s, true, slot});
  }
  for (const auto& s : p.untemplated) {
    events_.try_emplace(event_key{p.id, s.id, s.version}, entry{&s, false, slot});
  }
}

void manifest_set::unindex(std::uint32_t slot) {
  const manifest_provider& p = *providers_[slot];
  for (const auto* list : {&p.events, &p.untemplated}) {
    for (const auto& s : *list) {
      const auto it = events_.find(event_key{p.id, s.id, s.version});
      if (it != events_.end() && it->second.provider == slot) events_.erase(it);
    }
  }
}

void manifest_set::add(std::shared_ptr<const manifest_provider> provider) {
  if (!provider) return;
  if (const auto it = by_guid_.find(provider->id); it != by_guid_.end()) {
    unindex(it->second);
    providers_[it->second] = std::move(provider);
    index(it->second);
    return;
  }
  const auto slot = static_cast<std::uint32_t>(providers_.size());
  by_guid_.emplace(provider->id, slot);
  providers_.push_back(std::move(provider));
  index(slot);
}

void manifest_set::merge(const manifest_set& other) {
  for (const auto& p : other.providers_) add(p);
}

std::size_t manifest_set::event_count() const noexcept {
  std::size_t n = 0;
  for (const auto& p : providers_) n += p->events.size() + p->untemplated.size();
  return n;
}

std::size_t manifest_set::untemplated_count() const noexcept {
  std::size_t n = 0;
  for (const auto& p : providers_) n += p->untemplated.size();
  return n;
}

std::size_t manifest_set::map_count() const noexcept {
  std::size_t n = 0;
  for (const auto& p : providers_) n += p->maps.size();
  return n;
}

// --- reading ---------------------------------------------------------------------------------

result<manifest_set> read_manifest(std::string_view xml, std::string_view origin,
                                   const manifest_options& options) {
  auto set = parse_manifest(xml, origin, options);
  if (!set && !origin.empty()) {
    return error{std::string(origin) + ":" + set.failure().message, set.failure().offset};
  }
  return set;
}

result<manifest_set> read_manifest_file(const std::filesystem::path& path,
                                        const manifest_options& options) {
  auto text = read_text(path);
  if (!text) return text.failure();
  return read_manifest(text.value(), path_text(path.filename()), options);
}

result<manifest_set> read_manifest_directory(const std::filesystem::path& directory,
                                             diagnostics& diags, const manifest_options& options) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (std::filesystem::directory_iterator it(directory, ec), end; !ec && it != end;
       it.increment(ec)) {
    const auto extension = path_text(it->path().extension());
    if (!equals_ignoring_case(extension, ".man") && !equals_ignoring_case(extension, ".xml")) {
      continue;
    }
    std::error_code type_ec;
    if (it->is_regular_file(type_ec)) files.push_back(it->path());
  }
  if (ec) return error{"cannot list " + path_text(directory) + ": " + ec.message(), 0};
  std::sort(files.begin(), files.end());
  manifest_set all;
  for (const auto& file : files) {
    auto text = read_text(file);
    if (!text) {
      diagnostic d{severity::error, path_text(file), 0, text.failure().message};
      d.whole_file = true;
      diags.add(std::move(d));
      continue;
    }
    auto set = parse_manifest(text.value(), path_text(file.filename()), options);
    if (!set) {
      diags.report(severity::error, path_text(file), set.failure().offset, set.failure().message);
      continue;
    }
    all.merge(set.value());
  }
  return all;
}

}  // namespace etwcat::decode
