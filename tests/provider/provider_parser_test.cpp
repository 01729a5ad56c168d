// Provider strings: goetw's own test table as-is, its GUID cases, then the
// extensions (level names, ranges, exclude lists, limits) and every error.
#include "lib/provider/provider_parser.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "lib/base/usage_error.h"

using etwcat::guid;
using etwcat::provider::parse_provider;
using etwcat::provider::provider;

namespace {

constexpr auto all_ones = ~std::uint64_t{0};
const std::string kernel_file = "Microsoft-Windows-Kernel-File";
const guid kernel_file_guid = *guid::parse("{edd08927-9cc4-4e65-b970-c2560fb5c289}");

// No registered providers in these tests: the built-in table and schemas only.
provider parse(const std::string& text) {
  return parse_provider(text, etwcat::provider::name_resolver());
}

std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const etwcat::usage_error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("provider_parser: goetw table, name only keeps every default") {
  provider p = parse(kernel_file);
  CHECK(p.name == kernel_file);
  CHECK(p.id == kernel_file_guid);
  CHECK(p.level == 0xFF);
  CHECK(p.match_any_keyword == all_ones);
  CHECK(p.match_all_keyword == 0);
  CHECK(p.event_ids.empty());
  CHECK_FALSE(p.exclude_event_ids);
}

TEST_CASE("provider_parser: goetw table, level") {
  provider p = parse(kernel_file + ":10");
  CHECK(p.level == 10);
  CHECK(p.match_any_keyword == all_ones);
  CHECK(p.match_all_keyword == 0);
  CHECK(p.event_ids.empty());
}

TEST_CASE("provider_parser: goetw table, level and event IDs") {
  provider p = parse(kernel_file + ":10:1,2,3");
  CHECK(p.level == 10);
  CHECK(p.event_ids == std::vector<std::uint16_t>{1, 2, 3});
  CHECK(p.match_any_keyword == all_ones);
  CHECK(p.match_all_keyword == 0);
}

TEST_CASE("provider_parser: goetw table, MatchAnyKeyword") {
  provider p = parse(kernel_file + ":10:1,2,3:0x42");
  CHECK(p.level == 10);
  CHECK(p.event_ids == std::vector<std::uint16_t>{1, 2, 3});
  CHECK(p.match_any_keyword == 0x42);
  CHECK(p.match_all_keyword == 0);
}

TEST_CASE("provider_parser: goetw table, MatchAnyKeyword and MatchAllKeyword") {
  provider p = parse(kernel_file + ":10:1,2,3:0x42:0x1337");
  CHECK(p.level == 10);
  CHECK(p.event_ids == std::vector<std::uint16_t>{1, 2, 3});
  CHECK(p.match_any_keyword == 0x42);
  CHECK(p.match_all_keyword == 0x1337);
}

TEST_CASE("provider_parser: goetw table, empty MatchAnyKeyword keeps all ones") {
  provider p = parse(kernel_file + ":10:1,2,3::0x1337");
  CHECK(p.level == 10);
  CHECK(p.event_ids == std::vector<std::uint16_t>{1, 2, 3});
  CHECK(p.match_any_keyword == all_ones);
  CHECK(p.match_all_keyword == 0x1337);
}

TEST_CASE("provider_parser: empty fields keep their defaults") {
  provider p = parse(kernel_file + "::::");
  CHECK(p.level == 0xFF);
  CHECK(p.event_ids.empty());
  CHECK(p.match_any_keyword == all_ones);
  CHECK(p.match_all_keyword == 0);
  CHECK(parse(kernel_file + ":::0x10").match_any_keyword == 0x10);
}

TEST_CASE("provider_parser: numbers take Go's automatic base") {
  CHECK(parse(kernel_file + ":010").level == 8);
  CHECK(parse(kernel_file + ":0b101").level == 5);
  CHECK(parse(kernel_file + ":0o17").level == 15);
  CHECK(parse(kernel_file + ":0xfF").level == 255);
  CHECK(parse(kernel_file + ":1_0").level == 10);
  CHECK(parse(kernel_file + ":0:0x1_0").event_ids == std::vector<std::uint16_t>{16});
  CHECK(parse(kernel_file + ":::0xFFFF_FFFF_FFFF_FFFF").match_any_keyword == all_ones);
  CHECK(parse(kernel_file + ":0").level == 0);
}

TEST_CASE("provider_parser: names are found ignoring case") {
  provider p = parse("microsoft-windows-kernel-process");
  CHECK(p.name == "Microsoft-Windows-Kernel-Process");
  CHECK(p.id == *guid::parse("22fb2cd6-0e7b-422b-a0c7-2fad1fd0e716"));
}

TEST_CASE("provider_parser: GUIDs with braces, without, any case") {
  provider braced = parse("{45d8cccd-539f-4b72-a8b7-5c683142609a}");
  CHECK(braced.id.to_string() == "{45D8CCCD-539F-4B72-A8B7-5C683142609A}");
  CHECK(braced.name.empty());  // not in the table, and accepted all the same
  provider bare = parse("54849625-5478-4994-a5ba-3e3b0328c30d");
  CHECK(bare.id.to_string() == "{54849625-5478-4994-A5BA-3E3B0328C30D}");
  CHECK(bare.name == "Microsoft-Windows-Security-Auditing");  // named from the table
  CHECK(parse("{EDD08927-9CC4-4E65-B970-C2560FB5C289}:4").name == kernel_file);
}

TEST_CASE("provider_parser: malformed GUIDs are rejected") {
  const char* bad[] = {
      "{45d8cccd-539f-4b72-a8b7-5c683142609a",    // one brace only
      "45d8cccd-539f-4b72-a8b7-5c683142609a}",    // one brace only
      "45d8cccd 539f-4b72-a8b7-5c683142609a",     // space instead of hyphen
      "45d8cccd-539f-4b72-a8b7-5c683142609",      // wrong length
      "{45d8cccd-539f-4b72-a8b7-5c683142609ab}",  // wrong length
      "45d8cccd-539f-4b72-a8b7-5c68314260xa",     // non-hex character
  };
  for (const char* text : bad) {
    CAPTURE(text);
    CHECK(error_of(text) == std::string("provider \"") + text + "\": GUID \"" + text +
                                "\" is malformed (expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, "
                                "braces optional)");
  }
  // No hyphens at all reads as a name, and no provider has that name.
  CHECK(error_of("45d8cccd539f4b72a8b75c683142609a") ==
        "provider \"45d8cccd539f4b72a8b75c683142609a\": unknown provider name "
        "\"45d8cccd539f4b72a8b75c683142609a\" (not among the built-in providers; give its GUID, or "
        "*45d8cccd539f4b72a8b75c683142609a for an EventSource/TraceLogging provider)");
}

TEST_CASE("provider_parser: level names, any case") {
  CHECK(parse(kernel_file + ":critical").level == 1);
  CHECK(parse(kernel_file + ":Error").level == 2);
  CHECK(parse(kernel_file + ":WARNING").level == 3);
  CHECK(parse(kernel_file + ":information").level == 4);
  CHECK(parse(kernel_file + ":Info").level == 4);
  CHECK(parse(kernel_file + ":verbose").level == 5);
}

TEST_CASE("provider_parser: parse_level alone takes what the Level field takes") {
  using etwcat::provider::parse_level;
  CHECK(parse_level("verbose") == std::optional<std::uint8_t>(5));
  CHECK(parse_level("Info") == std::optional<std::uint8_t>(4));
  CHECK(parse_level("0x10") == std::optional<std::uint8_t>(16));
  CHECK(parse_level("255") == std::optional<std::uint8_t>(255));
  CHECK_FALSE(parse_level("256").has_value());
  CHECK_FALSE(parse_level("loud").has_value());
  CHECK_FALSE(parse_level("").has_value());
}

TEST_CASE("provider_parser: event ID ranges expand in order") {
  CHECK(parse(kernel_file + ":4:10-13").event_ids == std::vector<std::uint16_t>{10, 11, 12, 13});
  CHECK(parse(kernel_file + ":4:1,5-6,9").event_ids == std::vector<std::uint16_t>{1, 5, 6, 9});
  CHECK(parse(kernel_file + ":4:7-7").event_ids == std::vector<std::uint16_t>{7});
  CHECK(parse(kernel_file + ":4:0xA-0xB").event_ids == std::vector<std::uint16_t>{10, 11});
  // A repeat adds nothing, so it does not count toward the limit.
  CHECK(parse(kernel_file + ":4:1,1,2,1-2").event_ids == std::vector<std::uint16_t>{1, 2});
}

TEST_CASE("provider_parser: a leading ! makes an exclude list") {
  provider p = parse(kernel_file + ":4:!1,2");
  CHECK(p.exclude_event_ids);
  CHECK(p.event_ids == std::vector<std::uint16_t>{1, 2});
  CHECK_FALSE(parse(kernel_file + ":4:1,2").exclude_event_ids);
  CHECK(parse(kernel_file + ":4:!100-101").event_ids == std::vector<std::uint16_t>{100, 101});
}

TEST_CASE("provider_parser: 64 event IDs fit, 65 are an error") {
  CHECK(parse(kernel_file + ":4:1-64").event_ids.size() == 64);
  CHECK(parse(kernel_file + ":4:0-62,1000").event_ids.size() == 64);
  CHECK(error_of(kernel_file + ":4:1-65") ==
        "provider \"" + kernel_file +
            ":4:1-65\": event IDs \"1-65\" name more than 64 IDs, "
            "the most one ETW event-ID filter holds");
  CHECK(error_of(kernel_file + ":4:0-65535").find("more than 64 IDs") != std::string::npos);
}

TEST_CASE("provider_parser: *Name is the EventSource name hash") {
  provider p = parse("*MyCompany.MyComponent:5");
  CHECK(p.name == "MyCompany.MyComponent");
  CHECK(p.id.to_string() == "{CE5FA4EA-AB00-5402-8B76-9F76AC858FB5}");
  CHECK(p.level == 5);
  CHECK(parse("*Microsoft-Windows-Threat-Intelligence").id.to_string() ==
        "{F4E1897C-BB5D-5668-F1D8-040F4D8DD344}");
}

TEST_CASE("provider_parser: names the resolver knows are accepted") {
  const guid custom = *guid::parse("11111111-2222-3333-4444-555555555555");
  provider p = parse_provider("Contoso-Widget:3", [&](std::string_view name) {
    return name == "Contoso-Widget" ? std::optional<guid>(custom) : std::nullopt;
  });
  CHECK(p.name == "Contoso-Widget");
  CHECK(p.id == custom);
  CHECK(p.level == 3);
  try {
    parse_provider("Contoso-Gadget", [](std::string_view) { return std::optional<guid>(); });
    FAIL("an unknown name was accepted");
  } catch (const etwcat::usage_error& e) {
    CHECK(std::string(e.what()) ==
          "provider \"Contoso-Gadget\": unknown provider name \"Contoso-Gadget\" (neither built "
          "in nor registered on this machine; give its GUID, or *Contoso-Gadget for an "
          "EventSource/TraceLogging provider)");
  }
}

TEST_CASE("provider_parser: every error names the string, the field and the bad text") {
  const std::string kf = kernel_file;
  CHECK(error_of("KF:abc") ==
        "provider \"KF:abc\": unknown provider name \"KF\" (not among the built-in providers; give its "
        "GUID, or *KF for an EventSource/TraceLogging provider)");
  CHECK(error_of(kf + ":abc") ==
        "provider \"" + kf +
            ":abc\": level \"abc\" is neither a number (0-255) nor a level name "
            "(critical, error, warning, information, verbose)");
  CHECK(error_of(kf + ":256") ==
        "provider \"" + kf +
            ":256\": level \"256\" is neither a number (0-255) nor a level name "
            "(critical, error, warning, information, verbose)");
  CHECK(error_of(kf + ":08").find("level \"08\"") != std::string::npos);  // 8 is no octal digit
  CHECK(error_of(kf + ":1__0").find("level \"1__0\"") != std::string::npos);
  CHECK(error_of(kf + ":4:1,,2") == "provider \"" + kf + ":4:1,,2\": empty event ID in \"1,,2\"");
  CHECK(error_of(kf + ":4:1,") == "provider \"" + kf + ":4:1,\": empty event ID in \"1,\"");
  CHECK(error_of(kf + ":4:1,x") ==
        "provider \"" + kf + ":4:1,x\": event ID \"x\" in \"1,x\" is not a number (0-65535)");
  CHECK(error_of(kf + ":4:65536") ==
        "provider \"" + kf +
            ":4:65536\": event ID \"65536\" in \"65536\" is out of range (0-65535)");
  CHECK(error_of(kf + ":4:20-10") ==
        "provider \"" + kf + ":4:20-10\": event ID range \"20-10\" runs backwards");
  CHECK(error_of(kf + ":4:1-") ==
        "provider \"" + kf + ":4:1-\": event ID \"\" in \"1-\" is not a number (0-65535)");
  CHECK(error_of(kf + ":4:!") ==
        "provider \"" + kf + ":4:!\": event IDs \"!\" name no ID to exclude");
  // Not a number: a keyword name, which Kernel-File (built-in schemas) does not declare.
  CHECK(error_of(kf + ":4::xyz") ==
        "provider \"" + kf + ":4::xyz\": MatchAnyKeyword \"xyz\": \"xyz\" is not a keyword of " +
            kf + " (its keywords: KERNEL_FILE_KEYWORD_FILENAME, KERNEL_FILE_KEYWORD_FILEIO, " +
            "KERNEL_FILE_KEYWORD_OP_END, KERNEL_FILE_KEYWORD_CREATE, KERNEL_FILE_KEYWORD_READ, " +
            "KERNEL_FILE_KEYWORD_WRITE, KERNEL_FILE_KEYWORD_DELETE_PATH, " +
            "KERNEL_FILE_KEYWORD_RENAME_SETLINK_PATH, KERNEL_FILE_KEYWORD_CREATE_NEW_FILE)");
  CHECK(error_of(kf + ":4::1:0x1FFFFFFFFFFFFFFFF") ==
        "provider \"" + kf +
            ":4::1:0x1FFFFFFFFFFFFFFFF\": MatchAllKeyword \"0x1FFFFFFFFFFFFFFFF\" is not a 64-bit "
            "number");
  CHECK(error_of(kf + ":1:2:3:4:5") == "provider \"" + kf +
                                           ":1:2:3:4:5\": too many fields (at most 5: "
                                           "Name:Level:EventIDs:MatchAnyKeyword:MatchAllKeyword)");
  CHECK(error_of(":4") ==
        "provider \":4\": empty name (give a provider name, a GUID or "
        "*EventSourceName)");
  CHECK(error_of("*:4") == "provider \"*:4\": empty EventSource name after \"*\"");
  CHECK(error_of("Nope:300") ==
        "provider \"Nope:300\": unknown provider name \"Nope\" (not among the built-in providers; give "
        "its GUID, or *Nope for an EventSource/TraceLogging provider)");
}

TEST_CASE("#9: an empty provider string is an error of its own") {
  CHECK(error_of("") ==
        "provider \"\": empty provider string (give "
        "Name[:Level[:EventIDs[:MatchAnyKeyword[:MatchAllKeyword]]]])");
}

TEST_CASE("#9: an event ID above 65535 is out of range, not \"not a number\"") {
  const std::string kf = kernel_file;
  CHECK(error_of(kf + "::70000") ==
        "provider \"" + kf +
            "::70000\": event ID \"70000\" in \"70000\" is out of range (0-65535)");
  CHECK(error_of(kf + "::1,0x10000-0x10001") ==
        "provider \"" + kf +
            "::1,0x10000-0x10001\": event ID \"0x10000\" in \"1,0x10000-0x10001\" is out of range "
            "(0-65535)");
  // Past 64 bits is still a number, only a larger one.
  CHECK(error_of(kf + "::99999999999999999999999").find("is out of range (0-65535)") !=
        std::string::npos);
  // Text that is no number stays "not a number", also when its digits would overflow.
  CHECK(error_of(kf + "::99999999999999999999999x").find("is not a number (0-65535)") !=
        std::string::npos);
  CHECK(error_of(kf + "::7_") ==
        "provider \"" + kf + "::7_\": event ID \"7_\" in \"7_\" is not a number (0-65535)");
  CHECK(parse(kf + "::65535").event_ids == std::vector<std::uint16_t>{65535});
}
