// Tests for lib/decode/wpp/tmf.h: the TMF files of the findneedle WPP fixtures (every form they
// use), and synthesized text for the forms and errors they do not have.
#include "lib/decode/wpp/tmf.h"

#include <doctest/doctest.h>

#include <string>

#include "tests/support/corpus.h"

using namespace etwcat;
using namespace etwcat::decode;

namespace {

guid guid_of(std::string_view text) { return guid::parse(text).value_or(guid{}); }

// The text of a literal piece, or "{N}" for a reference to argument index N.
std::string pieces_of(const tmf_message& m) {
  std::string out;
  for (const tmf_format_piece& p : m.pieces) {
    if (p.argument < 0) {
      out += m.format.substr(p.text_begin, p.text_size);
    } else {
      out += "{" + std::to_string(m.arguments[static_cast<std::size_t>(p.argument)].index) + ":" +
             p.spec.conversion + "}";
    }
  }
  return out;
}

constexpr std::string_view header = "11111111-2222-3333-4444-555555555555 comp // SRC=x.cpp\n";

}  // namespace

TEST_SUITE("corpus") {
  TEST_CASE("tmf: the fixture directory holds 22 messages, the provision directory 2") {
    ETWCAT_REQUIRE_CORPUS();
    tmf_library tmf;
    const auto added = tmf.add_directory(testing::corpus_file("findneedle-wpp/tmf"));
    REQUIRE_MESSAGE(added.ok(), (added.ok() ? "" : added.failure().message));
    CHECK(added.value() == 22);
    const auto provision = tmf.add_directory(testing::corpus_file("findneedle-wpp/provision"));
    REQUIRE(provision.ok());
    CHECK(provision.value() == 2);
    CHECK(tmf.size() == 24);
    // Adding the same files again adds nothing: the first definition stays.
    const auto again = tmf.add_directory(testing::corpus_file("findneedle-wpp/tmf"));
    REQUIRE(again.ok());
    CHECK(again.value() == 0);
    CHECK(tmf.size() == 24);
  }

  TEST_CASE("tmf: WppStrEmitter messages keep name, component, format, comment and arguments") {
    ETWCAT_REQUIRE_CORPUS();
    tmf_library tmf;
    REQUIRE(tmf.add_file(testing::corpus_file(
                             "findneedle-wpp/tmf/744151fd-b3f4-32e6-38eb-0fd11e3fb62d.tmf"))
                .ok());
    const guid id = guid_of("744151fd-b3f4-32e6-38eb-0fd11e3fb62d");
    const tmf_message* m = tmf.find(id, 10);
    REQUIRE(m != nullptr);
    CHECK(m->name == "WppStrEmitter_cpp27");
    CHECK(m->component == "findneedle");
    CHECK(m->format == "%0strtrace name=%10!s! id=%11!d! tag=END");
    CHECK(m->level == "STR_GENERAL");
    CHECK(m->function == "main");
    CHECK(m->flags.empty());
    REQUIRE(m->arguments.size() == 2);
    CHECK(m->arguments[0].expression == "names[i]");
    CHECK(m->arguments[0].type_name == "ItemString");
    CHECK(m->arguments[0].type == tmf_item::ansi_string);
    CHECK(m->arguments[0].index == 10);
    CHECK(m->arguments[1].expression == "i");
    CHECK(m->arguments[1].type == tmf_item::int32);
    CHECK(m->arguments[1].size == 4);
    CHECK(m->arguments[1].conversion == 'd');
    CHECK(pieces_of(*m) == "strtrace name={10:s} id={11:d} tag=END");

    const tmf_message* wide = tmf.find(id, 11);
    REQUIRE(wide != nullptr);
    CHECK(wide->name == "WppStrEmitter_cpp29");
    CHECK(wide->arguments.at(0).expression == "L'root'");
    CHECK(wide->arguments.at(0).type == tmf_item::utf16_string);
    CHECK(tmf.find(id, 12) == nullptr);
    CHECK(tmf.find(guid_of("744151fd-b3f4-32e6-38eb-0fd11e3fb62e"), 10) == nullptr);
  }

  TEST_CASE("tmf: list, set and #enumv item types read their names and tables") {
    ETWCAT_REQUIRE_CORPUS();
    tmf_library tmf;
    REQUIRE(tmf.add_directory(testing::corpus_file("findneedle-wpp/tmf")).ok());

    const tmf_message* lists = tmf.find(guid_of("d4153fff-ac08-361f-5ed7-af1d38cd1903"), 10);
    REQUIRE(lists != nullptr);
    REQUIRE(lists->arguments.size() == 2);
    CHECK(lists->arguments[0].type == tmf_item::list);
    CHECK(lists->arguments[0].size == 4);
    CHECK(lists->arguments[0].names == std::vector<std::string>{"false", "true"});
    CHECK(lists->arguments[1].expression == "2 /*DPC*/");
    CHECK(lists->arguments[1].type_name == "ItemListByte");
    CHECK(lists->arguments[1].size == 1);
    CHECK(lists->arguments[1].names == std::vector<std::string>{"Low", "APC", "DPC"});

    const tmf_message* set = tmf.find(guid_of("d4153fff-ac08-361f-5ed7-af1d38cd1903"), 11);
    REQUIRE(set != nullptr);
    CHECK(set->arguments.at(0).type == tmf_item::set);
    REQUIRE(set->arguments.at(0).names.size() == 32);
    CHECK(set->arguments[0].names[0] == "1");
    CHECK(set->arguments[0].names[31] == "32");

    // The #enumv tables follow the message that uses them in the file.
    const tmf_message* enums = tmf.find(guid_of("035fd70f-a54a-3c13-f6c5-f7f2b19c92ec"), 10);
    REQUIRE(enums != nullptr);
    const tmf_argument& state = enums->arguments.at(0);
    CHECK(state.type == tmf_item::enumeration);
    CHECK(state.enum_name == "_MYSTATE");
    REQUIRE(state.enum_table != nullptr);
    REQUIRE(state.enum_table->values.size() == 3);
    CHECK(state.enum_table->values[2].name == "StateError");
    CHECK(state.enum_table->values[2].value == 2);
    const tmf_argument& flags = enums->arguments.at(1);
    CHECK(flags.type == tmf_item::flags_enumeration);
    REQUIRE(flags.enum_table != nullptr);
    CHECK(flags.enum_table->name == "_MYFLAGS");
    CHECK(flags.enum_table->values.at(2).value == 4);

    // Repeated expressions get unique field names; ItemHexDump's expression keeps its text.
    const tmf_message* ids = tmf.find(guid_of("6033c1c6-a9fa-394c-0bc0-1581cb94150e"), 12);
    REQUIRE(ids != nullptr);
    CHECK(ids->arguments.at(0).field_name == "&clsid");
    CHECK(ids->arguments.at(1).field_name == "&clsid_11");
    CHECK(ids->arguments.at(1).type == tmf_item::guid);
    const tmf_message* dump = tmf.find(guid_of("4305d668-552d-302b-a84c-fbcf09373bf6"), 10);
    REQUIRE(dump != nullptr);
    CHECK(dump->arguments.at(0).expression == "WppBinary(data. (USHORT)sizeof(data))");
    CHECK(dump->arguments.at(0).type == tmf_item::hex_dump);
    const tmf_message* widths = tmf.find(guid_of("4857fab7-1162-3184-360b-cdd863ddf4ea"), 13);
    REQUIRE(widths != nullptr);
    REQUIRE(widths->pieces.size() == 4);
    CHECK(widths->pieces[1].spec.zero);
    CHECK(widths->pieces[1].spec.width == 5);
    CHECK(widths->pieces[3].spec.width == 8);
    CHECK(widths->pieces[3].spec.conversion == 'x');
  }
}

