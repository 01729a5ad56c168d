// tmf: the .tmf line grammar. A file holds a GUID line ("<guid> <component> // SRC=…"), then
// messages ("#typev <name> <number> \"<format>\" // LEVEL=… FUNC=…" and a { … } block of
// "<expression>, <ItemType>[(…)] -- <index>" lines) and "#enumv <name> { Name,value … }" tables.
#include "lib/decode/wpp/tmf.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>
#include <unordered_set>
#include <utility>

#include "lib/base/ascii.h"
#include "lib/base/input_file.h"
#include "lib/etl/file_reader.h"

namespace etwcat::decode {

namespace {

struct item_type_info {
  std::string_view name;
  tmf_item type;
  std::uint8_t size;  // 0 = variable or pointer-sized
};

// The item types of defaultwpp.ini and tracefmt, with their payload sizes.
constexpr item_type_info item_types[] = {
    {"ItemChar", tmf_item::int8, 1},
    {"ItemUChar", tmf_item::uint8, 1},
    {"ItemShort", tmf_item::int16, 2},
    {"ItemUShort", tmf_item::uint16, 2},
    {"ItemLong", tmf_item::int32, 4},
    {"ItemULong", tmf_item::uint32, 4},
    {"ItemULongX", tmf_item::hex32, 4},
    {"ItemLongX", tmf_item::hex32, 4},
    {"ItemLongLong", tmf_item::int64, 8},
    {"ItemULongLong", tmf_item::uint64, 8},
    {"ItemLongLongX", tmf_item::hex64, 8},
    {"ItemULongLongX", tmf_item::hex64, 8},
    {"ItemLongLongXX", tmf_item::hex64_upper, 8},
    {"ItemLongLongO", tmf_item::octal64, 8},
    {"ItemPtr", tmf_item::pointer, 0},
    {"ItemDouble", tmf_item::float64, 8},
    {"ItemString", tmf_item::ansi_string, 0},
    {"ItemWString", tmf_item::utf16_string, 0},
    {"ItemRString", tmf_item::raw_ansi_string, 0},
    {"ItemRWString", tmf_item::raw_utf16_string, 0},
    {"ItemPString", tmf_item::counted_ansi_string, 0},
    {"ItemPWString", tmf_item::counted_utf16_string, 0},
    {"ItemGuid", tmf_item::guid, 16},
    {"ItemCLSID", tmf_item::guid, 16},
    {"ItemIID", tmf_item::guid, 16},
    {"ItemLIBID", tmf_item::guid, 16},
    {"ItemSid", tmf_item::sid, 0},
    {"ItemHexDump", tmf_item::hex_dump, 0},
    {"ItemIPAddr", tmf_item::ipv4, 4},
    {"ItemIPV6Addr", tmf_item::ipv6, 16},
    {"ItemMACAddr", tmf_item::mac, 6},
    {"ItemPort", tmf_item::port, 2},
    {"ItemNTSTATUS", tmf_item::ntstatus, 4},
    {"ItemNTerror", tmf_item::ntstatus, 4},
    {"ItemHRESULT", tmf_item::hresult, 4},
    {"ItemWINERROR", tmf_item::win32_error, 4},
    {"ItemNDIS_STATUS", tmf_item::ndis_status, 4},
    {"ItemNDIS_OID", tmf_item::ndis_oid, 4},
    {"ItemTimestamp", tmf_item::timestamp, 8},
    {"ItemTimeDelta", tmf_item::time_delta, 8},
    {"ItemWaitTime", tmf_item::wait_time, 8},
    {"ItemChar4", tmf_item::char4, 4},
    {"ItemListByte", tmf_item::list, 1},
    {"ItemListShort", tmf_item::list, 2},
    {"ItemListLong", tmf_item::list, 4},
    {"ItemSetByte", tmf_item::set, 1},
    {"ItemSetShort", tmf_item::set, 2},
    {"ItemSetLong", tmf_item::set, 4},
    {"ItemEnum", tmf_item::enumeration, 4},
    {"ItemFlagsEnum", tmf_item::flags_enumeration, 4},
};

// Names in the TMF are case-insensitive in practice ("ItemHEXDump" and "ItemHexDump" both occur).
const item_type_info* find_item_type(std::string_view name) noexcept {
  for (const item_type_info& info : item_types) {
    if (equals_ignoring_case(info.name, name)) return &info;
  }
  return nullptr;
}

constexpr bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_identifier_char(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Splits off the first whitespace-separated token of `s`.
std::string_view next_token(std::string_view& s) noexcept {
  s = trim(s);
  std::size_t end = 0;
  while (end < s.size() && !is_space(s[end])) ++end;
  std::string_view token = s.substr(0, end);
  s = trim(s.substr(end));
  return token;
}

// True when `line` starts with the directive `word` ("#typev") followed by a space or its end.
bool starts_with_directive(std::string_view line, std::string_view word) noexcept {
  return line.size() >= word.size() && equals_ignoring_case(line.substr(0, word.size()), word) &&
         (line.size() == word.size() || is_space(line[word.size()]));
}

// Decimal or 0x-hex, optionally negative, all of `text`.
std::optional<std::int64_t> parse_integer(std::string_view text) noexcept {
  text = trim(text);
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  }
  // C suffixes as tracepdb may copy them: 10u, 0x10UL.
  while (!text.empty() &&
         (text.back() == 'u' || text.back() == 'U' || text.back() == 'l' || text.back() == 'L')) {
    text.remove_suffix(1);
  }
  if (text.empty() || text.size() > 16) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    int digit = -1;
    if (is_digit(c)) digit = c - '0';
    if (base == 16 && c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (base == 16 && c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    if (digit < 0) return std::nullopt;
    value = value * static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(digit);
  }
  if (base == 10 && value > 0x7FFFFFFFFFFFFFFFull) return std::nullopt;
  // Unsigned negation: hex values may use all 64 bits.
  return static_cast<std::int64_t>(negative ? 0 - value : value);
}

std::optional<std::uint16_t> parse_u16(std::string_view text) noexcept {
  const auto v = parse_integer(text);
  if (!v || *v < 0 || *v > 0xFFFF) return std::nullopt;
  return static_cast<std::uint16_t>(*v);
}

// "LEVEL=E2 FUNC=main": a key is an upper-case word before '='; words without one continue
// the previous value ("FUNC=operator ()").
void read_comment_keys(std::string_view comment, tmf_message& m) {
  std::string* current = nullptr;
  std::string ignored;
  while (!comment.empty()) {
    const std::string_view token = next_token(comment);
    const std::size_t eq = token.find('=');
    bool is_key = eq != std::string_view::npos && eq > 0;
    for (std::size_t i = 0; is_key && i < eq; ++i) {
      const char c = token[i];
      is_key = (c >= 'A' && c <= 'Z') || c == '_' || is_digit(c);
    }
    if (is_key) {
      const std::string_view key = token.substr(0, eq);
      current = key == "LEVEL"   ? &m.level
                : key == "FLAGS" ? &m.flags
                : key == "FUNC"  ? &m.function
                                 : &ignored;
      current->assign(token.substr(eq + 1));
    } else if (current != nullptr) {
      current->push_back(' ');
      current->append(token);
    }
  }
}

// Splits `format` at its %N!fmt! references (FormatMessage style: "%%" is a literal '%').
void split_format(tmf_message& m) {
  const std::string_view f = m.format;
  std::size_t literal = 0;
  auto flush = [&](std::size_t end) {
    if (end > literal) {
      tmf_format_piece piece;
      piece.text_begin = static_cast<std::uint32_t>(literal);
      piece.text_size = static_cast<std::uint32_t>(end - literal);
      m.pieces.push_back(piece);
    }
  };
  std::size_t i = 0;
  while (i < f.size()) {
    if (f[i] != '%' || i + 1 >= f.size()) {
      ++i;
      continue;
    }
    if (f[i + 1] == '%') {
      flush(i + 1);  // keeps one '%'
      i += 2;
      literal = i;
      continue;
    }
    if (!is_digit(f[i + 1])) {
      ++i;
      continue;
    }
    flush(i);
    std::size_t j = i + 1;
    std::uint32_t number = 0;
    while (j < f.size() && is_digit(f[j])) {
      if (number < 100000) number = number * 10 + static_cast<std::uint32_t>(f[j] - '0');
      ++j;
    }
    tmf_conversion spec;
    if (j < f.size() && f[j] == '!') {
      const std::size_t close = f.find('!', j + 1);
      if (close != std::string_view::npos) {
        if (auto parsed = parse_tmf_conversion(f.substr(j + 1, close - j - 1))) spec = *parsed;
        j = close + 1;
      }
    }
    // %0 is tracefmt's prefix and %1..%9 its prefix fields: not part of the message.
    for (std::size_t a = 0; a < m.arguments.size(); ++a) {
      if (m.arguments[a].index != number || number < 10) continue;
      tmf_format_piece piece;
      piece.argument = static_cast<std::int32_t>(a);
      piece.spec = spec;
      m.pieces.push_back(piece);
      break;
    }
    i = j;
    literal = i;
  }
  flush(f.size());

  // The first reference of each argument decides how EventData shows its number.
  std::vector<bool> seen(m.arguments.size(), false);
  for (const tmf_format_piece& piece : m.pieces) {
    if (piece.argument < 0 || seen[static_cast<std::size_t>(piece.argument)]) continue;
    seen[static_cast<std::size_t>(piece.argument)] = true;
    m.arguments[static_cast<std::size_t>(piece.argument)].conversion = piece.spec.conversion;
  }
}

// Payload order is index order; field names must be unique within the event.
void finish_message(tmf_message& m) {
  std::stable_sort(m.arguments.begin(), m.arguments.end(),
                   [](const tmf_argument& a, const tmf_argument& b) { return a.index < b.index; });
  std::unordered_set<std::string> taken = {"Message", "Level", "Flags", "Function"};
  for (tmf_argument& a : m.arguments) {
    std::string name = a.expression.empty() ? "arg" + std::to_string(a.index) : a.expression;
    if (taken.count(name) != 0) name += "_" + std::to_string(a.index);
    taken.insert(name);
    a.field_name = std::move(name);
  }
  split_format(m);
}

class parser {
 public:
  parser(std::string_view source, std::vector<tmf_message>& messages, std::vector<tmf_enum>& enums)
      : source_(source), messages_(messages), enums_(enums) {}

  std::optional<error> run(std::string_view text) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 BOM
    std::size_t pos = 0;
    while (pos < text.size()) {
      std::size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      ++line_number_;
      line_offset_ = pos;
      if (auto failure = line(trim(text.substr(pos, end - pos)))) return failure;
      pos = end + 1;
    }
    switch (state_) {
      case state::top:
        return std::nullopt;
      case state::after_message:
        end_message();
        return std::nullopt;
      case state::arguments:
      case state::enum_open:
      case state::enum_values:
        return fail(block_line_, block_offset_, "block not closed with '}'");
    }
    return std::nullopt;
  }

 private:
  enum class state { top, after_message, arguments, enum_open, enum_values };

  error fail(std::size_t line, std::size_t offset, std::string_view what) const {
    std::string text(source_);
    text += ':';
    text += std::to_string(line);
    text += ": ";
    text += what;
    return error{std::move(text), offset};
  }
  error fail(std::string_view what) const { return fail(line_number_, line_offset_, what); }

  std::optional<error> line(std::string_view s) {
    switch (state_) {
      case state::after_message:
        if (s.empty()) return std::nullopt;
        if (s == "{") {
          state_ = state::arguments;
          return std::nullopt;
        }
        end_message();  // a message without arguments
        state_ = state::top;
        return top_line(s);
      case state::arguments:
        return argument_line(s);
      case state::enum_open:
        if (s.empty()) return std::nullopt;
        if (s != "{") return fail("expected '{' after #enumv");
        state_ = state::enum_values;
        return std::nullopt;
      case state::enum_values:
        return enum_line(s);
      case state::top:
        return top_line(s);
    }
    return std::nullopt;
  }

  std::optional<error> top_line(std::string_view s) {
    if (s.empty() || s.substr(0, 2) == "//") return std::nullopt;
    if (starts_with_directive(s, "#typev")) return message_line(s.substr(6));
    if (starts_with_directive(s, "#enumv")) {
      std::string_view rest = s.substr(6);
      const std::string_view name = next_token(rest);
      if (name.empty()) return fail("#enumv without a name");
      enums_.push_back(tmf_enum{std::string(name), {}});
      begin_block(state::enum_open);
      return std::nullopt;
    }
    if (s.front() == '#') return fail("unknown directive " + std::string(next_token(s)));
    // "<guid> <component> // SRC=file.cpp MJ= MN="
    std::string_view rest = s;
    const std::string_view first = next_token(rest);
    const auto g = guid::parse(first);
    if (!g) return fail("expected a message GUID line, #typev or #enumv");
    guid_ = *g;
    has_guid_ = true;
    const std::string_view component = next_token(rest);
    component_.assign(component.substr(0, 2) == "//" ? std::string_view() : component);
    return std::nullopt;
  }

  // #typev WppStrEmitter_cpp27 10 "%0strtrace …" //   LEVEL=STR_GENERAL FUNC=main
  std::optional<error> message_line(std::string_view rest) {
    if (!has_guid_) return fail("#typev before the message GUID line");
    tmf_message m;
    m.message_guid = guid_;
    m.component = component_;
    m.name = next_token(rest);
    const auto number = parse_u16(next_token(rest));
    if (m.name.empty() || !number) return fail("expected #typev <name> <number> \"<format>\"");
    m.number = *number;
    const std::size_t open = rest.find('"');
    const std::size_t close = rest.rfind('"');
    if (open != 0 || close == open) return fail("format string must be in double quotes");
    m.format = rest.substr(open + 1, close - open - 1);
    std::string_view comment = trim(rest.substr(close + 1));
    if (comment.substr(0, 2) == "//") read_comment_keys(comment.substr(2), m);
    message_ = std::move(m);
    begin_block(state::after_message);
    return std::nullopt;
  }

  // "names[i], ItemString -- 10", "TRUE, ItemListLong(false,true) -- 10"; a parameter list may
  // continue on the next lines.
  std::optional<error> argument_line(std::string_view s) {
    if (pending_.empty()) {
      if (s.empty()) return std::nullopt;
      if (s == "}") {
        end_message();
        state_ = state::top;
        return std::nullopt;
      }
      pending_line_ = line_number_;
      pending_offset_ = line_offset_;
    } else if (s == "}") {
      return fail(pending_line_, pending_offset_, "parameter list not closed with ')'");
    } else {
      pending_ += ' ';
    }
    pending_ += s;
    const auto opens = std::count(pending_.begin(), pending_.end(), '(');
    const auto closes = std::count(pending_.begin(), pending_.end(), ')');
    if (opens > closes) return std::nullopt;
    std::string text = std::move(pending_);
    pending_.clear();
    return parse_argument(text);
  }

  std::optional<error> parse_argument(std::string_view s) {
    const auto bad = [&](std::string_view what) {
      return fail(pending_line_, pending_offset_, what);
    };
    const std::size_t dashes = s.rfind("--");
    if (dashes == std::string_view::npos) {
      return bad("expected '<expression>, <ItemType> -- <index>'");
    }
    const auto index = parse_u16(s.substr(dashes + 2));
    if (!index) return bad("argument index after '--' is not a number");
    std::string_view left = trim(s.substr(0, dashes));

    std::string_view parameters;
    bool has_parameters = false;
    std::size_t type_end = left.size();
    if (!left.empty() && left.back() == ')') {
      int depth = 0;
      std::size_t open = std::string_view::npos;
      for (std::size_t i = left.size(); i-- > 0;) {
        if (left[i] == ')') ++depth;
        if (left[i] == '(' && --depth == 0) {
          open = i;
          break;
        }
      }
      if (open == std::string_view::npos) return bad("unbalanced parentheses in the item type");
      parameters = left.substr(open + 1, left.size() - open - 2);
      has_parameters = true;
      type_end = open;
      while (type_end > 0 && is_space(left[type_end - 1])) --type_end;
    }
    std::size_t type_begin = type_end;
    while (type_begin > 0 && is_identifier_char(left[type_begin - 1])) --type_begin;
    const std::string_view type_name = left.substr(type_begin, type_end - type_begin);
    std::string_view before = left.substr(0, type_begin);
    while (!before.empty() && is_space(before.back())) before.remove_suffix(1);
    if (type_name.empty() || before.empty() || before.back() != ',') {
      return bad("expected '<expression>, <ItemType> -- <index>'");
    }
    before.remove_suffix(1);

    tmf_argument a;
    a.expression = trim(before);
    a.type_name = type_name;
    a.index = *index;
    if (const item_type_info* info = find_item_type(type_name)) {
      a.type = info->type;
      a.size = info->size;
    }
    if (has_parameters && (a.type == tmf_item::list || a.type == tmf_item::set)) {
      while (true) {
        const std::size_t comma = parameters.find(',');
        a.names.emplace_back(trim(parameters.substr(0, comma)));
        if (comma == std::string_view::npos) break;
        parameters.remove_prefix(comma + 1);
      }
    }
    if (a.type == tmf_item::enumeration || a.type == tmf_item::flags_enumeration) {
      a.enum_name = trim(parameters);
    }
    message_.arguments.push_back(std::move(a));
    return std::nullopt;
  }

  // "StateActive,0x1"
  std::optional<error> enum_line(std::string_view s) {
    if (s.empty()) return std::nullopt;
    if (s == "}") {
      state_ = state::top;
      return std::nullopt;
    }
    const std::size_t comma = s.rfind(',');
    if (comma == std::string_view::npos) return fail("expected '<name>,<value>' in #enumv");
    const auto value = parse_integer(s.substr(comma + 1));
    const std::string_view name = trim(s.substr(0, comma));
    if (!value || name.empty()) return fail("expected '<name>,<value>' in #enumv");
    enums_.back().values.push_back(
        tmf_enum_value{std::string(name), static_cast<std::uint32_t>(*value)});
    return std::nullopt;
  }

  void begin_block(state next) {
    state_ = next;
    block_line_ = line_number_;
    block_offset_ = line_offset_;
  }

  void end_message() {
    finish_message(message_);
    messages_.push_back(std::move(message_));
    message_ = tmf_message{};
  }

  std::string_view source_;
  std::vector<tmf_message>& messages_;
  std::vector<tmf_enum>& enums_;
  state state_ = state::top;
  std::size_t line_number_ = 0;
  std::size_t line_offset_ = 0;
  std::size_t block_line_ = 0;
  std::size_t block_offset_ = 0;
  bool has_guid_ = false;
  guid guid_;
  std::string component_;
  tmf_message message_;
  std::string pending_;  // an argument line whose parameter list is not closed yet
  std::size_t pending_line_ = 0;
  std::size_t pending_offset_ = 0;
};

// ".tmf" in any case, compared on the native characters (no conversion that could fail).
bool has_tmf_extension(const std::filesystem::path& p) {
  const std::filesystem::path extension = p.extension();
  const auto& ext = extension.native();
  constexpr std::string_view wanted = ".tmf";
  if (ext.size() != wanted.size()) return false;
  for (std::size_t i = 0; i < ext.size(); ++i) {
    const auto c = ext[i];
    if (static_cast<std::uint32_t>(c) > 0x7F || ascii_lower(static_cast<char>(c)) != wanted[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<tmf_conversion> parse_tmf_conversion(std::string_view spec) noexcept {
  tmf_conversion c;
  std::size_t i = 0;
  for (; i < spec.size(); ++i) {
    const char f = spec[i];
    if (f == '-') {
      c.left = true;
    } else if (f == '+') {
      c.plus = true;
    } else if (f == ' ') {
      c.space = true;
    } else if (f == '#') {
      c.alternate = true;
    } else if (f == '0') {
      c.zero = true;
    } else {
      break;
    }
  }
  // Widths and precisions are capped: they size stack buffers.
  auto number = [&]() -> std::int16_t {
    int n = 0;
    while (i < spec.size() && is_digit(spec[i])) {
      n = std::min(n * 10 + (spec[i] - '0'), 256);
      ++i;
    }
    return static_cast<std::int16_t>(n);
  };
  if (i < spec.size() && is_digit(spec[i])) c.width = number();
  if (i < spec.size() && spec[i] == '.') {
    ++i;
    c.precision = number();
  }
  // Length modifiers say the C type; the item type already fixes the size.
  while (i < spec.size()) {
    if (spec.substr(i, 3) == "I64" || spec.substr(i, 3) == "I32") {
      i += 3;
    } else if (std::string_view("hlLIwzjtq").find(spec[i]) != std::string_view::npos) {
      ++i;
    } else {
      break;
    }
  }
  if (i + 1 != spec.size()) return std::nullopt;
  const char conversion = spec[i];
  if (std::string_view("diuxXocCsSpeEfgGaA").find(conversion) == std::string_view::npos) {
    return std::nullopt;
  }
  c.conversion = conversion == 'S' ? 's' : conversion == 'C' ? 'c' : conversion;
  return c;
}

std::size_t tmf_library::key_hash::operator()(const key& k) const noexcept {
  return guid_hash{}(k.message_guid) ^ static_cast<std::size_t>(k.number) * 0x9E3779B97F4A7C15ull;
}

const tmf_message* tmf_library::find(const guid& message_guid,
                                     std::uint16_t number) const noexcept {
  const auto it = index_.find(key{message_guid, number});
  return it == index_.end() ? nullptr : it->second;
}

result<std::size_t> tmf_library::add_text(std::string_view text, std::string_view source) {
  std::vector<tmf_message> messages;
  std::vector<tmf_enum> enums;
  parser p(source, messages, enums);
  if (auto failure = p.run(text)) return std::move(*failure);

  // A file's own tables come first for its arguments; other files' tables by name after.
  std::unordered_map<std::string_view, const tmf_enum*> local;
  for (tmf_enum& e : enums) {
    const tmf_enum* stored = &enums_.emplace_back(std::move(e));
    local.emplace(stored->name, stored);
    enum_index_.emplace(stored->name, stored);
  }
  std::size_t added = 0;
  for (tmf_message& m : messages) {
    const key k{m.message_guid, m.number};
    if (index_.count(k) != 0) continue;
    tmf_message& stored = messages_.emplace_back(std::move(m));
    index_.emplace(k, &stored);
    ++added;
    for (tmf_argument& a : stored.arguments) {
      if (a.enum_name.empty()) continue;
      if (const auto it = local.find(a.enum_name); it != local.end()) {
        a.enum_table = it->second;
      } else {
        unresolved_.push_back(&a);
      }
    }
  }
  std::erase_if(unresolved_, [&](tmf_argument* a) {
    const auto it = enum_index_.find(a->enum_name);
    if (it == enum_index_.end()) return false;
    a->enum_table = it->second;
    return true;
  });
  return added;
}

result<std::size_t> tmf_library::add_file(const std::filesystem::path& file) {
  const std::string name = etl::display_name(file);
  auto contents = read_whole_file(file);
  if (!contents) return error{name + ": " + contents.failure().message, 0};
  return add_text(contents.value(), name);
}

result<std::size_t> tmf_library::add_directory(const std::filesystem::path& directory) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    if (has_tmf_extension(p) && it->is_regular_file(ec)) {
      files.push_back(p);
    }
  }
  if (ec) return error{etl::display_name(directory) + ": " + ec.message(), 0};
  std::sort(files.begin(), files.end());
  std::size_t added = 0;
  for (const fs::path& p : files) {
    auto n = add_file(p);
    if (!n) return n.failure();
    added += n.value();
  }
  return added;
}

}  // namespace etwcat::decode
