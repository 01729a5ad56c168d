// xml_reader: one forward pass over the text with an explicit stack of open elements (so deep
// nesting cannot overflow the call stack); elements and attributes go to flat vectors.
#include "lib/decode/xml_reader.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "lib/base/unicode.h"

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

// --- parser
// ---------------------------------------------------------------------------------------

namespace {

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

}  // namespace

/// The parser proper; a class so that it can fill xml_document's private vectors.
class xml_parser {
 public:
  explicit xml_parser(std::string_view text) : text_(text) {}

  result<xml_document> run() {
    if (text_.size() >= 0xFFFFFFFFu) return fail(0, "document larger than 4 GB");
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    if (!prolog()) return failure_;
    if (!element_tree()) return failure_;
    if (!epilog()) return failure_;
    return std::move(doc_);
  }

 private:
  struct open_element {
    std::uint32_t index = 0;
    std::uint32_t last_child = xml_document::none;
    std::string* owned_text = nullptr;  // set once the text needed concatenating
  };

  error fail(std::size_t offset, std::string_view what) {
    failure_ = error{xml_document::position(text_, offset) + ": " + std::string(what), offset};
    return failure_;
  }

  bool at(std::string_view s) const noexcept { return text_.substr(pos_, s.size()) == s; }
  bool at_end() const noexcept { return pos_ >= text_.size(); }
  void skip_space() noexcept {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  }

  // Skips up to and past `terminator`; fails, naming `what`, when it never comes.
  bool skip_past(std::string_view terminator, std::string_view what) {
    const auto end = text_.find(terminator, pos_);
    if (end == std::string_view::npos) {
      fail(pos_, std::string("unterminated ") + std::string(what));
      return false;
    }
    pos_ = end + terminator.size();
    return true;
  }

  bool comment() {
    const std::size_t start = pos_;
    pos_ += 4;  // "<!--"
    const auto end = text_.find("--", pos_);
    if (end == std::string_view::npos) {
      fail(start, "unterminated comment");
      return false;
    }
    if (text_.substr(end, 3) != "-->") {
      fail(end, "'--' inside a comment");
      return false;
    }
    pos_ = end + 3;
    return true;
  }

  bool processing_instruction() {
    const std::size_t start = pos_;
    pos_ += 2;  // "<?"
    if (at_end() || !is_name_start(static_cast<unsigned char>(text_[pos_]))) {
      fail(pos_, "expected a name after '<?'");
      return false;
    }
    const auto end = text_.find("?>", pos_);
    if (end == std::string_view::npos) {
      fail(start, "unterminated processing instruction");
      return false;
    }
    pos_ = end + 2;
    return true;
  }

  // <!DOCTYPE …> with an optional internal subset in brackets, which may hold quoted '>'.
  bool doctype() {
    const std::size_t start = pos_;
    pos_ += 9;  // "<!DOCTYPE"
    int brackets = 0;
    while (!at_end()) {
      const char c = text_[pos_];
      if (c == '"' || c == '\'') {
        const auto end = text_.find(c, pos_ + 1);
        if (end == std::string_view::npos) break;
        pos_ = end + 1;
        continue;
      }
      if (c == '<' && at("<!--")) {
        if (!comment()) return false;
        continue;
      }
      ++pos_;
      if (c == '[') ++brackets;
      if (c == ']') --brackets;
      if (c == '>' && brackets <= 0) return true;
    }
    fail(start, "unterminated DOCTYPE");
    return false;
  }

  // Comments, processing instructions, DOCTYPE and white space before the root element.
  bool prolog() {
    bool seen_doctype = false;
    for (;;) {
      skip_space();
      if (at_end()) {
        fail(pos_, "no root element");
        return false;
      }
      if (at("<!--")) {
        if (!comment()) return false;
      } else if (at("<?")) {
        if (!processing_instruction()) return false;
      } else if (at("<!DOCTYPE")) {
        if (seen_doctype) {
          fail(pos_, "second DOCTYPE");
          return false;
        }
        seen_doctype = true;
        if (!doctype()) return false;
      } else if (at("<")) {
        return true;
      } else {
        fail(pos_, "text before the root element");
        return false;
      }
    }
  }

