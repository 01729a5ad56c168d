// Tests for lib/decode/xml_reader: the XML subset manifests use, and one-line errors with
// line:column for malformed input.
#include "lib/decode/xml_reader.h"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

using etwcat::decode::xml_document;
using etwcat::decode::xml_element;

namespace {

std::vector<std::string> child_names(xml_element e) {
  std::vector<std::string> names;
  for (xml_element c : e.children()) names.emplace_back(c.name());
  return names;
}

// The error message of parsing `text`, or "" when it parsed.
std::string parse_error(std::string_view text) {
  auto doc = xml_document::parse(text);
  return doc ? std::string() : doc.failure().message;
}

}  // namespace

TEST_CASE("xml_reader: elements, attributes in both quotes, nesting and order") {
  constexpr std::string_view text =
      "<?xml version='1.0' encoding='utf-8'?>\n"
      "<root a=\"1\" b='two' xmlns:win=\"urn:x\">\n"
      "  <first x = 'y'/>\n"
      "  <win:second><inner/></win:second>\n"
      "  <third>body</third>\n"
      "</root>\n";
  auto doc = xml_document::parse(text);
  REQUIRE(doc.ok());
  const xml_element root = doc.value().root();
  CHECK(root.name() == "root");
  CHECK(root.attributes().size() == 3);
  CHECK(root.attribute("a") == "1");
  CHECK(root.attribute("b") == "two");
  CHECK(root.attribute("xmlns:win") == "urn:x");
  CHECK_FALSE(root.attribute("c").has_value());
  CHECK(root.attribute_or_empty("c").empty());
  CHECK(child_names(root) == std::vector<std::string>{"first", "win:second", "third"});
  const xml_element second = root.child("second");  // found by local name
  REQUIRE(second);
  CHECK(second.name() == "win:second");
  CHECK(second.local_name() == "second");
  CHECK(second.first_child().name() == "inner");
  CHECK_FALSE(second.first_child().first_child());
  CHECK(root.child("first").attribute("x") == "y");
  CHECK(root.child("third").text() == "body");
  CHECK(root.text().empty());  // white space between children is dropped
  CHECK(root.child("first").offset() == text.find("<first"));
  CHECK(doc.value().element_count() == 5);
  CHECK_FALSE(root.child("missing"));
}

TEST_CASE("xml_reader: predefined entities and character references are replaced") {
  auto doc = xml_document::parse(
      "<r v=\"&lt;&gt;&amp;&quot;&apos;\" n='&#65;&#x42;&#x20AC;&#128512;'>"
      "a &lt; b &amp;&amp; c&#x21;</r>");
  REQUIRE(doc.ok());
  const xml_element r = doc.value().root();
  CHECK(r.attribute("v") == "<>&\"'");
  CHECK(r.attribute("n") == "AB\xE2\x82\xAC\xF0\x9F\x98\x80");  // A B € 😀
  CHECK(r.text() == "a < b && c!");
}

TEST_CASE("xml_reader: attribute values normalize literal white space, not references") {
  auto doc = xml_document::parse("<r v=\"a\tb\nc\" w=\"x&#10;y\"/>");
  REQUIRE(doc.ok());
  CHECK(doc.value().root().attribute("v") == "a b c");
  CHECK(doc.value().root().attribute("w") == "x\ny");
}

TEST_CASE("xml_reader: CDATA, comments, processing instructions and DOCTYPE") {
  auto doc = xml_document::parse(
      "\xEF\xBB\xBF<!-- before -->\n"
      "<!DOCTYPE r [ <!ENTITY e \"]>\"> <!-- ] --> ]>\n"
      "<?pi data?>\n"
      "<r><!-- a <comment> --><![CDATA[<not> &amp; markup]]>tail<?inner pi?><c/></r>\n"
      "<!-- after --><?end?>\n");
  REQUIRE(doc.ok());
  const xml_element r = doc.value().root();
  CHECK(r.name() == "r");
  CHECK(r.text() == "<not> &amp; markuptail");
  CHECK(child_names(r) == std::vector<std::string>{"c"});
}

