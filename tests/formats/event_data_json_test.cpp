// event_data_json: every item type as JSON, nesting, and the EventData/DecodeError keys of a
// whole event, re-read with simdjson.
#include "formats/event_data_json.h"

#include <doctest/doctest.h>
#include <simdjson.h>

#include <limits>
#include <string>

#include "formats/jsonl_writer.h"
#include "formats/text_writer.h"
#include "lib/base/text_buffer.h"
#include "lib/event/event.h"

using namespace etwcat;

TEST_CASE("event_data_json: every value type") {
  event_data data;
  data.add_bool("b", true);
  data.add_signed("i", -204);
  data.add_unsigned("u", 18446744073709551615ull);
  data.add_hex("h", 0xABC);
  data.add_hex("h8", 0x1F, 8);
  data.add_float("f", 0.1f);
  data.add_double("d", 3.14);
  data.add_double("nan", std::numeric_limits<double>::quiet_NaN());
  data.add_string("s", "say \"hi\"\n");
  data.add_guid("g", *guid::parse("0ad614c4-0ef4-4225-8dd4-a8fb61b77615"));
  data.add_filetime("t", 129402940472257591ull);
  const std::byte raw[] = {std::byte{0xDE}, std::byte{0xAD}, std::byte{0x01}};
  data.add_binary("x", raw);
  text_buffer out;
  formats::append_event_data_members(out, data);
  CHECK(out ==
        "\"b\":true,\"i\":-204,\"u\":18446744073709551615,\"h\":\"0xABC\",\"h8\":\"0x0000001F\","
        "\"f\":0.1,\"d\":3.14,\"nan\":\"NaN\",\"s\":\"say \\\"hi\\\"\\n\","
        "\"g\":\"{0AD614C4-0EF4-4225-8DD4-A8FB61B77615}\","
        "\"t\":\"2011-01-23T22:07:27.2257591Z\",\"x\":\"DEAD01\"");
}

TEST_CASE("event_data_json: structs, arrays, arrays of structs, empty containers") {
  event_data data;
  data.begin_struct("a");
  data.add_string("b", "Hello");
  data.add_string("c", "World!");
  data.end_struct();
  data.begin_array("n");
  data.add_unsigned({}, 1);
  data.add_unsigned({}, 2);
  data.end_array();
  data.begin_array("list");
  data.begin_struct({});
  data.add_unsigned("k", 7);
  data.end_struct();
  data.end_array();
  data.begin_array("empty");
  data.end_array();
  text_buffer out;
  formats::append_event_data_members(out, data);
  CHECK(out ==
        "\"a\":{\"b\":\"Hello\",\"c\":\"World!\"},\"n\":[1,2],\"list\":[{\"k\":7}],\"empty\":[]");
}

TEST_CASE("event_data_json: an event with EventData and a DecodeError keeps RawData") {
  event e;
  e.provider_guid = *guid::parse("{D3DD3DD4-AAC2-4E2A-8DD4-A8FB61B77615}");
  e.data.add_unsigned("ProcessId", 4);
  e.decode_error = "field ImageName at offset 4: runs past the end of the payload (4 bytes)";
  const std::byte raw[] = {std::byte{4}, std::byte{0}, std::byte{0}, std::byte{0}};
  e.raw_data = raw;
  text_buffer out;
  formats::append_event_json(out, e);
  CHECK(out ==
        "{\"System\":{\"Provider\":{\"Guid\":\"{D3DD3DD4-AAC2-4E2A-8DD4-A8FB61B77615}\"},"
        "\"Execution\":{\"ProcessorID\":0},\"DecodeError\":\"field ImageName at offset 4: runs "
        "past the end of the payload (4 bytes)\"},\"EventData\":{\"ProcessId\":4},"
        "\"RawData\":\"04000000\"}");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(out.data(), out.size()).get(doc) == simdjson::SUCCESS);
  std::uint64_t pid = 0;
  CHECK(doc["EventData"]["ProcessId"].get(pid) == simdjson::SUCCESS);
  CHECK(pid == 4);

  // Decoded exactly: no RawData unless asked for.
  e.decode_error.clear();
  e.payload_decoded = true;
  out.clear();
  formats::append_event_json(out, e);
  CHECK(out.view().find("RawData") == std::string::npos);
  out.clear();
  formats::append_event_json(out, e, formats::jsonl_options{.always_raw = true});
  CHECK(out.view().find("\"RawData\":\"04000000\"") != std::string::npos);
}

TEST_CASE("event_data_json: text format prints fields as key=value") {
  event e;
  e.provider_name = "MySource";
  e.set_event_name("TestEvent");
  e.data.begin_struct("a");
  e.data.add_string("b", "Hello");
  e.data.end_struct();
  e.data.add_string("name", "alpha");
  e.data.add_hex("flags", 0x10);
  e.payload_decoded = true;
  text_buffer out;
  formats::append_event_text(out, e, false);
  CHECK(out.view().find(" a={\"b\":\"Hello\"} name=alpha flags=0x10") != std::string::npos);
  CHECK(out.view().find("raw_size") == std::string::npos);
}
