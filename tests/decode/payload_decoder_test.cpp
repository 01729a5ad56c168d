// Tests for lib/decode/payload_decoder.h: TDH's size rules and printing rules on synthesized
// payloads (docs/etl-format.md §7.3, WBEM SID §6), hostile counts, and every event of
// net.4.5.2.x64.etl whose schema the file carries (KernelTraceControl metadata, §7.2).
#include "lib/decode/payload_decoder.h"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "formats/event_data_json.h"
#include "lib/base/diagnostics.h"
#include "lib/base/text_buffer.h"
#include "lib/decode/tdh/event_info.h"
#include "lib/etl/file_reader.h"
#include "tests/support/corpus.h"
#include "tests/support/etl_builder.h"
#include "tests/support/event_data_checks.h"

using namespace etwcat;
using namespace etwcat::decode;
using etwcat::testing::byte_writer;
using etwcat::testing::bytes;

namespace {

property field(std::string name, in_type in, out_type out = out_type::none) {
  property p;
  p.name = std::move(name);
  p.in = in;
  p.out = out;
  return p;
}

property with_length(property p, size_source from, std::uint16_t length) {
  p.length_from = from;
  p.length = length;
  return p;
}

property with_count(property p, size_source from, std::uint16_t count) {
  p.count_from = from;
  p.count = count;
  p.is_array = true;
  return p;
}

property structure(std::string name, std::uint16_t first, std::uint16_t members) {
  property p;
  p.name = std::move(name);
  p.is_struct = true;
  p.first_member = first;
  p.member_count = members;
  return p;
}

// A schema whose properties are all top level unless `top_level` says otherwise.
event_schema schema_of(std::vector<property> properties, int top_level = -1) {
  event_schema s;
  s.properties = std::move(properties);
  s.top_level_count =
      static_cast<std::uint16_t>(top_level < 0 ? s.properties.size() : std::size_t(top_level));
  return s;
}

struct decoded {
  bool ok = false;
  text_buffer json;  // the EventData members as the JSON writer prints them
  std::string error;
  event_data data;
};

decoded run(const event_schema& schema, const bytes& payload, std::uint8_t pointer_size = 8) {
  decoded d;
  payload_decoder decoder;
  d.ok = decoder.decode(schema, payload, pointer_size, d.data, d.error);
  formats::append_event_data_members(d.json, d.data);
  return d;
}

}  // namespace

TEST_CASE("payload_decoder: integers print as their out types say") {
  const auto s = schema_of({
      field("i8", in_type::int8),
      field("u8hex", in_type::uint8, out_type::hex_int8),
      field("i16", in_type::int16),
      field("port", in_type::uint16, out_type::port),
      field("err", in_type::uint32, out_type::win32_error),
      field("addr", in_type::uint32, out_type::ipv4),
      field("flag", in_type::uint32, out_type::boolean),
      field("i64", in_type::int64),
      field("u64hex", in_type::uint64, out_type::hex_int64),
      field("hex32", in_type::hex_int32),
      field("pid", in_type::uint32, out_type::pid),
      field("status", in_type::int32, out_type::ntstatus),
  });
  byte_writer w;
  w.put(std::int8_t{-5}).put(std::uint8_t{0x1F}).put(std::int16_t{-300});
  w.put(std::uint16_t{0x901F});  // 8080 in network order
  w.put(std::uint32_t{5}).put(std::uint32_t{0x0100000A}).put(std::uint32_t{1});
  w.put(std::int64_t{-1234567890123}).put(std::uint64_t{0xFFFFFA830393A3E8ULL});
  w.put(std::uint32_t{0xABCD}).put(std::uint32_t{3988}).put(std::int32_t{-1073741790});
  const auto d = run(s, w.take());
  REQUIRE_MESSAGE(d.ok, d.error);
  CHECK(d.json ==
        R"("i8":-5,"u8hex":"0x1F","i16":-300,"port":8080,"err":"0x5","addr":"10.0.0.1",)"
        R"("flag":true,"i64":-1234567890123,"u64hex":"0xFFFFFA830393A3E8","hex32":"0xABCD",)"
        R"("pid":3988,"status":"0xC0000022")");
}

TEST_CASE("payload_decoder: pointer and size_t take the record's pointer size") {
  const auto s = schema_of({field("p", in_type::pointer), field("n", in_type::size_t_),
                            field("d", in_type::size_t_, out_type::unsigned_long)});
  byte_writer w64;
  w64.put(std::uint64_t{0x7FF612340000ULL}).put(std::uint64_t{16}).put(std::uint64_t{17});
  auto d = run(s, w64.take(), 8);
  REQUIRE_MESSAGE(d.ok, d.error);
  CHECK(d.json == R"("p":"0x7FF612340000","n":"0x10","d":17)");

  byte_writer w32;
  w32.put(std::uint32_t{0x77710000}).put(std::uint32_t{16}).put(std::uint32_t{17});
  d = run(s, w32.take(), 4);
  REQUIRE_MESSAGE(d.ok, d.error);
  CHECK(d.json == R"("p":"0x77710000","n":"0x10","d":17)");
}