TEST_CASE("tmf: printf conversions parse flags, width, precision and length") {
  auto c = parse_tmf_conversion("08x");
  REQUIRE(c);
  CHECK(c->zero);
  CHECK(c->width == 8);
  CHECK(c->conversion == 'x');
  c = parse_tmf_conversion("I64d");
  REQUIRE(c);
  CHECK(c->conversion == 'd');
  CHECK(c->width == -1);
  c = parse_tmf_conversion("-20.3ls");
  REQUIRE(c);
  CHECK(c->left);
  CHECK(c->width == 20);
  CHECK(c->precision == 3);
  CHECK(c->conversion == 's');
  CHECK(parse_tmf_conversion("ws")->conversion == 's');
  CHECK(parse_tmf_conversion("S")->conversion == 's');
  CHECK(parse_tmf_conversion("#+llX")->alternate);
  CHECK(parse_tmf_conversion("99999d")->width == 256);  // capped
  CHECK_FALSE(parse_tmf_conversion("foo"));
  CHECK_FALSE(parse_tmf_conversion(""));
  CHECK_FALSE(parse_tmf_conversion("dd"));
}

TEST_CASE("tmf: %0, %1..%9, %% and references to missing arguments") {
  tmf_library tmf;
  const std::string text = std::string(header) +
                           "#typev a_cpp1 7 \"%0%1!s!100%% of %10 and %12!d! %x\" // FUNC=f\n"
                           "{\n"
                           "x, ItemLong -- 10\n"
                           "}\n";
  REQUIRE(tmf.add_text(text, "t.tmf").ok());
  const tmf_message* m = tmf.find(guid_of("11111111-2222-3333-4444-555555555555"), 7);
  REQUIRE(m != nullptr);
  CHECK(m->component == "comp");
  CHECK(pieces_of(*m) == "100% of {10:s} and  %x");
  CHECK(m->function == "f");
}

