// Tests for lib/decode/manifest/xml_reader: the XML manifests use (entities, character references,
// CDATA, line ends), one-line errors with line:column for malformed input — including what
// pugixml alone would let through — and real manifests read from UTF-16 files.
#include "lib/decode/manifest/xml_reader.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/unicode.h"
#include "lib/decode/database/schema_database.h"
#include "lib/decode/manifest/manifest.h"
#include "tests/support/decoding.h"
#include "tests/support/scratch.h"

using etwcat::decode::manifest_set;
using etwcat::decode::read_manifest_file;
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
  CHECK(parse_error("<1r/>") == "1:2: expected a name after '<'");
  CHECK(parse_error("<r><!ELEMENT x></r>") == "1:4: unexpected '<!'");
  CHECK(parse_error("<r a='unterminated/>") == "1:6: unterminated attribute value");
  // Columns count characters, not bytes: "é" is two bytes in UTF-8.
  CHECK(parse_error("<r>\n\xC3\xA9\xC3\xA9<</r>") == "2:4: expected a name after '<'");
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

TEST_CASE("xml_reader: more of what pugixml alone would accept is refused") {
  // References: unknown, unterminated, numbers that are no character, in values as in text.
  CHECK(parse_error("<r a='&nbsp;'/>") == "1:7: unknown entity &nbsp;");
  CHECK(parse_error("<r a='x&amp'/>") == "1:8: '&' that starts no entity or character reference");
  CHECK(parse_error("<r>&#x110000;</r>") == "1:4: bad character reference &#x110000;");
  CHECK(parse_error("<r>&#X41;</r>") == "1:4: bad character reference &#X41;");
  CHECK(parse_error("<r>&#x;</r>") == "1:4: bad character reference &#x;");
  CHECK(parse_error("<r>&#9999999;</r>") == "1:4: bad character reference &#9999999;");
  CHECK(parse_error("<r>&amp</r>") == "1:4: '&' that starts no entity or character reference");
  // '--' in comments, also in one that ends with '--->'.
  CHECK(parse_error("<r><!-- a ---></r>") == "1:11: '--' inside a comment");
  CHECK(parse_error("<!-- a -- b --><r/>") == "1:8: '--' inside a comment");
  // CDATA and DOCTYPE outside the root element.
  CHECK(parse_error("<![CDATA[x]]><r/>") == "1:1: text before the root element");
  CHECK(parse_error("<r/><![CDATA[x]]>") == "1:5: text after the root element");
  CHECK(parse_error("<r/>\n  &amp;") == "2:3: text after the root element");
  CHECK(parse_error("<r/><!DOCTYPE r>") == "1:5: DOCTYPE after the root element");
  CHECK(parse_error("<!DOCTYPE r><!DOCTYPE r><r/>") == "1:13: second DOCTYPE");
  CHECK(parse_error("<r><!DOCTYPE r></r>") ==
        "1:4: malformed DOCTYPE, or DOCTYPE inside an element");
  // NUL ends pugixml's text: refused wherever it is, also after the root element.
  CHECK(parse_error(std::string_view("<r/>\0<s/>", 9)) == "1:5: NUL character");
  CHECK(parse_error(std::string_view("<r a='\0'/>", 10)) == "1:7: NUL character");
  // UTF-16 is converted before parsing (read_manifest_file does), not read as bytes.
  CHECK(parse_error(std::string_view("\xFF\xFE<\0r\0/\0>\0", 10)) ==
        "1:1: UTF-16 text (convert it to UTF-8 first)");
  // Duplicates among many attributes: the second of the first pair written.
  std::string many = "<r";
  for (int i = 0; i < 40; ++i) many += " a" + std::to_string(i) + "='" + std::to_string(i) + "'";
  CHECK(parse_error(many + "/>").empty());
  CHECK(parse_error(many + " a7='x' a3='y'/>") ==
        "1:" + std::to_string(many.size() + 2) + ": duplicate attribute a7");
  // End tags and start tags.
  CHECK(parse_error("<r><a><b/></a></b></r>") == "1:15: </b> does not close <r>");
  CHECK(parse_error("<r><a><b></b></a>") == "1:18: end of text inside <r>");
  CHECK(parse_error("<r></r x>") == "1:8: expected '>' to close </r>");
  CHECK(parse_error("<r/ >") == "1:4: expected white space, '>' or '/>' in <r>");
  CHECK(parse_error("<r a='1'") == "1:9: unterminated start tag <r>");
  CHECK(parse_error("<r a b='1'/>") == "1:6: expected '=' after attribute a");
  CHECK(parse_error("<r/><") == "1:5: '<' at the end of the text");
  // The last character counts as any other: pugixml parses it apart.
  CHECK(parse_error("<r/>x") == "1:5: text after the root element");
  CHECK(parse_error("<r/>\n>") == "2:1: text after the root element");
  CHECK(parse_error("<r>x<") == "1:5: '<' at the end of the text");
}