TEST_CASE("payload_decoder: fixed-size types: boolean, floats, guid, filetime, systemtime") {
  const auto s = schema_of({
      field("b", in_type::boolean),
      field("f", in_type::float32),
      field("d", in_type::float64),
      field("g", in_type::guid),
      field("ft", in_type::filetime),
      field("st", in_type::systemtime),
      field("bad_st", in_type::systemtime),
      field("ts", in_type::uint64, out_type::datetime),
  });
  byte_writer w;
  w.put(std::uint32_t{2}).put(1.5f).put(-0.25);
  const auto id = testing::guid_of("EDD08927-9CC4-4E65-B970-C2560FB5C289");
  w.put(id.data1).put(id.data2).put(id.data3).put(id.data4);
  w.put(std::uint64_t{132404548233560000ULL});
  // SYSTEMTIME 2020-07-29 (a Wednesday) 00:07:03.356.
  for (std::uint16_t v : {2020, 7, 3, 29, 0, 7, 3, 356}) w.put(v);
  w.fill(16, 0);  // all zero: month 0 is no date
  w.put(std::uint64_t{132404548233560000ULL});
  const auto d = run(s, w.take());
  REQUIRE_MESSAGE(d.ok, d.error);
  CHECK(d.json == R"("b":true,"f":1.5,"d":-0.25,"g":"{EDD08927-9CC4-4E65-B970-C2560FB5C289}",)"
                  R"("ft":"2020-07-29T00:07:03.3560000Z","st":"2020-07-29T00:07:03.3560000Z",)"
                  R"("bad_st":"00000000000000000000000000000000",)"
                  R"("ts":"2020-07-29T00:07:03.3560000Z")");
}

TEST_CASE("payload_decoder: strings end at a NUL, a fixed length, or a length property") {
  const auto s = schema_of({
      field("wz", in_type::unicode_string),
      field("az", in_type::ansi_string),
      with_length(field("fixed", in_type::unicode_string), size_source::fixed, 4),
      field("len", in_type::uint16),
      with_length(field("counted", in_type::ansi_string), size_source::property, 3),
      field("utf8", in_type::ansi_string, out_type::utf8),
      field("cp1252", in_type::ansi_string),
      field("last", in_type::unicode_string),
  });
  byte_writer w;
  w.put_utf16z("Ethernet");
  w.put_bytes(testing::payload_of({'a', 'b', 0}));
  w.put_utf16z("ab").put(std::uint16_t{0});  // 4 chars: "ab", NUL, NUL — the text stops at NUL
  w.put(std::uint16_t{3});
  w.put_bytes(testing::payload_of({'x', 'y', 'z'}));  // no NUL: the length says where it ends
  w.put_bytes(testing::payload_of({0xC3, 0xA9, 0}));  // "é" in UTF-8
  w.put_bytes(testing::payload_of({0x80, 0xE9, 0}));  // "€é" in Windows-1252
  w.put(std::uint16_t{'e'}).put(std::uint16_t{'n'});  // the last string lacks its NUL
  const auto d = run(s, w.take());
  REQUIRE_MESSAGE(d.ok, d.error);
  CHECK(d.json ==
        "\"wz\":\"Ethernet\",\"az\":\"ab\",\"fixed\":\"ab\",\"len\":3,\"counted\":\"xyz\","
        "\"utf8\":\"\xC3\xA9\",\"cp1252\":\"\xE2\x82\xAC\xC3\xA9\",\"last\":\"en\"");
}