TEST_CASE("tmf: messages without arguments, multi-line lists and later enum tables") {
  tmf_library tmf;
  const std::string first =
      std::string(header) +
      "#typev bare_cpp3 1 \"%0no arguments\" //   LEVEL=L FLAGS=F1 FUNC=A::b c\n"
      "#typev list_cpp4 2 \"%0%10!s! %11!s!\"\n"
      "{\n"
      "v, ItemListShort(zero,\n"
      "   one, two) -- 10\n"
      "e, ItemEnum(_LATER) -- 11\n"
      "}\n";
  const auto added = tmf.add_text(first, "first.tmf");
  REQUIRE(added.ok());
  CHECK(added.value() == 2);
  const guid id = guid_of("11111111-2222-3333-4444-555555555555");
  const tmf_message* bare = tmf.find(id, 1);
  REQUIRE(bare != nullptr);
  CHECK(bare->arguments.empty());
  CHECK(bare->level == "L");
  CHECK(bare->flags == "F1");
  CHECK(bare->function == "A::b c");
  const tmf_message* list = tmf.find(id, 2);
  REQUIRE(list != nullptr);
  CHECK(list->arguments.at(0).size == 2);
  CHECK(list->arguments.at(0).names == std::vector<std::string>{"zero", "one", "two"});
  CHECK(list->arguments.at(1).enum_table == nullptr);

  // A table in a file read later still reaches the argument.
  REQUIRE(tmf.add_text("#enumv _LATER\n{\nA,0x10\nB,-1\n}\n", "second.tmf").ok());
  const tmf_enum* later = list->arguments.at(1).enum_table;
  REQUIRE(later != nullptr);
  REQUIRE(later->values.size() == 2);
  CHECK(later->values[0].value == 0x10);
  CHECK(later->values[1].value == 0xFFFFFFFF);
}

