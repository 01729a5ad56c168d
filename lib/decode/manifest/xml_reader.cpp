// xml_reader: pugixml parses the text in place, in the document's own copy, so that every name
// and value it finds is a pointer into that copy and its distance from the start is a byte offset
// into the text. One walk over pugixml's tree (with a stack of open elements, so deep nesting
// cannot overflow the call stack) copies elements and attributes into flat arrays and checks, on
// the text as written, what pugixml lets through; then pugixml's tree is freed.
#include "lib/decode/manifest/xml_reader.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "pugixml.hpp"

namespace etwcat::decode {

// --- xml_element --------------------------------------------------------------------------------

std::string_view xml_element::name() const noexcept { return document_->elements_[index_].name; }

std::string_view xml_element::local_name() const noexcept {
  std::string_view n = name();
  const auto colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

std::span<const xml_attribute> xml_element::attributes() const noexcept {
  const auto& e = document_->elements_[index_];
  return std::span<const xml_attribute>(document_->attributes_)
      .subspan(e.first_attribute, e.attribute_count);
}

std::optional<std::string_view> xml_element::attribute(std::string_view name) const noexcept {
  for (const auto& a : attributes()) {
    if (a.name == name) return a.value;
  }
  return std::nullopt;
}

std::string_view xml_element::text() const noexcept { return document_->elements_[index_].text; }

std::size_t xml_element::offset() const noexcept { return document_->elements_[index_].offset; }

xml_element xml_element::first_child() const noexcept {
  const auto at = document_->elements_[index_].first_child;
  return at == xml_document::none ? xml_element() : xml_element(document_, at);
}

xml_element xml_element::next_sibling() const noexcept {
  const auto at = document_->elements_[index_].next_sibling;
  return at == xml_document::none ? xml_element() : xml_element(document_, at);
}

xml_element xml_element::child(std::string_view local) const noexcept {
  for (xml_element c : children()) {
    if (c.local_name() == local) return c;
  }
  return {};
}

// --- parsing ------------------------------------------------------------------------------------

namespace {

// Elements, attributes, character data with entities and character references replaced (pugixml
// leaves unknown ones as written: the checks below refuse them), CDATA, line ends normalized,
// white space in attribute values made spaces; comments kept for their check. A fragment, so
// that text and elements beside the root element come into the tree, to be refused there.
constexpr unsigned parse_options = pugi::parse_cdata | pugi::parse_escapes | pugi::parse_eol |
                                   pugi::parse_wconv_attribute | pugi::parse_comments |
                                   pugi::parse_doctype | pugi::parse_fragment;

constexpr bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

constexpr bool is_name_start(unsigned char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
}

constexpr bool is_name_char(unsigned char c) noexcept {
  return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

bool all_space(std::string_view s) noexcept {
  return std::all_of(s.begin(), s.end(), [](char c) { return is_space(c); });
}

// The name that starts at text[at] ("" when none does).
std::string_view name_at(std::string_view text, std::size_t at) {
  std::size_t end = at;
  while (end < text.size() && is_name_char(static_cast<unsigned char>(text[end]))) ++end;
  if (end == at || !is_name_start(static_cast<unsigned char>(text[at]))) return {};
  return text.substr(at, end - at);
}

// The name that ends just before text[end] ("" when none does).
std::string_view name_before(std::string_view text, std::size_t end) {
  std::size_t start = std::min(end, text.size());
  end = start;
  while (start > 0 && is_name_char(static_cast<unsigned char>(text[start - 1]))) --start;
  return name_at(text.substr(0, end), start);
}

// The offset of the last character before `at` that is not white space, or npos.
std::size_t before_space(std::string_view text, std::size_t at) {
  while (at > 0) {
    --at;
    if (!is_space(text[at])) return at;
  }
  return std::string_view::npos;
}

// "<name>" of the tag that holds text[at] (after the nearest '<' before it), or "a tag" when no
// name follows that '<'.
std::string tag_before(std::string_view text, std::size_t at) {
  const auto lt = text.rfind('<', at);
  if (lt == std::string_view::npos) return "a tag";
  const bool end_tag = lt + 1 < text.size() && text[lt + 1] == '/';
  const auto name = name_at(text, lt + (end_tag ? 2 : 1));
  if (name.empty()) return "a tag";
  return (end_tag ? "</" : "<") + std::string(name) + ">";
}

struct problem {
  std::size_t offset = 0;
  std::string what;
};

// The name of the innermost element still open at text[end], where pugixml stopped with elements
// open, from the tree it built so far; "" when it cannot tell. The open elements are the first
// ones on the path from the document through each last child element; how many of them are open
// the tree does not say, so the text up to `end` is parsed again with each possible number of
// end tags added, deepest first, until it parses.
std::string innermost_open(std::string_view text, std::size_t end,
                           const pugi::xml_document& partial) {
  std::vector<std::string_view> path;
  for (pugi::xml_node node = partial;;) {
    pugi::xml_node last = node.last_child();
    while (last && last.type() != pugi::node_element) last = last.previous_sibling();
    if (!last) break;
    path.emplace_back(last.name());
    node = last;
  }
  constexpr std::size_t tries = 8;
  for (std::size_t open = path.size(); open > 0 && open + tries > path.size(); --open) {
    std::string closed(text.substr(0, end));
    for (std::size_t i = open; i > 0; --i) {
      closed.append("</").append(path[i - 1]).append(">");
    }
    pugi::xml_document tree;
    if (tree.load_buffer_inplace(closed.data(), closed.size(), parse_options,
                                 pugi::encoding_utf8)) {
      return std::string(path[open - 1]);
    }
  }
  return {};
}

// pugixml's failure as a problem: its offset moved to where the reader would point (the '<' that
// opens an unterminated comment, the quote of an unterminated value…) and said in words.
problem parse_failure(std::string_view text, const pugi::xml_parse_result& parsed,
                      const pugi::xml_document& partial) {
  const auto at = std::min(static_cast<std::size_t>(parsed.offset), text.size());
  const auto before = [&](std::size_t n, std::string_view s) {
    return at >= n && text.substr(at - n, s.size()) == s;
  };
  switch (parsed.status) {
    case pugi::status_bad_comment:  // at the comment's first character when unterminated
      if (before(4, "<!--")) return {at - 4, "unterminated comment"};
      return {at, "expected '<!--'"};
    case pugi::status_bad_cdata:
      if (before(9, "<![CDATA[")) return {at - 9, "unterminated CDATA section"};
      return {at, "expected '<![CDATA['"};
    case pugi::status_bad_pi:
      return {at, "malformed or unterminated processing instruction"};
    case pugi::status_bad_doctype:
      return {at, "malformed DOCTYPE, or DOCTYPE inside an element"};
    case pugi::status_unrecognized_tag:
      if (before(2, "<!")) return {at - 2, "unexpected '<!'"};
      if (at == text.size() && at > 0 && text[at - 1] == '<') {
        return {at - 1, "'<' at the end of the text"};
      }
      return {at, "expected a name after '<'"};
    case pugi::status_bad_start_element:
      if (at >= text.size()) return {at, "unterminated start tag " + tag_before(text, at)};
      return {at, "expected white space, '>' or '/>' in " + tag_before(text, at)};
    case pugi::status_bad_attribute: {
      if (at == 0) break;
      const char quote = text[at - 1];
      if (quote == '"' || quote == '\'') {
        // After a quote: one that follows '=' and is never closed (pugixml stops at the value's
        // start), or one that closes a value with the next attribute right after it.
        const auto equals = before_space(text, at - 1);
        if (equals != std::string_view::npos && text[equals] == '=' &&
            text.find(quote, at) == std::string_view::npos) {
          return {at - 1, "unterminated attribute value"};
        }
        return {at, "expected white space, '>' or '/>' in " + tag_before(text, at)};
      }
      if (const auto previous = before_space(text, at);
          previous != std::string_view::npos && text[previous] == '=') {
        return {at, "expected a quoted attribute value"};
      }
      // pugixml stops one past the character that should have been '='.
      const auto name_end = before_space(text, at - 1);
      const auto name =
          name_end == std::string_view::npos ? std::string_view() : name_before(text, name_end + 1);
      return {at - 1, "expected '=' after attribute " + std::string(name)};
    }
    case pugi::status_bad_end_element:
      return {at, "expected '>' to close " + tag_before(text, at)};
    case pugi::status_end_element_mismatch:
      // At the name of an end tag that does not close the innermost open element, or at the
      // end of the text with elements still open.
      if (before(2, "</") && at < text.size()) {
        const auto open = innermost_open(text, at - 2, partial);
        return {at - 2, tag_before(text, at) + " does not close " +
                            (open.empty() ? "the open element" : "<" + open + ">")};
      }
      if (text.ends_with('<')) return {text.size() - 1, "'<' at the end of the text"};
      if (const auto open = innermost_open(text, text.size(), partial); !open.empty()) {
        return {text.size(), "end of text inside <" + open + ">"};
      }
      return {text.size(), "end of text inside an element"};
    case pugi::status_out_of_memory:
      return {at, "out of memory"};
    default:
      break;
  }
  return {at, parsed.description()};
}

// Checks the entity or character reference at text[at] == '&', the replacement pugixml made,
// and moves `at` past it. `end` bounds the value it is in.
std::optional<problem> check_reference(std::string_view text, std::size_t& at, std::size_t end) {
  const std::size_t start = at;
  const auto semicolon = text.substr(0, end).find(';', at);
  if (semicolon == std::string_view::npos || semicolon - at > 12) {
    return problem{start, "'&' that starts no entity or character reference"};
  }
  const std::string_view body = text.substr(at + 1, semicolon - at - 1);
  if (!std::all_of(body.begin(), body.end(), [](char c) {
        return c == '#' || is_name_char(static_cast<unsigned char>(c));
      })) {
    return problem{start, "'&' that starts no entity or character reference"};
  }
  at = semicolon + 1;
  if (body == "lt" || body == "gt" || body == "amp" || body == "quot" || body == "apos") {
    return std::nullopt;
  }
  if (body.size() >= 2 && body[0] == '#') {
    const bool hex = body[1] == 'x';
    const std::string_view digits = body.substr(hex ? 2 : 1);
    std::uint32_t code = 0;
    bool ok = !digits.empty();
    for (char c : digits) {
      int v = -1;
      if (c >= '0' && c <= '9') v = c - '0';
      if (hex && c >= 'a' && c <= 'f') v = c - 'a' + 10;
      if (hex && c >= 'A' && c <= 'F') v = c - 'A' + 10;
      if (v < 0 || code > 0x10FFFF) {
        ok = false;
        break;
      }
      code = code * (hex ? 16 : 10) + static_cast<std::uint32_t>(v);
    }
    // pugixml writes any number as UTF-8: NUL would cut the value short, a surrogate or a
    // number past U+10FFFF would be no character.
    if (!ok || code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return problem{start, "bad character reference &" + std::string(body) + ";"};
    }
    return std::nullopt;
  }
  return problem{start, "unknown entity &" + std::string(body) + ";"};
}

// Checks the references in the value written as text[start, end), and that it holds no '<' when
// it is an attribute value.
std::optional<problem> check_value(std::string_view text, std::size_t start, std::size_t end,
                                   bool attribute) {
  // Most values have neither: one pass to see.
  if (std::none_of(text.begin() + start, text.begin() + end,
                   [](char c) { return c == '&' || c == '<'; })) {
    return std::nullopt;
  }
  const std::string_view raw = text.substr(start, end - start);
  if (attribute) {
    if (const auto lt = raw.find('<'); lt != std::string_view::npos) {
      return problem{start + lt, "'<' in an attribute value"};
    }
  }
  for (auto amp = raw.find('&'); amp != std::string_view::npos; amp = raw.find('&', amp)) {
    std::size_t at = start + amp;
    if (auto bad = check_reference(text, at, end)) return bad;
    amp = at - start;
  }
  return std::nullopt;
}

// Where the value that pugixml made of text[start…] ends as written: at `terminator` (the
// closing quote, or the '<' after character data). When the value is as long as it was written
// (nothing replaced) that is right after it, found without a search.
std::size_t written_end(std::string_view text, std::size_t start, std::size_t length,
                        char terminator) {
  if (start + length < text.size() && text[start + length] == terminator) return start + length;
  return std::min(text.find(terminator, start), text.size());
}

}  // namespace

/// Copies pugixml's tree into the document's arrays, checking what pugixml does not.
class xml_builder {
 public:
  xml_builder(std::string_view text, xml_document& doc) : text_(text), doc_(doc) {}

  std::optional<problem> build(const pugi::xml_document& tree) {
    bool seen_root = false, seen_doctype = false;
    for (pugi::xml_node node = tree.first_child(); node; node = node.next_sibling()) {
      switch (node.type()) {
        case pugi::node_element:
          if (seen_root) return problem{offset_of(node.name()) - 1, "second root element"};
          seen_root = true;
          if (auto bad = element_tree(node)) return bad;
          break;
        case pugi::node_pcdata:
        case pugi::node_cdata: {
          std::size_t at = offset_of(node.value());
          if (node.type() == pugi::node_cdata) at -= 9;  // its "<![CDATA["
          while (at < text_.size() && is_space(text_[at])) ++at;
          return problem{
              at, seen_root ? "text after the root element" : "text before the root element"};
        }
        case pugi::node_doctype: {
          const auto at = text_.rfind("<!DOCTYPE", offset_of(node.value()));
          if (seen_root) return problem{at, "DOCTYPE after the root element"};
          if (seen_doctype) return problem{at, "second DOCTYPE"};
          seen_doctype = true;
          break;
        }
        case pugi::node_comment:
          if (auto bad = check_comment(node)) return bad;
          break;
        default:
          break;
      }
    }
    if (!seen_root) return problem{text_.size(), "no root element"};
    return std::nullopt;
  }

 private:
  struct open_element {
    std::uint32_t index = 0;
    std::uint32_t last_child = xml_document::none;
    std::string* joined = nullptr;  // set once the text needed joining
  };

  // The offset of a pointer into the buffer pugixml parsed.
  std::size_t offset_of(const char* p) const noexcept {
    return static_cast<std::size_t>(p - doc_.buffer_.get());
  }

  std::string_view view(const char* p) const noexcept { return std::string_view(p); }

  // The root element and everything in it, in document order.
  std::optional<problem> element_tree(pugi::xml_node root) {
    if (auto bad = add_element(root)) return bad;
    pugi::xml_node node = root.first_child();
    if (!node) return std::nullopt;
    stack_.push_back(open_element{0});
    while (node) {
      switch (node.type()) {
        case pugi::node_element:
          if (auto bad = add_element(node)) return bad;
          if (node.first_child()) {
            stack_.push_back(open_element{static_cast<std::uint32_t>(doc_.elements_.size() - 1)});
            node = node.first_child();
            continue;
          }
          break;
        case pugi::node_pcdata: {
          const std::string_view piece = view(node.value());
          const std::size_t start = offset_of(piece.data());
          const auto end = written_end(text_, start, piece.size(), '<');
          if (auto bad = check_value(text_, start, end, false)) return bad;
          // Pieces of white space are dropped, also those written as references.
          if (!all_space(piece)) add_text(piece);
          break;
        }
        case pugi::node_cdata:
          add_text(view(node.value()));
          break;
        case pugi::node_comment:
          if (auto bad = check_comment(node)) return bad;
          break;
        default:
          break;
      }
      // The next node in document order: the next sibling, or that of the nearest ancestor.
      while (!node.next_sibling()) {
        node = node.parent();
        stack_.pop_back();
        if (stack_.empty()) return std::nullopt;
      }
      node = node.next_sibling();
    }
    return std::nullopt;
  }

  std::optional<problem> add_element(pugi::xml_node node) {
    const auto index = static_cast<std::uint32_t>(doc_.elements_.size());
    auto& record = doc_.elements_.emplace_back();
    record.name = view(node.name());
    record.offset = static_cast<std::uint32_t>(offset_of(node.name()) - 1);  // its '<'
    record.first_attribute = static_cast<std::uint32_t>(doc_.attributes_.size());
    if (!stack_.empty()) {
      open_element& parent = stack_.back();
      if (parent.last_child == xml_document::none) {
        doc_.elements_[parent.index].first_child = index;
      } else {
        doc_.elements_[parent.last_child].next_sibling = index;
      }
      parent.last_child = index;
    }
    for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
      // pugixml's value starts where it was written, after the quote that ends it too.
      const std::string_view value = view(a.value());
      const std::size_t start = offset_of(value.data());
      const auto end = written_end(text_, start, value.size(), text_[start - 1]);
      if (auto bad = check_value(text_, start, end, true)) return bad;
      doc_.attributes_.push_back(xml_attribute{view(a.name()), value});
    }
    const auto count = doc_.attributes_.size() - record.first_attribute;
    doc_.elements_[index].attribute_count = static_cast<std::uint32_t>(count);
    return duplicate_attribute(index);
  }

  // An attribute named twice in one element: at the second one.
  std::optional<problem> duplicate_attribute(std::uint32_t index) const {
    const auto& record = doc_.elements_[index];
    if (record.attribute_count < 2) return std::nullopt;
    const auto first = doc_.attributes_.begin() + record.first_attribute;
    const auto last = first + record.attribute_count;
    const auto twice = [&](std::string_view name) {
      return problem{offset_of(name.data()), "duplicate attribute " + std::string(name)};
    };
    if (record.attribute_count <= 16) {
      for (auto a = first + 1; a != last; ++a) {
        for (auto b = first; b != a; ++b) {
          if (a->name == b->name) return twice(a->name);
        }
      }
      return std::nullopt;
    }
    // Many attributes: sorted by name, then by place, so that the second of a pair is reported.
    std::vector<std::string_view> names;
    for (auto a = first; a != last; ++a) names.push_back(a->name);
    std::sort(names.begin(), names.end(), [](std::string_view x, std::string_view y) {
      return x != y ? x < y : x.data() < y.data();
    });
    std::optional<problem> found;
    for (std::size_t i = 1; i < names.size(); ++i) {
      if (names[i] == names[i - 1] && (!found || offset_of(names[i].data()) < found->offset)) {
        found = twice(names[i]);
      }
    }
    return found;
  }

  // '--' only where the comment ends (pugixml ends it at the first "-->").
  std::optional<problem> check_comment(pugi::xml_node node) const {
    const auto dashes = text_.find("--", offset_of(node.value()));
    if (dashes != std::string_view::npos && text_.substr(dashes, 3) != "-->") {
      return problem{dashes, "'--' inside a comment"};
    }
    return std::nullopt;
  }

  // Adds character data to the innermost open element.
  void add_text(std::string_view piece) {
    if (piece.empty()) return;
    open_element& open = stack_.back();
    auto& record = doc_.elements_[open.index];
    if (record.text.empty()) {
      record.text = piece;
      return;
    }
    if (open.joined == nullptr) open.joined = &doc_.joined_.emplace_back(record.text);
    open.joined->append(piece);
    record.text = *open.joined;
  }

  std::string_view text_;
  xml_document& doc_;
  std::vector<open_element> stack_;
};

result<xml_document> xml_document::parse(std::string_view text) {
  const auto fail = [&](std::size_t offset, std::string_view what) {
    return error{position(text, offset) + ": " + std::string(what), offset};
  };
  if (text.size() >= 0xFFFFFFFFu) return fail(0, "document larger than 4 GB");
  if (text.substr(0, 2) == "\xFF\xFE" || text.substr(0, 2) == "\xFE\xFF") {
    return fail(0, "UTF-16 text (convert it to UTF-8 first)");
  }
  // pugixml ends the text at a NUL.
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    return fail(nul, "NUL character");
  }
  // pugixml overwrites the last character with the NUL it ends its text with, and then parses
  // it apart, which a last character of text after the root element escapes: it gets a space
  // to overwrite instead.
  xml_document doc;
  doc.buffer_ = std::make_unique_for_overwrite<char[]>(text.size() + 1);
  if (!text.empty())
    std::memcpy(doc.buffer_.get(), text.data(), text.size());  // data() may be null
  doc.buffer_[text.size()] = ' ';
  std::optional<problem> bad;
  {
    pugi::xml_document tree;
    const auto parsed = tree.load_buffer_inplace(doc.buffer_.get(), text.size() + 1, parse_options,
                                                 pugi::encoding_utf8);
    if (!parsed) {
      bad = parse_failure(text, parsed, tree);
    } else {
      bad = xml_builder(text, doc).build(tree);
    }
  }
  if (bad) return fail(bad->offset, bad->what);
  return doc;
}

std::string xml_document::position(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      column = 1;
    } else if ((c & 0xC0) != 0x80) {  // count characters, not UTF-8 continuation bytes
      ++column;
    }
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

}  // namespace etwcat::decode