TEST_CASE("payload_decoder: counted, reversed, rest-of-event strings, chars and hex dumps") {
  const auto s = schema_of({
      field("mcs", in_type::manifest_counted_string),
      field("mca", in_type::manifest_counted_ansi_string),
      field("mcb", in_type::manifest_counted_binary),
      field("cs", in_type::counted_string),
      field("rcs", in_type::reversed_counted_string),
      field("rca", in_type::reversed_counted_ansi_string),
      field("wc", in_type::unicode_char),
      field("ac", in_type::ansi_char),
      field("dump", in_type::hex_dump),
      field("rest", in_type::non_null_terminated_string),
  });
  byte_writer w;
  w.put(std::uint16_t{4}).put(std::uint16_t{'h'}).put(std::uint16_t{'i'});  // byte count 4
  w.put(std::uint16_t{2}).put_bytes(testing::payload_of({'o', 'k'}));
  w.put(std::uint16_t{3}).put_bytes(testing::payload_of({0xDE, 0xAD, 0x01}));
  w.put(std::uint16_t{2}).put(std::uint16_t{'W'});
  w.put_bytes(testing::payload_of({0x00, 0x02})).put(std::uint16_t{'R'});  // big-endian 2
  w.put_bytes(testing::payload_of({0x00, 0x01, 'A'}));
  w.put(std::uint16_t{0x20AC});  // €
  w.put(std::uint8_t{'c'});
  w.put(std::uint32_t{2}).put_bytes(testing::payload_of({0x0F, 0xF0}));
  w.put(std::uint16_t{'e'}).put(std::uint16_t{'n'}).put(std::uint16_t{'d'});
  const auto d = run(s, w.take());
  REQUIRE_MESSAGE(d.ok, d.error);
  CHECK(d.json ==
        "\"mcs\":\"hi\",\"mca\":\"ok\",\"mcb\":\"DEAD01\",\"cs\":\"W\",\"rcs\":\"R\","
        "\"rca\":\"A\",\"wc\":\"\xE2\x82\xAC\",\"ac\":\"c\",\"dump\":\"0FF0\","
        "\"rest\":\"end\"");
}

TEST_CASE("payload_decoder: BINARY has no count prefix, IPv6 and socket addresses print as text") {
  const auto s = schema_of({
      field("n", in_type::uint32),
      with_length(field("blob", in_type::binary), size_source::property, 0),
      with_length(field("fixed", in_type::binary), size_source::fixed, 2),
      field("v6", in_type::binary, out_type::ipv6),  // no length: 16 bytes
      with_length(field("sa4", in_type::binary, out_type::socket_address), size_source::fixed, 16),
      with_length(field("sa6", in_type::binary, out_type::socket_address), size_source::fixed, 28),
      with_length(field("tail", in_type::binary), size_source::remaining, 0),
  });
  byte_writer w;
  w.put(std::uint32_t{3}).put_bytes(testing::payload_of({1, 2, 3}));
  w.put_bytes(testing::payload_of({0xAA, 0xBB}));
  w.put_bytes(testing::payload_of(
      {0x20, 0x01, 0x48, 0x98, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0x50, 0x10, 0x50}));
  // SOCKADDR_IN: family 2, port 53 (network order), 10.50.10.50, 8 zero bytes.
  w.put_bytes(testing::payload_of({2, 0, 0, 53, 10, 50, 10, 50})).fill(8, 0);
  // SOCKADDR_IN6: family 23, port 0, flow info, ::1, scope id.
  w.put_bytes(testing::payload_of({23, 0, 0, 0})).fill(4, 0).fill(15, 0).fill(1, 1).fill(4, 0);
  w.put_bytes(testing::payload_of({9, 8}));
  const auto d = run(s, w.take());
  REQUIRE_MESSAGE(d.ok, d.error);
  CHECK(d.json == R"("n":3,"blob":"010203","fixed":"AABB","v6":"2001:4898::1050:1050",)"
                  R"("sa4":"10.50.10.50:53","sa6":"[::1]:0","tail":"0908")");

  const auto no_length = run(schema_of({field("blob", in_type::binary)}), testing::filler(4));
  CHECK_FALSE(no_length.ok);
  CHECK(no_length.error == "field blob at offset 0: BINARY has no length");
}

TEST_CASE("payload_decoder: SID and WBEM SID, null and not, at both pointer sizes") {
  const auto s = schema_of({field("sid", in_type::sid), field("user", in_type::wbem_sid),
                            field("none", in_type::wbem_sid), field("after", in_type::uint8)});
  auto local_system = [](byte_writer& w) {  // S-1-5-18
    w.put_bytes(testing::payload_of({1, 1, 0, 0, 0, 0, 0, 5})).put(std::uint32_t{18});
  };
  for (std::uint8_t pointer_size : {std::uint8_t{4}, std::uint8_t{8}}) {
    CAPTURE(int{pointer_size});
    byte_writer w;
    // S-1-5-21-1-2-3
    w.put_bytes(testing::payload_of({1, 4, 0, 0, 0, 0, 0, 5}));
    for (std::uint32_t v : {21u, 1u, 2u, 3u}) w.put(v);
    w.fill(2 * pointer_size, 0x11);  // TOKEN_USER: SID pointer (non-zero) + attributes
    local_system(w);
    w.put(std::uint32_t{0});  // a null WBEM SID is 4 zero bytes
    w.put(std::uint8_t{7});
    const auto d = run(s, w.take(), pointer_size);
    REQUIRE_MESSAGE(d.ok, d.error);
    CHECK(d.json == R"("sid":"S-1-5-21-1-2-3","user":"S-1-5-18","none":"","after":7)");
  }
}

