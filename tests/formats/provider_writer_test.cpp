// `providers` printers: exact JSON for a parsed string, valid JSON lines for
// the listings (checked with simdjson), and the JSON string escaping.
#include "formats/provider_writer.h"

#include <doctest/doctest.h>
#include <simdjson.h>

#include <string>

#include "formats/json.h"
#include "lib/base/text_buffer.h"
#include "lib/provider/kernel_flags.h"
#include "lib/provider/known_providers.h"
#include "lib/provider/provider_parser.h"

using etwcat::formats::append_provider_json;
using etwcat::formats::listing_format;

namespace {
std::string json_of(const std::string& text) {
  etwcat::text_buffer out;
  append_provider_json(out, etwcat::provider::parse_provider(text, {}));
  return out.str();
}

std::size_t count_lines(const std::string& text) {
  std::size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}
}  // namespace

TEST_CASE("provider_writer: a parsed provider as one exact JSON object") {
  CHECK(
      json_of("Microsoft-Windows-Kernel-File:10:1,2,3:0x42:0x1337") ==
      R"({"Name":"Microsoft-Windows-Kernel-File","Guid":"{EDD08927-9CC4-4E65-B970-C2560FB5C289}",)"
      R"("Level":10,"MatchAnyKeyword":"0x42","MatchAllKeyword":"0x1337","EventIds":[1,2,3],)"
      R"("ExcludeEventIds":false})");
  CHECK(json_of("*MyCompany.MyComponent") ==
        R"({"Name":"MyCompany.MyComponent","Guid":"{CE5FA4EA-AB00-5402-8B76-9F76AC858FB5}",)"
        R"("Level":255,"MatchAnyKeyword":"0xFFFFFFFFFFFFFFFF","MatchAllKeyword":"0x0",)"
        R"("EventIds":[],"ExcludeEventIds":false})");
  CHECK(json_of("{45d8cccd-539f-4b72-a8b7-5c683142609a}:4:!7") ==
        R"({"Name":"","Guid":"{45D8CCCD-539F-4B72-A8B7-5C683142609A}","Level":4,)"
        R"("MatchAnyKeyword":"0xFFFFFFFFFFFFFFFF","MatchAllKeyword":"0x0","EventIds":[7],)"
        R"("ExcludeEventIds":true})");
}

TEST_CASE("provider_writer: the parsed JSON reads back with simdjson") {
  simdjson::dom::parser parser;
  simdjson::padded_string json(json_of("*Caf\xC3\xA9\"Tab\t:4:10-12"));
  simdjson::dom::element doc = parser.parse(json);
  CHECK(std::string_view(doc["Name"]) == "Caf\xC3\xA9\"Tab\t");
  CHECK(int64_t(doc["Level"]) == 4);
  simdjson::dom::array ids = doc["EventIds"];
  CHECK(ids.size() == 3);
  CHECK(int64_t(ids.at(2)) == 12);
  CHECK(bool(doc["ExcludeEventIds"]) == false);
}

TEST_CASE("provider_writer: listings as JSON lines, one valid object per entry") {
  simdjson::dom::parser parser;
  std::string providers = etwcat::formats::format_known_providers(listing_format::jsonl);
  CHECK(count_lines(providers) == etwcat::provider::known_providers().size());
  simdjson::dom::document_stream stream = parser.parse_many(providers);
  std::size_t parsed = 0;
  for (auto doc : stream) {
    simdjson::dom::element e = doc.value();
    if (parsed == 0) {
      CHECK(std::string_view(e["Name"]) == "Microsoft-Windows-Kernel-Process");
      CHECK(std::string_view(e["Guid"]) == "{22FB2CD6-0E7B-422B-A0C7-2FAD1FD0E716}");
    }
    ++parsed;
  }
  CHECK(parsed == etwcat::provider::known_providers().size());

  std::string flags = etwcat::formats::format_kernel_flags(listing_format::jsonl);
  CHECK(count_lines(flags) == etwcat::provider::kernel_flags().size());
  CHECK(
      flags.rfind(
          R"({"Name":"Process","Value":"0x1","Logman":"process","Description":"process start/end"})",
          0) == 0);
  CHECK(flags.find(R"({"Name":"ImageLoad","Value":"0x4","Logman":"img",)") != std::string::npos);
}

TEST_CASE("provider_writer: text listings are aligned columns") {
  std::string flags = etwcat::formats::format_kernel_flags(listing_format::text);
  CHECK(flags.rfind("Process          0x00000001  process           process start/end\n", 0) == 0);
  std::string providers = etwcat::formats::format_known_providers(listing_format::text);
  CHECK(providers.rfind("Microsoft-Windows-Kernel-Process ", 0) == 0);
  CHECK(providers.find("{22FB2CD6-0E7B-422B-A0C7-2FAD1FD0E716}  process, thread and image") !=
        std::string::npos);
}

TEST_CASE("#9: a parsed provider as aligned text, as logman shows a session's providers") {
  auto text_of = [](const std::string& provider_text) {
    etwcat::text_buffer out;
    etwcat::formats::append_provider_text(out, etwcat::provider::parse_provider(provider_text, {}));
    return out.str();
  };
  CHECK(text_of("Microsoft-Windows-Kernel-File:10:1,2,3:0x42:0x1337") ==
        "Name:             Microsoft-Windows-Kernel-File\n"
        "Guid:             {EDD08927-9CC4-4E65-B970-C2560FB5C289}\n"
        "Level:            10\n"
        "MatchAnyKeyword:  0x42\n"
        "MatchAllKeyword:  0x1337\n"
        "EventIds:         1,2,3\n");
  // Defaults: every level and keyword, no ID filter. A bare GUID has no name to show.
  CHECK(text_of("{45d8cccd-539f-4b72-a8b7-5c683142609a}") ==
        "Guid:             {45D8CCCD-539F-4B72-A8B7-5C683142609A}\n"
        "Level:            255\n"
        "MatchAnyKeyword:  0xFFFFFFFFFFFFFFFF\n"
        "MatchAllKeyword:  0x0\n"
        "EventIds:         all\n");
  CHECK(text_of("Microsoft-Windows-DNS-Client:info:!3008,3020-3022") ==
        "Name:             Microsoft-Windows-DNS-Client\n"
        "Guid:             {1C95126E-7EEA-49A9-A3FE-A378B03DDB4D}\n"
        "Level:            4 (information)\n"
        "MatchAnyKeyword:  0xFFFFFFFFFFFFFFFF\n"
        "MatchAllKeyword:  0x0\n"
        "ExcludeEventIds:  3008,3020,3021,3022\n");
}

TEST_CASE("json: strings are escaped and invalid UTF-8 replaced") {
  etwcat::text_buffer out;
  etwcat::formats::append_json_string(out, "a\"b\\c\n\x01\x7F\xC3\xA9\xFFz");
  CHECK(out == "\"a\\\"b\\\\c\\n\\u0001\x7F\xC3\xA9\xEF\xBF\xBDz\"");
  out.clear();
  etwcat::formats::append_hex(out, 0);
  etwcat::formats::append_hex(out, 0xABCDEF0123456789ull);
  CHECK(out == "0x00xABCDEF0123456789");
}