  bool epilog() {
    for (;;) {
      skip_space();
      if (at_end()) return true;
      if (at("<!--")) {
        if (!comment()) return false;
      } else if (at("<?")) {
        if (!processing_instruction()) return false;
      } else {
        fail(pos_, at("<") ? "second root element" : "text after the root element");
        return false;
      }
    }
  }

  bool name(std::string_view& out) {
    const std::size_t start = pos_;
    if (at_end() || !is_name_start(static_cast<unsigned char>(text_[pos_]))) {
      fail(pos_, "expected a name");
      return false;
    }
    while (pos_ < text_.size() && is_name_char(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    out = text_.substr(start, pos_ - start);
    return true;
  }

  // Appends the replacement of the reference at text_[pos_] == '&' to `out` and moves past it.
  bool reference(std::string& out) {
    const std::size_t start = pos_;
    const auto semicolon = text_.find(';', pos_);
    if (semicolon == std::string_view::npos || semicolon - pos_ > 12) {
      fail(start, "'&' that starts no entity or character reference");
      return false;
    }
    const std::string_view body = text_.substr(pos_ + 1, semicolon - pos_ - 1);
    pos_ = semicolon + 1;
    static constexpr std::pair<std::string_view, char> predefined[] = {
        {"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
    for (const auto& [entity, replacement] : predefined) {
      if (body == entity) {
        out.push_back(replacement);
        return true;
      }
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
      if (!ok || code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
        fail(start, "bad character reference &" + std::string(body) + ";");
        return false;
      }
      append_code_point(out, code);
      return true;
    }
    fail(start, "unknown entity &" + std::string(body) + ";");
    return false;
  }

  // The value of a quoted attribute: a view into the text when nothing needs replacing.
  bool attribute_value(std::string_view& out) {
    if (at_end() || (text_[pos_] != '"' && text_[pos_] != '\'')) {
      fail(pos_, "expected a quoted attribute value");
      return false;
    }
    const char quote = text_[pos_++];
    const std::size_t start = pos_;
    const auto end = text_.find(quote, pos_);
    if (end == std::string_view::npos) {
      fail(start - 1, "unterminated attribute value");
      return false;
    }
    const std::string_view raw = text_.substr(start, end - start);
    if (const auto lt = raw.find('<'); lt != std::string_view::npos) {
      fail(start + lt, "'<' in an attribute value");
      return false;
    }
    if (raw.find_first_of("&\t\n\r") == std::string_view::npos) {
      out = raw;
      pos_ = end + 1;
      return true;
    }
    std::string& decoded = doc_.decoded_.emplace_back();
    decoded.reserve(raw.size());
    while (pos_ < end) {
      const char c = text_[pos_];
      if (c == '&') {
        if (!reference(decoded)) return false;
        if (pos_ > end) {  // the ';' was past the quote
          fail(end, "entity reference runs past the end of the attribute value");
          return false;
        }
      } else {
        // Attribute-value normalization (XML 1.0 §3.3.3): literal white space becomes a space.
        decoded.push_back(is_space(c) ? ' ' : c);
        ++pos_;
      }
    }
    pos_ = end + 1;
    out = decoded;
    return true;
  }

  // Adds character data to the innermost open element.
  void add_text(open_element& open, std::string_view piece) {
    if (piece.empty()) return;
    auto& record = doc_.elements_[open.index];
    if (record.text.empty()) {
      record.text = piece;
      return;
    }
    if (open.owned_text == nullptr) {
      open.owned_text = &doc_.decoded_.emplace_back(record.text);
    }
    open.owned_text->append(piece);
    record.text = *open.owned_text;
  }

  // Character data up to the next '<': a view when it holds no references.
  bool character_data(open_element& open) {
    const std::size_t start = pos_;
    const auto lt = text_.find('<', pos_);
    const std::size_t end = lt == std::string_view::npos ? text_.size() : lt;
    const std::string_view raw = text_.substr(start, end - start);
    if (raw.find('&') == std::string_view::npos) {
      pos_ = end;
      if (!all_space(raw)) add_text(open, raw);
      return true;
    }
    std::string decoded;
    while (pos_ < end) {
      if (text_[pos_] == '&') {
        if (!reference(decoded)) return false;
      } else {
        decoded.push_back(text_[pos_++]);
      }
    }
    if (!all_space(decoded)) add_text(open, doc_.decoded_.emplace_back(std::move(decoded)));
    return true;
  }

  // A start tag at text_[pos_] == '<'; pushes the element unless it is empty ("/>").
  bool start_tag() {
    const std::size_t start = pos_;
    ++pos_;
    std::string_view tag;
    if (!name(tag)) return false;
    const auto index = static_cast<std::uint32_t>(doc_.elements_.size());
    auto& record = doc_.elements_.emplace_back();
    record.name = tag;
    record.offset = static_cast<std::uint32_t>(start);
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
    for (;;) {
      const std::size_t before_space = pos_;
      skip_space();
      if (at_end()) {
        fail(start, "unterminated start tag <" + std::string(tag) + ">");
        return false;
      }
      if (at("/>")) {
        pos_ += 2;
        return true;
      }
      if (text_[pos_] == '>') {
        ++pos_;
        stack_.push_back(open_element{index});
        return true;
      }
      if (pos_ == before_space) {
        fail(pos_, "expected white space, '>' or '/>' in <" + std::string(tag) + ">");
        return false;
      }
      xml_attribute attribute;
      const std::size_t name_at = pos_;
      if (!name(attribute.name)) return false;
      skip_space();
      if (at_end() || text_[pos_] != '=') {
        fail(pos_, "expected '=' after attribute " + std::string(attribute.name));
        return false;
      }
      ++pos_;
      skip_space();
      if (!attribute_value(attribute.value)) return false;
      auto& element = doc_.elements_[index];
      for (std::uint32_t i = 0; i < element.attribute_count; ++i) {
        if (doc_.attributes_[element.first_attribute + i].name == attribute.name) {
          fail(name_at, "duplicate attribute " + std::string(attribute.name));
          return false;
        }
      }
      doc_.attributes_.push_back(attribute);
      ++element.attribute_count;
    }
  }

  bool end_tag() {
    const std::size_t start = pos_;
    pos_ += 2;  // "</"
    std::string_view tag;
    if (!name(tag)) return false;
    skip_space();
    if (at_end() || text_[pos_] != '>') {
      fail(pos_, "expected '>' to close </" + std::string(tag) + ">");
      return false;
    }
    ++pos_;
    const std::string_view open = doc_.elements_[stack_.back().index].name;
    if (tag != open) {
      fail(start, "</" + std::string(tag) + "> does not close <" + std::string(open) + ">");
      return false;
    }
    stack_.pop_back();
    return true;
  }

  // The root element and everything in it.
  bool element_tree() {
    if (!start_tag()) return false;
    while (!stack_.empty()) {
      if (at_end()) {
        const auto& open = doc_.elements_[stack_.back().index];
        fail(text_.size(), "end of text inside <" + std::string(open.name) + ">");
        return false;
      }
      if (text_[pos_] != '<') {
        if (!character_data(stack_.back())) return false;
      } else if (at("</")) {
        if (!end_tag()) return false;
      } else if (at("<!--")) {
        if (!comment()) return false;
      } else if (at("<![CDATA[")) {
        const std::size_t start = pos_;
        pos_ += 9;
        const auto end = text_.find("]]>", pos_);
        if (end == std::string_view::npos) {
          fail(start, "unterminated CDATA section");
          return false;
        }
        add_text(stack_.back(), text_.substr(pos_, end - pos_));
        pos_ = end + 3;
      } else if (at("<?")) {
        if (!processing_instruction()) return false;
      } else if (at("<!")) {
        fail(pos_, "unexpected '<!' inside an element");
        return false;
      } else {
        if (!start_tag()) return false;
      }
    }
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  xml_document doc_;
  std::vector<open_element> stack_;
  error failure_;
};

result<xml_document> xml_document::parse(std::string_view text) {
  xml_parser parser(text);
  return parser.run();
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
