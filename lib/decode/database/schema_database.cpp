// schema_database: the text format of docs/schema-database.md — written from manifest_providers,
// read back lazily, one provider block at a time.
#include "lib/decode/database/schema_database.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>

#include "lib/base/ascii.h"

namespace etwcat::decode {

namespace {

constexpr std::string_view magic = "etwcat-schemas 1";

// --- fields ----------------------------------------------------------------------------------

// Tabs, line ends and backslashes in text would break the line and field structure.
void append_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        out.push_back(c);
    }
  }
}

std::string unescaped(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (std::size_t i = 0; i < field.size(); ++i) {
    char c = field[i];
    if (c == '\\' && i + 1 < field.size()) {
      const char next = field[++i];
      c = next == 't' ? '\t' : next == 'n' ? '\n' : next == 'r' ? '\r' : next;
    }
    out.push_back(c);
  }
  return out;
}

template <class Int>
void append_number(std::string& out, Int value, int base = 10) {
  char buffer[24];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value, base).ptr;
  out.append(buffer, end);
}

/// The fields of one line, split at tabs.
class fields {
 public:
  explicit fields(std::string_view line) {
    std::size_t start = 0;
    while (true) {
      const auto tab = line.find('\t', start);
      parts_.push_back(line.substr(start, tab == std::string_view::npos ? line.npos : tab - start));
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
  }
  std::size_t size() const noexcept { return parts_.size(); }
  std::string_view operator[](std::size_t i) const noexcept {
    return i < parts_.size() ? parts_[i] : std::string_view();
  }
  std::string text(std::size_t i) const {
    const auto f = (*this)[i];
    return f.find('\\') == std::string_view::npos ? std::string(f) : unescaped(f);
  }
  template <class Int>
  std::optional<Int> number(std::size_t i, int base = 10) const {
    const auto f = (*this)[i];
    Int value{};
    const auto [end, ec] = std::from_chars(f.data(), f.data() + f.size(), value, base);
    if (ec != std::errc() || end != f.data() + f.size() || f.empty()) return std::nullopt;
    return value;
  }

 private:
  std::vector<std::string_view> parts_;
};

/// Walks the lines of a text, counting them for errors.
class line_reader {
 public:
  line_reader(std::string_view text, std::size_t first_line) : text_(text), line_(first_line) {}
  bool next(std::string_view& line) {
    if (at_ >= text_.size()) return false;
    const auto end = text_.find('\n', at_);
    line = text_.substr(at_, end == std::string_view::npos ? text_.npos : end - at_);
    at_ = end == std::string_view::npos ? text_.size() : end + 1;
    ++line_;
    return true;
  }
  std::size_t line_number() const noexcept { return line_; }
  std::size_t offset() const noexcept { return at_; }