TEST_CASE("payload_decoder: arrays: fixed count, count property, rest of payload, char arrays") {
  const auto s = schema_of({
      with_count(field("fixed", in_type::uint16), size_source::fixed, 2),
      field("n", in_type::uint8),
      with_count(field("counted", in_type::int32), size_source::property, 1),
      with_count(field("one", in_type::uint8), size_source::fixed, 1),
      with_count(field("chars", in_type::ansi_char), size_source::fixed, 4),
      with_count(field("wchars", in_type::uint16, out_type::string), size_source::fixed, 2),
      with_count(field("rest", in_type::pointer), size_source::remaining, 0),
  });
  byte_writer w;
  w.put(std::uint16_t{1}).put(std::uint16_t{2});
  w.put(std::uint8_t{3}).put(std::int32_t{-1}).put(std::int32_t{0}).put(std::int32_t{1});
  w.put(std::uint8_t{9});
  w.put_bytes(testing::payload_of({'a', 'b', 0, 'x'}));  // cut at the NUL
  w.put(std::uint16_t{'O'}).put(std::uint16_t{'K'});
  w.put(std::uint32_t{0x1000}).put(std::uint32_t{0x2000});
  const auto d = run(s, w.take(), 4);
  REQUIRE_MESSAGE(d.ok, d.error);
  CHECK(d.json == R"("fixed":[1,2],"n":3,"counted":[-1,0,1],"one":[9],"chars":"ab",)"
                  R"("wchars":"OK","rest":["0x1000","0x2000"])");
}

TEST_CASE("payload_decoder: an array of structs whose members hold their own counts") {
  // Like DotNETRuntime Type/BulkType: Count, Values[Count] { Name, N, Params[N] }.
  event_schema s = schema_of(
      {
          field("Count", in_type::uint32),
          with_count(structure("Values", 2, 3), size_source::property, 0),
          field("Name", in_type::unicode_string),
          field("N", in_type::uint8),
          with_count(field("Params", in_type::uint64, out_type::hex_int64), size_source::property,
                     3),
      },
      2);
  byte_writer w;
  w.put(std::uint32_t{2});
  w.put_utf16z("A").put(std::uint8_t{2}).put(std::uint64_t{0x10}).put(std::uint64_t{0x20});
  w.put_utf16z("B").put(std::uint8_t{0});
  const auto d = run(s, w.take());
  REQUIRE_MESSAGE(d.ok, d.error);
  CHECK(d.json == R"("Count":2,"Values":[{"Name":"A","N":2,"Params":["0x10","0x20"]},)"
                  R"({"Name":"B","N":0,"Params":[]}])");

  // A single struct (no count) is an object.
  event_schema one = schema_of(
      {structure("Pair", 1, 2), field("a", in_type::uint8), field("b", in_type::uint8)}, 1);
  const auto pair = run(one, testing::payload_of({1, 2}));
  REQUIRE_MESSAGE(pair.ok, pair.error);
  CHECK(pair.json == R"("Pair":{"a":1,"b":2})");
}

TEST_CASE("payload_decoder: value maps and bitmaps") {
  value_map types;
  types.type = value_map::kind::value;
  types.entries = {{0, "static"}, {1, "dynamic"}};
  value_map flags;
  flags.type = value_map::kind::bitmap;
  flags.entries = {{1, "HasInnerException"}, {2, "Nested"}, {0x10, "CLSCompliant"}};
  value_map flags_with_zero = flags;
  flags_with_zero.entries.insert(flags_with_zero.entries.begin(), {0, "None"});

  auto mapped = [](std::string name, in_type in, const value_map& map,
                   out_type out = out_type::none) {
    property p = field(std::move(name), in, out);
    p.map_name = "map";
    p.map = &map;
    return p;
  };
  const auto s = schema_of({
      mapped("hit", in_type::uint8, types),
      mapped("miss", in_type::uint8, types),
      mapped("bits", in_type::uint32, flags),
      mapped("leftover", in_type::uint32, flags),
      mapped("unnamed", in_type::uint32, flags, out_type::hex_int32),
      mapped("zero", in_type::uint32, flags),
      mapped("zero_named", in_type::uint32, flags_with_zero),
  });
  byte_writer w;
  w.put(std::uint8_t{1}).put(std::uint8_t{7});
  w.put(std::uint32_t{0x11}).put(std::uint32_t{0x103}).put(std::uint32_t{0x100});
  w.put(std::uint32_t{0}).put(std::uint32_t{0});
  const auto d = run(s, w.take());
  REQUIRE_MESSAGE(d.ok, d.error);
  // A mapped field is a string whatever its value: "0x…" when nothing names it.
  CHECK(d.json == R"("hit":"dynamic","miss":"0x7","bits":"HasInnerException|CLSCompliant",)"
                  R"("leftover":"HasInnerException|Nested|0x100","unnamed":"0x100","zero":"0x0",)"
                  R"("zero_named":"None")");
}