TEST_CASE("xml_reader: entities, character references and CDATA in text and values") {
  auto doc = xml_document::parse(
      "<r a='&#x1F600;&#233;' b='1 &lt; 2 &amp;&amp; 3 &gt; 2' c='&#9;&#x20;&#13;&#10;'>"
      "<t>&quot;quoted&quot; &apos;single&apos;</t>"
      "<c><![CDATA[a < b && c > d &amp; ]] ]>]]></c>"
      "<m>one <![CDATA[<two>]]> three<!-- not text --> four&#x21;<x/> five</m>"
      "<w> <![CDATA[ ]]> </w>"
      "<e><![CDATA[]]></e>"
      "</r>");
  REQUIRE_MESSAGE(doc.ok(), doc.failure().message);
  const xml_element r = doc.value().root();
  CHECK(r.attribute("a") == "\xF0\x9F\x98\x80\xC3\xA9");  // 😀 é
  CHECK(r.attribute("b") == "1 < 2 && 3 > 2");
  // References are not normalized as literal white space is.
  CHECK(r.attribute("c") == "\t \r\n");
  CHECK(r.child("t").text() == "\"quoted\" 'single'");
  // CDATA is taken as written: no references, markup or ']]' end it before "]]>".
  CHECK(r.child("c").text() == "a < b && c > d &amp; ]] ]>");
  // The pieces of character data and CDATA of an element, joined; those of its children apart.
  CHECK(r.child("m").text() == "one <two> three four! five");
  CHECK(r.child("m").child("x").text().empty());
  // White space between markup is dropped, white space in CDATA kept.
  CHECK(r.child("w").text() == " ");
  CHECK(r.child("e").text().empty());
}

TEST_CASE("xml_reader: line ends are normalized as XML 1.0 says") {
  constexpr std::string_view text =
      "<r a='one\r\ntwo\rthree\nfour'>\r\n"
      "<t>line 1\r\nline 2\rline 3</t>\r\n"
      "<c><![CDATA[x\r\ny]]></c>\r\n"
      "</r>\r\n";
  auto doc = xml_document::parse(text);
  REQUIRE_MESSAGE(doc.ok(), doc.failure().message);
  const xml_element r = doc.value().root();
  CHECK(r.attribute("a") == "one two three four");
  CHECK(r.child("t").text() == "line 1\nline 2\nline 3");
  CHECK(r.child("c").text() == "x\ny");
  // Offsets are those of the text as given.
  CHECK(r.child("c").offset() == text.find("<c>"));
  CHECK(xml_document::position(text, text.find("<c>")) == "6:1");  // a lone CR is no line
}

TEST_CASE("xml_reader: the document keeps its own copy of the text") {
  std::string text = "<r a='value'><c>text</c></r>";
  auto doc = xml_document::parse(text);
  REQUIRE(doc.ok());
  text.assign(text.size(), 'x');
  text.shrink_to_fit();
  const xml_element r = doc.value().root();
  CHECK(r.name() == "r");
  CHECK(r.attribute("a") == "value");
  CHECK(r.child("c").text() == "text");
}