 private:
  std::string_view text_;
  std::size_t at_ = 0;
  std::size_t line_ = 0;
};

// --- writing ---------------------------------------------------------------------------------

void append_declaration(std::string& out, char tag, const declaration& d, bool hex) {
  out.push_back(tag);
  out.push_back('\t');
  if (tag == 'O') {
    append_number(out, d.task);
    out.push_back('\t');
  }
  append_number(out, d.value, hex ? 16 : 10);
  out.push_back('\t');
  append_escaped(out, d.name);
  out.push_back('\t');
  append_escaped(out, d.display);
  out.push_back('\n');
}

void append_template(std::string& out, const event_schema& s) {
  out += "t\t";
  append_number(out, s.top_level_count);
  out.push_back('\t');
  append_number(out, s.properties.size());
  out.push_back('\n');
  for (const property& p : s.properties) {
    out += "F\t";
    append_escaped(out, p.name);
    out.push_back('\t');
    append_number(out, static_cast<unsigned>(p.in));
    out.push_back('\t');
    append_number(out, static_cast<unsigned>(p.out));
    out.push_back('\t');
    append_number(out, (p.is_struct ? 1u : 0u) | (p.is_array ? 2u : 0u));
    out.push_back('\t');
    append_number(out, p.first_member);
    out.push_back('\t');
    append_number(out, p.member_count);
    out.push_back('\t');
    append_number(out, static_cast<unsigned>(p.length_from));
    out.push_back('\t');
    append_number(out, p.length);
    out.push_back('\t');
    append_number(out, static_cast<unsigned>(p.count_from));
    out.push_back('\t');
    append_number(out, p.count);
    out.push_back('\t');
    append_escaped(out, p.map_name);
    out.push_back('\n');
  }
}

// One provider block: declarations, maps, templates, then strings and events.
std::string provider_block(const manifest_provider& p) {
  std::string out;
  out += "P\t";
  out += p.id.to_string();
  out.push_back('\t');
  append_escaped(out, p.name);
  out.push_back('\t');
  append_escaped(out, p.origin);
  out.push_back('\n');
  for (const auto& d : p.keywords) append_declaration(out, 'K', d, true);
  for (const auto& d : p.levels) append_declaration(out, 'L', d, false);
  for (const auto& d : p.channels) append_declaration(out, 'C', d, false);
  for (const auto& d : p.tasks) append_declaration(out, 'T', d, false);
  for (const auto& d : p.opcodes) append_declaration(out, 'O', d, false);
  for (const value_map& m : p.maps) {
    out += m.type == value_map::kind::bitmap ? "M\tb\t" : "M\tv\t";
    append_escaped(out, m.name);
    out.push_back('\n');
    for (const auto& e : m.entries) {
      out += "=\t";
      append_number(out, e.value, 16);
      out.push_back('\t');
      append_escaped(out, e.name);
      out.push_back('\n');
    }
  }

  // Templates shared by events are written once; strings used by events once.
  std::map<std::string, std::size_t> templates;
  std::string template_text;
  std::map<std::string, std::size_t, std::less<>> strings;
  std::vector<const std::string*> string_order;
  const auto string_ref = [&](std::string& line, const std::string& text) {
    line.push_back('\t');
    if (text.empty()) return;
    auto [it, added] = strings.try_emplace(text, strings.size());
    if (added) string_order.push_back(&it->first);
    append_number(line, it->second);
  };
  std::string events;
  const auto add_event = [&](const event_schema& s, bool layout_known) {
    std::string line = "E\t";
    append_number(line, s.id);
    line.push_back('\t');
    append_number(line, s.version);
    line.push_back('\t');
    append_number(line, s.level);
    line.push_back('\t');
    append_number(line, s.task);
    line.push_back('\t');
    append_number(line, s.opcode);
    line.push_back('\t');
    append_number(line, s.channel);
    line.push_back('\t');
    append_number(line, s.keywords, 16);
    line.push_back('\t');
    if (layout_known) {
      std::string one;
      append_template(one, s);
      auto [it, added] = templates.try_emplace(one, templates.size());
      if (added) template_text += one;
      append_number(line, it->second);
    } else {
      line.push_back('-');
    }
    line.push_back('\t');
    append_number(line, static_cast<unsigned>(s.source) * 2 + (s.allow_trailing_bytes ? 1u : 0u));
    if (s.event_name == task_opcode_event_name(s)) {
      line += "\t*";
    } else {
      string_ref(line, s.event_name);
    }
    string_ref(line, s.task_name);
    string_ref(line, s.opcode_name);
    string_ref(line, s.level_name);
    string_ref(line, s.channel_name);
    line.push_back('\t');
    for (std::size_t i = 0; i < s.keyword_names.size(); ++i) {
      if (i > 0) line.push_back(',');
      auto [it, added] = strings.try_emplace(s.keyword_names[i], strings.size());
      if (added) string_order.push_back(&it->first);
      append_number(line, it->second);
    }
    line.push_back('\n');
    events += line;
  };
  for (const auto& s : p.events) add_event(s, true);
  for (const auto& s : p.untemplated) add_event(s, false);

  out += template_text;
  for (const std::string* s : string_order) {
    out += "S\t";
    append_escaped(out, *s);
    out.push_back('\n');
  }
  out += events;
  return out;
}

// --- reading ---------------------------------------------------------------------------------

std::optional<schema_source> source_from(unsigned n) {
  if (n > static_cast<unsigned>(schema_source::event_source)) return std::nullopt;
  return static_cast<schema_source>(n);
}

class block_parser {
 public:
  block_parser(std::string_view block, manifest_provider& out) : lines_(block, 0), out_(out) {}