TEST_CASE("payload_decoder: mapped booleans and maps never defined are strings too") {
  value_map answers;
  answers.type = value_map::kind::value;
  answers.entries = {{0, "No"}, {1, "Yes"}};
  property yes = field("Yes", in_type::boolean), other = field("Other", in_type::boolean);
  yes.map_name = other.map_name = "Answers";
  yes.map = other.map = &answers;
  // The schema names a map that no record defined (merged-trace metadata cut short).
  property lost = field("Lost", in_type::uint32);
  lost.map_name = "NeverDefined";
  const auto s = schema_of({yes, other, lost, field("Plain", in_type::boolean)});
  byte_writer w;
  w.put(std::uint32_t{1}).put(std::uint32_t{2}).put(std::uint32_t{0x42}).put(std::uint32_t{2});
  const auto d = run(s, w.take());
  REQUIRE_MESSAGE(d.ok, d.error);
  CHECK(d.json == R"("Yes":"Yes","Other":"0x2","Lost":"0x42","Plain":true)");
}

TEST_CASE("payload_decoder: 64-bit integers named as keyword masks print as hex") {
  // EventSource manifests declare keyword masks plain UInt64; TDH-made manifests spell the
  // default xs:unsignedLong. Counts and 32-bit fields stay numbers.
  const auto s = schema_of({
      field("keywords", in_type::uint64),
      field("AttributesMask", in_type::uint64, out_type::unsigned_long),
      field("OldFlags", in_type::int64),
      with_count(field("MatchAnyKeyword", in_type::uint64), size_source::fixed, 2),
      field("EventMask", in_type::uint32),
      field("NumberOfULongPtrsInNodeMask", in_type::uint64),
      field("occurenceFileTimeUtc", in_type::int64),
  });
  byte_writer w;
  w.put(~std::uint64_t{0}).put(std::uint64_t{0x30}).put(std::int64_t{-1});
  w.put(std::uint64_t{0x8000000000000000}).put(std::uint64_t{0});
  w.put(std::uint32_t{0xF0}).put(std::uint64_t{3}).put(std::int64_t{130901521022992020});
  const auto d = run(s, w.take());
  REQUIRE_MESSAGE(d.ok, d.error);
  CHECK(d.json == R"("keywords":"0xFFFFFFFFFFFFFFFF","AttributesMask":"0x30",)"
                  R"("OldFlags":"0xFFFFFFFFFFFFFFFF",)"
                  R"("MatchAnyKeyword":["0x8000000000000000","0x0"],"EventMask":240,)"
                  R"("NumberOfULongPtrsInNodeMask":3,"occurenceFileTimeUtc":130901521022992020)");
}

TEST_CASE("payload_decoder: a field past the end names the field and its offset") {
  const auto s = schema_of({field("Pid", in_type::uint32), field("Base", in_type::uint64),
                            field("Name", in_type::unicode_string)});
  const auto d = run(s, testing::payload_of({4, 0, 0, 0, 1, 2, 3}));
  CHECK_FALSE(d.ok);
  CHECK(d.error ==
        "field Base at offset 4: runs past the end of the payload (8 bytes needed, "
        "3 left)");
  CHECK(d.json == R"("Pid":4)");  // what decoded stays

  // Inside an array of structs: the path names the element; the containers are closed.
  event_schema nested = schema_of(
      {with_count(structure("Items", 1, 2), size_source::fixed, 3), field("a", in_type::uint16),
       with_length(field("s", in_type::ansi_string), size_source::fixed, 2)},
      1);
  const auto n = run(nested, testing::payload_of({1, 0, 'x', 'y', 2, 0, 'z'}));
  CHECK_FALSE(n.ok);
  CHECK(n.error ==
        "field Items[1].s at offset 6: runs past the end of the payload (2 bytes "
        "needed, 1 left)");
  CHECK(testing::balanced(n.data));
  CHECK(n.json == R"("Items":[{"a":1,"s":"xy"},{"a":2}])");
}

TEST_CASE("payload_decoder: bytes after the last field are a surplus, dropped when allowed") {
  // As TDH: the fields stay, the payload counts as decoded, the rest is reported apart.
  auto s = schema_of({field("a", in_type::uint16), field("b", in_type::uint16)});
  s.version = 3;
  const bytes payload = testing::payload_of({1, 0, 2, 0, 0xEE, 0xFF});
  auto d = run(s, payload);
  CHECK(d.ok);
  CHECK(d.error.empty());
  CHECK(d.json == R"("a":1,"b":2)");
  const etwcat::payload_surplus& surplus = d.data.surplus();
  REQUIRE(surplus.bytes.size() == 2);
  CHECK(surplus.bytes[0] == std::byte{0xEE});
  CHECK(surplus.bytes[1] == std::byte{0xFF});
  CHECK(surplus.offset == 4);
  CHECK(surplus.schema_version == 3);  // a manifest's: the warning may name it

  // Built-in layouts of a newer kernel version than they describe drop the rest silently.
  s.allow_trailing_bytes = true;
  d = run(s, payload);
  CHECK(d.ok);
  CHECK(d.error.empty());
  CHECK(d.data.surplus().bytes.empty());
}