TEST_CASE("xml_reader: malformed input gives one line with line:column") {
  CHECK(parse_error("<r>\n  <a>\n</r>") == "3:1: </r> does not close <a>");
  CHECK(parse_error("<r a='1' a='2'/>") == "1:10: duplicate attribute a");
  CHECK(parse_error("<r a=1/>") == "1:6: expected a quoted attribute value");
  CHECK(parse_error("<r a='x<y'/>") == "1:8: '<' in an attribute value");
  CHECK(parse_error("<r>&nbsp;</r>") == "1:4: unknown entity &nbsp;");
  CHECK(parse_error("<r>&#xD800;</r>") == "1:4: bad character reference &#xD800;");
  CHECK(parse_error("<r>&#0;</r>") == "1:4: bad character reference &#0;");
  CHECK(parse_error("<r>a & b</r>") == "1:6: '&' that starts no entity or character reference");
  CHECK(parse_error("<r><!-- x -- y --></r>") == "1:11: '--' inside a comment");
  CHECK(parse_error("<r><!-- open") == "1:4: unterminated comment");
  CHECK(parse_error("<r><![CDATA[x</r>") == "1:4: unterminated CDATA section");
  CHECK(parse_error("<r>\n<a>") == "2:4: end of text inside <a>");
  CHECK(parse_error("<r/><s/>") == "1:5: second root element");
  CHECK(parse_error("<r/>text") == "1:5: text after the root element");
  CHECK(parse_error("text<r/>") == "1:1: text before the root element");
  CHECK(parse_error("") == "1:1: no root element");
  CHECK(parse_error("<!-- only -->") == "1:14: no root element");
  CHECK(parse_error("<r a='1'b='2'/>") == "1:9: expected white space, '>' or '/>' in <r>");
  CHECK(parse_error("<r a></r>") == "1:5: expected '=' after attribute a");
  CHECK(parse_error("<1r/>") == "1:2: expected a name");
  CHECK(parse_error("<r><!ELEMENT x></r>") == "1:4: unexpected '<!' inside an element");
  CHECK(parse_error("<r a='unterminated/>") == "1:6: unterminated attribute value");
  // Columns count characters, not bytes: "é" is two bytes in UTF-8.
  CHECK(parse_error("<r>\n\xC3\xA9\xC3\xA9<</r>") == "2:4: expected a name");
}

TEST_CASE("xml_reader: deep nesting does not use the call stack") {
  std::string text;
  constexpr int depth = 20000;
  for (int i = 0; i < depth; ++i) text += "<a>";
  for (int i = 0; i < depth; ++i) text += "</a>";
  auto doc = xml_document::parse(text);
  REQUIRE(doc.ok());
  CHECK(doc.value().element_count() == depth);
  // Cut short, it fails cleanly at the end.
  auto cut = xml_document::parse(std::string_view(text).substr(0, text.size() - 4));
  REQUIRE_FALSE(cut.ok());
  CHECK(cut.failure().offset == text.size() - 4);
}

TEST_CASE("xml_reader: every prefix of a document fails cleanly or parses") {
  constexpr std::string_view text =
      "<?xml version='1.0'?><!-- c --><r a=\"&amp;x\"><b c='&#x41;'>t&lt;<![CDATA[d]]></b></r>";
  int parsed = 0;
  for (std::size_t n = 0; n <= text.size(); ++n) {
    auto doc = xml_document::parse(text.substr(0, n));
    if (doc.ok()) {
      ++parsed;
    } else {
      CHECK(doc.failure().offset <= n);
      CHECK(doc.failure().message.find('\n') == std::string::npos);
    }
  }
  CHECK(parsed == 1);  // only the whole document
}