  /// On failure: the line within the block, and what is wrong.
  std::optional<std::pair<std::size_t, std::string>> parse() {
    auto failed = parse_lines();
    if (!failed) return std::nullopt;
    return std::pair{lines_.line_number(), std::move(*failed)};
  }

 private:
  std::optional<std::string> parse_lines() {
    std::string_view line;
    while (lines_.next(line)) {
      if (line.empty()) continue;
      const fields f(line);
      const auto tag = f[0];
      std::optional<std::string> failed;
      if (tag == "P") {
        const auto id = guid::parse(f[1]);
        if (!id) return fail("bad provider GUID");
        out_.id = *id;
        out_.name = f.text(2);
        out_.origin = f.text(3);
      } else if (tag == "K" || tag == "L" || tag == "C" || tag == "T" || tag == "O") {
        failed = declaration_line(tag[0], f);
      } else if (tag == "M") {
        value_map m;
        m.type = f[1] == "b" ? value_map::kind::bitmap : value_map::kind::value;
        m.name = f.text(2);
        out_.maps.push_back(std::move(m));
      } else if (tag == "=") {
        const auto value = f.number<std::uint64_t>(1, 16);
        if (!value || out_.maps.empty()) return fail("map entry without a map or value");
        out_.maps.back().entries.push_back(value_map::entry{*value, f.text(2)});
      } else if (tag == "t") {
        failed = template_line(f);
      } else if (tag == "F") {
        failed = property_line(f);
      } else if (tag == "S") {
        strings_.push_back(f.text(1));
      } else if (tag == "E") {
        failed = event_line(f);
      } else {
        return fail("unknown line");
      }
      if (failed) return failed;
    }
    if (pending_ != 0) return fail("template ends early");
    return std::nullopt;
  }

  static std::string fail(std::string_view what) { return std::string(what); }

  std::optional<std::string> declaration_line(char tag, const fields& f) {
    declaration d;
    std::size_t at = 1;
    if (tag == 'O') {
      const auto task = f.number<std::uint16_t>(at++);
      if (!task) return fail("bad opcode task");
      d.task = *task;
    }
    const auto value = f.number<std::uint64_t>(at++, tag == 'K' ? 16 : 10);
    if (!value) return fail("bad declaration value");
    d.value = *value;
    d.name = f.text(at++);
    d.display = f.text(at);
    auto& list = tag == 'K'   ? out_.keywords
                 : tag == 'L' ? out_.levels
                 : tag == 'C' ? out_.channels
                 : tag == 'T' ? out_.tasks
                              : out_.opcodes;
    list.push_back(std::move(d));
    return std::nullopt;
  }

  std::optional<std::string> template_line(const fields& f) {
    if (pending_ != 0) return fail("template ends early");
    const auto top = f.number<std::uint16_t>(1);
    const auto count = f.number<std::uint16_t>(2);
    if (!top || !count || *top > *count) return fail("bad template line");
    templates_.emplace_back();
    templates_.back().top = *top;
    templates_.back().size = *count;
    templates_.back().properties.reserve(*count);
    pending_ = *count;
    return std::nullopt;
  }

  std::optional<std::string> property_line(const fields& f) {
    if (pending_ == 0) return fail("field outside a template");
    property p;
    p.name = f.text(1);
    const auto in = f.number<std::uint16_t>(2);
    const auto out = f.number<std::uint16_t>(3);
    const auto flags = f.number<unsigned>(4);
    const auto first = f.number<std::uint16_t>(5);
    const auto members = f.number<std::uint16_t>(6);
    const auto length_from = f.number<unsigned>(7);
    const auto length = f.number<std::uint16_t>(8);
    const auto count_from = f.number<unsigned>(9);
    const auto count = f.number<std::uint16_t>(10);
    if (!in || !out || !flags || !first || !members || !length_from || !length || !count_from ||
        !count || *length_from > 3 || *count_from > 3 || f.size() != 12) {
      return fail("bad field line");
    }
    p.in = static_cast<in_type>(*in);
    p.out = static_cast<out_type>(*out);
    p.is_struct = (*flags & 1) != 0;
    p.is_array = (*flags & 2) != 0;
    p.first_member = *first;
    p.member_count = *members;
    p.length_from = static_cast<size_source>(*length_from);
    p.length = *length;
    p.count_from = static_cast<size_source>(*count_from);
    p.count = *count;
    p.map_name = f.text(11);
    auto& t = templates_.back();
    // Indexes must stay inside the template: the payload decoder follows them.
    const std::size_t size = t.size;
    if ((p.is_struct && std::size_t{p.first_member} + p.member_count > size) ||
        (p.length_from == size_source::property && p.length >= size) ||
        (p.count_from == size_source::property && p.count >= size)) {
      return fail("field refers outside its template");
    }
    t.properties.push_back(std::move(p));
    --pending_;
    return std::nullopt;
  }