TEST_CASE("payload_decoder: hostile counts and schemas end quickly with an error") {
  SUBCASE("a huge count of fixed-size elements fails before reading any") {
    const auto s = schema_of({field("n", in_type::uint32),
                              with_count(field("v", in_type::uint64), size_source::property, 0)});
    const auto d = run(s, testing::payload_of({0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4, 5, 6, 7, 8}));
    CHECK_FALSE(d.ok);
    CHECK(d.error ==
          "field v at offset 4: 4294967295 elements of 8 bytes run past the end of "
          "the payload (8 bytes left)");
    CHECK(d.json == R"("n":4294967295)");
  }
  SUBCASE("a huge count of strings stops at the end of the payload") {
    const auto s =
        schema_of({field("n", in_type::uint32),
                   with_count(with_length(field("v", in_type::ansi_string), size_source::fixed, 2),
                              size_source::property, 0)});
    const auto d = run(s, testing::payload_of({0xFF, 0xFF, 0xFF, 0xFF, 'a', 'b', 'c'}));
    CHECK_FALSE(d.ok);
    CHECK(d.error ==
          "field v[1] at offset 6: runs past the end of the payload (2 bytes needed, "
          "1 left)");
    CHECK(d.json == R"("n":4294967295,"v":["ab"])");
  }
  SUBCASE("a huge count of empty structs is cut off by the empty-element budget") {
    const auto s = schema_of(
        {field("n", in_type::uint32), with_count(structure("e", 0, 0), size_source::property, 0)},
        2);
    const auto d = run(s, testing::payload_of({0xFF, 0xFF, 0xFF, 0xFF}));
    CHECK_FALSE(d.ok);
    CHECK(d.error == "field e[4096] at offset 4: too many elements that take no bytes");
    CHECK(testing::balanced(d.data));
    // n, the array's two markers, and 4097 closed structs (the last one is complete too).
    CHECK(d.data.items().size() == 1 + 2 + 2 * 4097);
  }
  SUBCASE("an empty struct repeated to the end of the payload stops at once") {
    const auto s = schema_of({with_count(structure("e", 0, 0), size_source::remaining, 0)}, 1);
    const auto d = run(s, testing::payload_of({1}));
    CHECK(d.ok);  // the byte is left over, a surplus
    CHECK(d.data.surplus().bytes.size() == 1);
    CHECK(d.data.surplus().offset == 0);
  }
  SUBCASE("a struct that contains itself") {
    const auto s = schema_of({structure("loop", 0, 1)}, 1);
    const auto d = run(s, testing::payload_of({1, 2, 3}));
    CHECK_FALSE(d.ok);
    CHECK(d.error ==
          "field loop.loop.loop.loop.loop.loop.loop.loop at offset 0: structs nested too deeply");
    CHECK(testing::balanced(d.data));
  }
  SUBCASE("struct members outside the property list") {
    const auto s = schema_of({structure("bad", 1, 5)}, 1);
    const auto d = run(s, testing::payload_of({1}));
    CHECK_FALSE(d.ok);
    CHECK(d.error == "field bad at offset 0: struct members lie outside the property list");
  }
  SUBCASE("a count from a property not yet decoded") {
    const auto s = schema_of({with_count(field("v", in_type::uint8), size_source::property, 1),
                              field("n", in_type::uint8)});
    const auto d = run(s, testing::payload_of({1, 1}));
    CHECK_FALSE(d.ok);
    CHECK(d.error == "field v at offset 0: count refers to property 1, which has no value yet");
  }
  SUBCASE("a count from a property out of range, and an unknown in-type") {
    auto d = run(
        schema_of({with_length(field("s", in_type::unicode_string), size_source::property, 40)}),
        testing::payload_of({1, 0}));
    CHECK(d.error == "field s at offset 0: length refers to property 40, which has no value yet");
    d = run(schema_of({field("x", static_cast<in_type>(24))}), testing::payload_of({1}));
    CHECK(d.error == "field x at offset 0: unknown in-type 24");
    d = run(schema_of({field("x", in_type::null)}), testing::payload_of({1}));
    CHECK(d.error == "field x at offset 0: in-type NULL has no size");
  }
  SUBCASE("counted strings whose count runs past the end") {
    const auto d = run(schema_of({field("s", in_type::manifest_counted_string)}),
                       testing::payload_of({0xFF, 0xFF, 'a', 0}));
    CHECK(d.error ==
          "field s at offset 0: runs past the end of the payload (65537 bytes needed, "
          "4 left)");
    CHECK(d.json.empty());
  }
}