namespace {

// `utf8` as UTF-16 with a byte-order mark, little- or big-endian, as iconv -t UTF-16LE/BE
// writes it after a BOM.
std::string utf16_file(std::string_view utf8, bool big_endian) {
  if (utf8.substr(0, 3) == "\xEF\xBB\xBF") utf8.remove_prefix(3);
  std::string bytes = big_endian ? "\xFE\xFF" : "\xFF\xFE";
  for (const char16_t unit : etwcat::utf8_to_utf16(utf8)) {
    const char high = static_cast<char>(unit >> 8), low = static_cast<char>(unit & 0xFF);
    bytes += big_endian ? high : low;
    bytes += big_endian ? low : high;
  }
  return bytes;
}

void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// What a manifest file reads to: the schema database text of its providers, and the messages
// (which the database leaves out).
std::string schemas_of(const std::filesystem::path& path) {
  auto set = read_manifest_file(path);
  REQUIRE_MESSAGE(set.ok(), set.failure().message);
  std::string text = etwcat::decode::write_schema_database(set.value().providers(), {});
  for (const auto& p : set.value().providers()) {
    for (const auto* events : {&p->events, &p->untemplated}) {
      for (const auto& e : *events) text += e.message + "\n";
    }
  }
  return text;
}

}  // namespace

TEST_CASE("xml_reader: UTF-16 manifests, little- and big-endian, read as their UTF-8 text") {
  etwcat::testing::scratch_folder scratch;
  // Characters of one, two, three and four UTF-8 bytes (a surrogate pair in UTF-16).
  constexpr std::string_view small =
      "<?xml version='1.0' encoding='UTF-16'?>\n"
      "<instrumentationManifest><instrumentation><events>"
      "<provider name='P-\xC3\xA9-\xE2\x82\xAC-\xF0\x9F\x98\x80' "
      "guid='{11111111-2222-3333-4444-555555555555}'>"
      "<events><event value='1' message='&#x1F600; &lt;\xC3\xA9&gt;'/></events>"
      "</provider></events></instrumentation></instrumentationManifest>";
  for (const bool big_endian : {false, true}) {
    CAPTURE(big_endian);
    const auto path = scratch.path() / (big_endian ? "be.man" : "le.man");
    write_file(path, utf16_file(small, big_endian));
    auto set = read_manifest_file(path);
    REQUIRE_MESSAGE(set.ok(), set.failure().message);
    REQUIRE(set.value().providers().size() == 1);
    const auto& provider = *set.value().providers()[0];
    CHECK(provider.name == "P-\xC3\xA9-\xE2\x82\xAC-\xF0\x9F\x98\x80");
    REQUIRE(provider.untemplated.size() == 1);
    CHECK(provider.untemplated[0].message == "\xF0\x9F\x98\x80 <\xC3\xA9>");
  }
  // An error's line:column counts in the converted text.
  const auto broken = scratch.path() / "broken.man";
  write_file(broken, utf16_file("<r>\n\xF0\x9F\x98\x80<a></r>", true));
  auto failed = read_manifest_file(broken);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.failure().message == "broken.man:2:5: </r> does not close <a>");

  // A real manifest (Tx's SystemEvents.man: UTF-8 with a byte-order mark, values over several
  // lines), converted as iconv does, reads to the same schemas and messages.
  const auto real = etwcat::testing::provider_data_file("microsoft-Tx/SystemEvents.man");
  std::error_code ec;
  if (!std::filesystem::exists(real, ec)) {
    MESSAGE("no provider-data beside the corpus: the real manifest is not tried");
    return;
  }
  const std::string utf8 = etwcat::testing::file_text(real);
  const std::string expected = schemas_of(real);
  CHECK(expected.size() > 100000);
  for (const bool big_endian : {false, true}) {
    CAPTURE(big_endian);
    // The same name: the file's name is the providers' origin.
    const auto path = scratch.path() / "SystemEvents.man";
    write_file(path, utf16_file(utf8, big_endian));
    CHECK(schemas_of(path) == expected);
  }
}