  std::optional<std::string> string_at(std::string_view ref, std::string& out) const {
    if (ref.empty()) return std::nullopt;
    std::size_t index = 0;
    const auto [end, ec] = std::from_chars(ref.data(), ref.data() + ref.size(), index);
    if (ec != std::errc() || end != ref.data() + ref.size() || index >= strings_.size()) {
      return fail("bad string reference");
    }
    out = strings_[index];
    return std::nullopt;
  }

  std::optional<std::string> event_line(const fields& f) {
    if (f.size() != 16) return fail("bad event line");
    event_schema s;
    const auto id = f.number<std::uint16_t>(1);
    const auto version = f.number<std::uint8_t>(2);
    const auto level = f.number<std::uint8_t>(3);
    const auto task = f.number<std::uint16_t>(4);
    const auto opcode = f.number<std::uint8_t>(5);
    const auto channel = f.number<std::uint8_t>(6);
    const auto keywords = f.number<std::uint64_t>(7, 16);
    const auto source = f.number<unsigned>(9);
    if (!id || !version || !level || !task || !opcode || !channel || !keywords || !source ||
        !source_from(*source / 2)) {
      return fail("bad event line");
    }
    s.source = *source_from(*source / 2);
    s.allow_trailing_bytes = (*source & 1) != 0;
    s.provider_guid = out_.id;
    s.provider_name = out_.name;
    s.id = *id;
    s.version = *version;
    s.level = *level;
    s.task = *task;
    s.opcode = *opcode;
    s.channel = *channel;
    s.keywords = *keywords;
    for (auto [index, target] : {std::pair{11, &s.task_name}, std::pair{12, &s.opcode_name},
                                 std::pair{13, &s.level_name}, std::pair{14, &s.channel_name}}) {
      if (auto failed = string_at(f[static_cast<std::size_t>(index)], *target)) return failed;
    }
    if (f[10] == "*") {
      s.event_name = task_opcode_event_name(s);
    } else if (auto failed = string_at(f[10], s.event_name)) {
      return failed;
    }
    for (std::string_view list = f[15]; !list.empty();) {
      const auto comma = list.find(',');
      std::string name;
      if (auto failed = string_at(list.substr(0, comma), name)) return failed;
      s.keyword_names.push_back(std::move(name));
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    }
    if (f[8] == "-") {
      out_.untemplated.push_back(std::move(s));
      return std::nullopt;
    }
    const auto tmpl = f.number<std::size_t>(8);
    if (!tmpl || *tmpl >= templates_.size() || (*tmpl + 1 == templates_.size() && pending_ != 0)) {
      return fail("bad template reference");
    }
    s.properties = templates_[*tmpl].properties;
    s.top_level_count = templates_[*tmpl].top;
    out_.events.push_back(std::move(s));
    return std::nullopt;
  }

  struct parsed_template {
    std::uint16_t top = 0;
    std::uint16_t size = 0;  // fields declared
    std::vector<property> properties;
  };

  line_reader lines_;
  manifest_provider& out_;
  std::vector<parsed_template> templates_;
  std::size_t pending_ = 0;  // fields still to come in the last template
  std::vector<std::string> strings_;
};

}  // namespace