TEST_CASE("payload_decoder: one decoder reused forgets the previous event's values") {
  payload_decoder decoder;
  const auto pair = schema_of({field("a", in_type::uint8), field("b", in_type::uint8)});
  // Counts from property 1 before property 1 is read: only a stale value could satisfy it.
  const auto early = schema_of({with_count(field("v", in_type::uint8), size_source::property, 1),
                                field("n", in_type::uint8)});
  event_data data;
  std::string error;
  CHECK(decoder.decode(pair, testing::payload_of({2, 3}), 8, data, error));
  data.clear();
  CHECK_FALSE(decoder.decode(early, testing::payload_of({1, 1}), 8, data, error));
  CHECK(error == "field v at offset 0: count refers to property 1, which has no value yet");
  data.clear();
  error.clear();
  CHECK(decoder.decode(pair, testing::payload_of({4, 5}), 8, data, error));
  text_buffer json;
  formats::append_event_data_members(json, data);
  CHECK(json == R"("a":4,"b":5)");
  CHECK(error.empty());
}

// --- real captures ---------------------------------------------------------------------------

namespace {

using schema_key = std::tuple<guid, std::uint16_t, std::uint8_t>;

// The schemas and maps of a merged ETL, maps linked into the properties that name them, and a
// copy of every EVENT_HEADER record's payload: the metadata records come after the events
// they describe, and one pass over the file costs less than two.
struct merged_file {
  std::map<schema_key, event_schema> schemas;
  std::map<std::pair<guid, std::string>, value_map> maps;
  struct record {
    schema_key key;
    std::uint8_t pointer_size = 8;
    std::size_t offset = 0, size = 0;  // in `payloads`
  };
  std::vector<record> records;
  bytes payloads;
};

merged_file read_merged(const std::filesystem::path& path) {
  merged_file m;
  diagnostics diags;
  auto reader = etl::file_reader::open(path, diags);
  REQUIRE(reader.ok());
  etl::record_view r;
  while (reader.value().next(r)) {
    if (r.kind() == etl::header_kind::event_header32 ||
        r.kind() == etl::header_kind::event_header64) {
      const auto payload = r.payload();
      m.records.push_back({{r.header_guid(), r.event_id(), std::uint8_t(r.version())},
                           r.pointer_size(),
                           m.payloads.size(),
                           payload.size()});
      m.payloads.insert(m.payloads.end(), payload.begin(), payload.end());
      continue;
    }
    if (r.header_guid() != event_metadata_guid) continue;
    if (r.opcode() == event_info_opcode) {
      auto s = read_event_info(r.payload());
      REQUIRE(s.ok());
      m.schemas[{s.value().provider_guid, s.value().id, s.value().version}] = s.value();
    } else if (r.opcode() == event_map_info_opcode) {
      auto map = read_event_map_info(r.payload());
      REQUIRE(map.ok());
      m.maps[{map.value().first, map.value().second.name}] = map.value().second;
    }
  }
  for (auto& [key, schema] : m.schemas) {
    for (property& p : schema.properties) {
      if (p.map_name.empty()) continue;
      auto it = m.maps.find({schema.provider_guid, p.map_name});
      if (it != m.maps.end()) p.map = &it->second;
    }
  }
  return m;
}

}  // namespace

