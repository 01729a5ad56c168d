// xml_reader: instrumentation manifests as a small read-only tree — elements, attributes, the
// character data of an element (CDATA included, entities and character references replaced) and
// the byte offset of each element, for "line:column" messages. Parsing is pugixml's (in place, in
// the document's own copy of the text); the tree is copied into flat arrays so that no pugixml
// type appears here. pugixml is lenient where XML is not, so the reader adds XML 1.0's
// well-formedness checks on top: one root element and no text outside it, no duplicate
// attribute, no '<' in an attribute value, only the five predefined entities and character
// references of real characters, no '--' in a comment, no NUL. Comments, processing instructions
// and DOCTYPE are skipped; namespace prefixes are kept as part of names.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <iterator>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/result.h"

namespace etwcat::decode {

/// One attribute, its value with entities and references already replaced.
struct xml_attribute {
  std::string_view name;  // with its prefix: "xmlns:win"
  std::string_view value;
};

class xml_document;
class xml_children;

/// A handle to one element of an xml_document; cheap to copy, valid while the document is.
/// A default-constructed handle is "no element" (false).
class xml_element {
 public:
  xml_element() = default;
  explicit operator bool() const noexcept { return document_ != nullptr; }
  /// The same element of the same document.
  friend bool operator==(const xml_element&, const xml_element&) = default;

  /// The name as written, prefix included ("win:foo").
  std::string_view name() const noexcept;
  /// The name without its namespace prefix ("foo").
  std::string_view local_name() const noexcept;
  std::span<const xml_attribute> attributes() const noexcept;
  /// The value of attribute `name` (exact, prefix included), or nothing when absent.
  std::optional<std::string_view> attribute(std::string_view name) const noexcept;
  /// The value of attribute `name`, or "" when absent.
  std::string_view attribute_or_empty(std::string_view name) const noexcept {
    return attribute(name).value_or(std::string_view());
  }
  /// The character data directly inside this element (CDATA included), entities replaced.
  std::string_view text() const noexcept;
  /// Byte offset of the '<' that opens the element, in the parsed text.
  std::size_t offset() const noexcept;

  xml_element first_child() const noexcept;
  xml_element next_sibling() const noexcept;
  /// The first child element whose local name is `local`, or no element.
  xml_element child(std::string_view local) const noexcept;

  /// Iterates over the child elements: `for (xml_element c : e.children())`.
  xml_children children() const noexcept;

 private:
  friend class xml_document;
  xml_element(const xml_document* document, std::uint32_t index)
      : document_(document), index_(index) {}
  const xml_document* document_ = nullptr;
  std::uint32_t index_ = 0;
};

/// Walks the children of an element, first to last.
class xml_element_iterator {
 public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = xml_element;
  using difference_type = std::ptrdiff_t;
  using pointer = const xml_element*;
  using reference = const xml_element&;
  xml_element_iterator() = default;
  explicit xml_element_iterator(xml_element at) : at_(at) {}
  reference operator*() const noexcept { return at_; }
  pointer operator->() const noexcept { return &at_; }
  xml_element_iterator& operator++() noexcept {
    at_ = at_.next_sibling();
    return *this;
  }
  xml_element_iterator operator++(int) noexcept {
    xml_element_iterator before = *this;
    ++*this;
    return before;
  }
  friend bool operator==(const xml_element_iterator& a, const xml_element_iterator& b) noexcept {
    return a.at_ == b.at_;
  }

 private:
  xml_element at_;
};

/// The children of an element, as a range.
class xml_children {
 public:
  explicit xml_children(xml_element first) : first_(first) {}
  xml_element_iterator begin() const noexcept { return xml_element_iterator(first_); }
  xml_element_iterator end() const noexcept { return xml_element_iterator(); }

 private:
  xml_element first_;
};

inline xml_children xml_element::children() const noexcept { return xml_children(first_child()); }

/// A parsed document. Names, values and texts are views into the document's own copy of the
/// text, valid while the document is: the text given to parse() need not outlive it.
///
///   auto doc = xml_document::parse(text);
///   if (!doc) return doc.failure();  // "12:7: expected '=' after attribute name"
///   for (xml_element e : doc.value().root().children()) { ... }
class xml_document {
 public:
  /// Parses `text` (UTF-8; a leading byte-order mark is skipped; UTF-16 must be converted
  /// first, as read_manifest_file does). Line ends are normalized to '\n' and white space in
  /// attribute values to spaces, as XML 1.0 says. Errors are one line that starts with
  /// "line:column: ", and `offset` is the byte offset of the problem.
  [[nodiscard]] static result<xml_document> parse(std::string_view text);

  xml_document(xml_document&&) noexcept = default;
  xml_document& operator=(xml_document&&) noexcept = default;
  xml_document(const xml_document&) = delete;
  xml_document& operator=(const xml_document&) = delete;

  xml_element root() const noexcept { return xml_element(this, 0); }
  std::size_t element_count() const noexcept { return elements_.size(); }

  /// "line:column" (1-based; columns count characters) of byte `offset` in `text`.
  static std::string position(std::string_view text, std::size_t offset);

 private:
  friend class xml_element;
  friend class xml_builder;
  xml_document() = default;

  static constexpr std::uint32_t none = 0xFFFFFFFF;
  struct element_record {
    std::string_view name;
    std::string_view text;
    std::uint32_t offset = 0;
    std::uint32_t first_attribute = 0;
    std::uint32_t attribute_count = 0;
    std::uint32_t first_child = none;
    std::uint32_t next_sibling = none;
  };
  std::unique_ptr<char[]> buffer_;  // the text, parsed in place: names and values point into it
  std::vector<element_record> elements_;
  std::vector<xml_attribute> attributes_;
  std::deque<std::string> joined_;  // texts of several pieces; a deque keeps them in place
};

}  // namespace etwcat::decode