std::string write_schema_database(
    std::span<const std::shared_ptr<const manifest_provider>> providers,
    std::span<const std::string> notes) {
  std::vector<const manifest_provider*> sorted;
  for (const auto& p : providers) {
    if (p) sorted.push_back(p.get());
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const manifest_provider* a, const manifest_provider* b) {
              const auto lower = [](std::string_view s) {
                std::string out(s);
                for (char& c : out) c = ascii_lower(c);
                return out;
              };
              const auto la = lower(a->name), lb = lower(b->name);
              return la != lb ? la < lb : a->id < b->id;
            });

  std::string index, body;
  for (const manifest_provider* p : sorted) {
    const std::string block = provider_block(*p);
    index += "I\t";
    index += p->id.to_string();
    index.push_back('\t');
    append_escaped(index, p->name);
    index.push_back('\t');
    append_number(index, body.size());
    index.push_back('\t');
    append_number(index, block.size());
    index.push_back('\n');
    body += block;
  }
  std::string out(magic);
  out.push_back('\n');
  for (const std::string& note : notes) {
    out += "# ";
    append_escaped(out, note);
    out.push_back('\n');
  }
  out += index;
  out += "B\n";
  out += body;
  return out;
}

result<schema_database> schema_database::open(std::string_view text, std::string_view origin) {
  schema_database db;
  db.text_ = text;
  db.origin_ = std::string(origin);
  line_reader lines(text, 0);
  const auto fail = [&](std::string_view what) {
    return error{
        db.origin_ + ": line " + std::to_string(lines.line_number()) + ": " + std::string(what),
        lines.offset()};
  };
  std::string_view line;
  if (!lines.next(line) || line != magic) return fail("not an etwcat schema database");
  bool body = false;
  while (lines.next(line)) {
    if (line.starts_with('#')) {
      db.notes_.push_back(line.substr(line.size() > 1 && line[1] == ' ' ? 2 : 1));
    } else if (line.starts_with("I\t")) {
      const fields f(line);
      const auto id = guid::parse(f[1]);
      const auto offset = f.number<std::size_t>(3);
      const auto length = f.number<std::size_t>(4);
      if (!id || !offset || !length || f.size() != 5) return fail("bad index line");
      if (f[2].find('\\') != std::string_view::npos) return fail("escaped provider name");
      db.entries_.push_back(entry{*id, f[2], *offset, *length});
    } else if (line == "B") {
      body = true;
      break;
    } else {
      return fail("unknown line in the index");
    }
  }
  if (!body) return fail("no B line after the index");
  const std::size_t base = lines.offset();
  for (std::size_t i = 0; i < db.entries_.size(); ++i) {
    entry& e = db.entries_[i];
    if (e.offset > text.size() - base || e.length > text.size() - base - e.offset) {
      return error{
          db.origin_ + ": the index places provider " + std::string(e.name) + " outside the text",
          base};
    }
    e.offset += base;
    db.by_guid_.try_emplace(e.id, i);
  }
  return db;
}

const schema_database::entry* schema_database::find(const guid& provider) const noexcept {
  const auto it = by_guid_.find(provider);
  return it == by_guid_.end() ? nullptr : &entries_[it->second];
}

const schema_database::entry* schema_database::find_by_name(std::string_view name) const noexcept {
  for (const entry& e : entries_) {
    if (equals_ignoring_case(e.name, name)) return &e;
  }
  return nullptr;
}

result<std::shared_ptr<const manifest_provider>> schema_database::load(const entry& e) const {
  auto provider = std::make_shared<manifest_provider>();
  block_parser parser(text_.substr(e.offset, e.length), *provider);
  if (auto failed = parser.parse()) {
    // Line numbers in errors count from the top of the whole text: counted only on failure.
    const auto before =
        static_cast<std::size_t>(std::count(text_.begin(), text_.begin() + e.offset, '\n'));
    return error{
        origin_ + ": line " + std::to_string(before + failed->first) + ": " + failed->second,
        e.offset};
  }
  if (provider->id != e.id) {
    return error{origin_ + ": provider " + std::string(e.name) + ": the block is another's",
                 e.offset};
  }
  // Properties point at the provider's maps, now that the maps no longer move.
  for (auto* list : {&provider->events, &provider->untemplated}) {
    for (event_schema& s : *list) {
      for (property& p : s.properties) {
        if (p.map_name.empty()) continue;
        for (const value_map& m : provider->maps) {
          if (m.name == p.map_name) {
            p.map = &m;
            break;
          }
        }
      }
    }
  }
  return std::shared_ptr<const manifest_provider>(std::move(provider));
}

}  // namespace etwcat::decode