TEST_CASE("tmf: errors name the file and line, and a bad file adds nothing") {
  auto error_of = [](const std::string& text) {
    tmf_library tmf;
    const auto r = tmf.add_text(text, "bad.tmf");
    CHECK(tmf.size() == 0);
    return r.ok() ? std::string("ok") : r.failure().message;
  };
  const std::string h(header);
  CHECK(error_of(h + "#typev m_cpp1 10 \"%0x\"\n{\nx ItemLong -- 10\n}\n") ==
        "bad.tmf:4: expected '<expression>, <ItemType> -- <index>'");
  CHECK(error_of(h + "#typev m_cpp1 10 \"%0x\"\n{\nx, ItemLong\n}\n") ==
        "bad.tmf:4: expected '<expression>, <ItemType> -- <index>'");
  CHECK(error_of(h + "#typev m_cpp1 10 \"%0x\"\n{\nx, ItemLong -- ten\n}\n") ==
        "bad.tmf:4: argument index after '--' is not a number");
  CHECK(error_of(h + "#typev m_cpp1 10 \"%0x\"\n{\nx, ItemLong -- 10\n") ==
        "bad.tmf:2: block not closed with '}'");
  CHECK(error_of("#typev m_cpp1 10 \"%0x\"\n") == "bad.tmf:1: #typev before the message GUID line");
  CHECK(error_of(h + "#typev m_cpp1 70000 \"%0x\"\n") ==
        "bad.tmf:2: expected #typev <name> <number> \"<format>\"");
  CHECK(error_of(h + "#typev m_cpp1 10 %0x\n") ==
        "bad.tmf:2: format string must be in double quotes");
  CHECK(error_of(h + "#typedef x\n") == "bad.tmf:2: unknown directive #typedef");
  CHECK(error_of(h + "\nnot a guid\n") ==
        "bad.tmf:3: expected a message GUID line, #typev or #enumv");
  CHECK(error_of(h + "#enumv E\nA,1\n") == "bad.tmf:3: expected '{' after #enumv");
  CHECK(error_of(h + "#enumv E\n{\nA=1\n}\n") == "bad.tmf:4: expected '<name>,<value>' in #enumv");
  CHECK(error_of(h + "#typev m_cpp1 10 \"%0x\"\n{\nx, ItemListLong(a,b -- 10\n}\n") ==
        "bad.tmf:4: parameter list not closed with ')'");

  tmf_library tmf;
  const auto offset = tmf.add_text(h + "#typev m_cpp1 10 \"%0x\"\n{\nbroken\n}\n", "bad.tmf");
  REQUIRE_FALSE(offset.ok());
  CHECK(offset.failure().offset == h.size() + std::string("#typev m_cpp1 10 \"%0x\"\n{\n").size());
}

TEST_CASE("tmf: unknown item types load, with no size") {
  tmf_library tmf;
  REQUIRE(tmf.add_text(std::string(header) +
                           "#typev m_cpp1 10 \"%0%10!s!\"\n{\nx, ItemFuture -- 10\n"
                           "y, ItemHEXDump -- 11\n}\n",
                       "t.tmf")
              .ok());
  const tmf_message* m = tmf.find(guid_of("11111111-2222-3333-4444-555555555555"), 10);
  REQUIRE(m != nullptr);
  CHECK(m->arguments.at(0).type == tmf_item::unknown);
  CHECK(m->arguments.at(0).type_name == "ItemFuture");
  CHECK(m->arguments.at(1).type == tmf_item::hex_dump);  // type names ignore case
}

TEST_CASE("tmf: missing files and folders are errors that name them") {
  tmf_library tmf;
  const auto file = tmf.add_file("no-such-dir/none.tmf");
  REQUIRE_FALSE(file.ok());
  // #9: the OS's reason, after the file's name.
#ifdef _WIN32
  CHECK(file.failure().message.starts_with("no-such-dir/none.tmf: "));
#else
  CHECK(file.failure().message == "no-such-dir/none.tmf: No such file or directory");
#endif
  const auto dir = tmf.add_directory("no-such-dir");
  REQUIRE_FALSE(dir.ok());
  CHECK(dir.failure().message.rfind("no-such-dir: ", 0) == 0);
}