TEST_SUITE("corpus") {
  TEST_CASE("payload_decoder: every net.4.5.2.x64.etl event with a schema in the file decodes") {
    ETWCAT_REQUIRE_CORPUS();
    const auto path = testing::corpus_file("perfview/net.4.5.2.x64.etl");
    const merged_file m = read_merged(path);
    REQUIRE(m.schemas.size() == 61);

    const event_schema* create_schema = nullptr;
    const event_schema* dns_schema = nullptr;
    for (const auto& [key, schema] : m.schemas) {
      if (schema.provider_name == "Microsoft-Windows-Kernel-File" && schema.event_name == "Create")
        create_schema = &schema;
      if (schema.event_name == "DnsServerForInterface") dns_schema = &schema;
    }
    REQUIRE(create_schema != nullptr);
    REQUIRE(dns_schema != nullptr);

    payload_decoder decoder;
    event_data data;
    std::string error;
    text_buffer json;
    std::map<const event_schema*, int> per_schema;
    std::map<std::string, int> failed;
    std::vector<std::string> creates, dns;
    for (const merged_file::record& r : m.records) {
      auto it = m.schemas.find(r.key);
      if (it == m.schemas.end()) continue;
      const std::span<const std::byte> payload(m.payloads.data() + r.offset, r.size);
      const event_schema& s = it->second;
      data.clear();
      if (!decoder.decode(s, payload, r.pointer_size, data, error)) {
        const std::string name = s.provider_name + "/" + s.event_name;
        if (failed[name]++ == 0) FAIL_CHECK(name << ": " << error);
        continue;
      }
      ++per_schema[&s];
      if (&s == create_schema && creates.size() < 3) {
        json.clear();
        formats::append_event_data_members(json, data);
        creates.push_back(json.str());
        // PerfView splits CreateOptions: the disposition in the top byte, options below.
        const data_item* options = data.find("CreateOptions");
        REQUIRE(options != nullptr);
        if (creates.size() == 1) CHECK((options->unsigned_value & 0xFFFFFF) == 2097152);
        if (creates.size() == 1) CHECK((options->unsigned_value >> 24) == 1);  // OPEN_EXISTING
        // Baseline: CreateOptions=FILE_ATTRIBUTE_ARCHI… (PerfView's name for 0x20).
        if (creates.size() == 3) CHECK((options->unsigned_value & 0xFFFFFF) == 0x20);
      }
      if (&s == dns_schema) {
        json.clear();
        formats::append_event_data_members(json, data);
        dns.push_back(json.str());
      }
    }
    std::map<std::string, int> decoded;  // "provider/event name", versions together
    for (const auto& [schema, count] : per_schema) {
      decoded[schema->provider_name + "/" + schema->event_name] += count;
    }
    CHECK(failed.empty());
    // Counts as in net.4.5.2.x64.baseline.txt (PerfView's names differ for the CLR events).
    CHECK(decoded["Microsoft-Windows-Kernel-File/Create"] == 562);
    CHECK(decoded["Microsoft-Windows-DNS-Client/DnsServerForInterface"] == 4);
    CHECK(decoded["Microsoft-Windows-DotNETRuntime/GarbageCollection/GCAllocationTick"] == 10382);
    CHECK(decoded["Microsoft-Windows-DotNETRuntime/Type/BulkType"] == 54);
    CHECK(decoded["Microsoft-Windows-Kernel-EventTracing/ETW_TASK_PROVIDER/ETW_OPCODE_REGISTER"] ==
          31);
    CHECK(decoded["Microsoft-Windows-Kernel-Process/ProcessStart/Start"] == 1);
    // Not in the baseline (PerfView gives up on its Stack field): FrameCount frames each.
    CHECK(decoded["Microsoft-Windows-DotNETRuntime/CLRStack/CLRStackWalk"] == 14983);
    int total = 0;
    for (const auto& [name, count] : decoded) total += count;
    CHECK(decoded.size() == 60);
    CHECK(total == 66394);

    // Baseline: IrpPtr=0xfffffa830393a3e8; FileObject=0xfffffa83004bda90; ShareAccess=ReadWrite,
    // Delete (7); FileName=C:\Windows\SysWOW64\... (PerfView maps the volume to its letter).
    REQUIRE(creates.size() == 3);
    CHECK(creates[0] ==
          R"("Irp":"0xFFFFFA830393A3E8","FileObject":"0xFFFFFA83004BDA90","IssuingThreadId":3780,)"
          R"("CreateOptions":"0x1200000","CreateAttributes":"0x0","ShareAccess":"0x7",)"
          R"("FileName":"\\Device\\HarddiskVolume2\\Windows\\SysWOW64\\inetsrv\\iiscore.dll")");
    CHECK(creates[1].find(R"("FileName":"\\Device\\Mup\\DfsClient\\;Z:00000)") !=
          std::string::npos);

    // Baseline: Interface=Ethernet; TotalServerCount=4; Index=1..4; DynamicAddress=dynamic;
    // Address=[2001:4898::1050:105..., [2001:4898::1050:505..., 10.50.10.50:0, 10.50.50.50:0.
    REQUIRE(dns.size() == 4);
    CHECK(dns[0] == R"("Interface":"Ethernet","TotalServerCount":4,"Index":1,)"
                    R"("DynamicAddress":"dynamic","AddressLength":28,)"
                    R"("Address":"[2001:4898::1050:1050]:0")");
    CHECK(dns[1].find(R"("Index":2,)") != std::string::npos);
    CHECK(dns[1].find(R"("Address":"[2001:4898::1050:5050]:0")") != std::string::npos);
    CHECK(dns[2].ends_with(R"("AddressLength":16,"Address":"10.50.10.50:0")"));
    CHECK(dns[3].ends_with(R"("Index":4,"DynamicAddress":"dynamic","AddressLength":16,)"
                           R"("Address":"10.50.50.50:0")"));
  }
}
