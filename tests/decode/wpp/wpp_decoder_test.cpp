// Tests for lib/decode/wpp/wpp_decoder.h: every message of the findneedle WPP fixtures against the
// strings its own decoder (checked against tracefmt) produced (corpus SOURCES.txt §7), the
// EventData fields, and synthesized payloads for the types and damage the fixtures lack.
#include "lib/decode/wpp/wpp_decoder.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "formats/event_data_json.h"
#include "lib/base/text_buffer.h"
#include "lib/etl/file_reader.h"
#include "lib/etl/trace_clock.h"
#include "lib/event/record_event.h"
#include "tests/support/corpus.h"
#include "tests/support/etl_builder.h"

using namespace etwcat;
using namespace etwcat::decode;
using etwcat::testing::payload_of;

namespace {

tmf_library fixture_tmf(bool with_provision = true) {
  tmf_library tmf;
  const auto a = tmf.add_directory(testing::corpus_file("findneedle-wpp/tmf"));
  REQUIRE_MESSAGE(a.ok(), (a.ok() ? "" : a.failure().message));
  if (with_provision)
    REQUIRE(tmf.add_directory(testing::corpus_file("findneedle-wpp/provision")).ok());
  return tmf;
}

struct file_result {
  int wpp = 0;      // WPP records in the file
  int decoded = 0;  // decode() found their message
  int exact = 0;    // ... and the arguments used the payload exactly
  std::vector<std::string> messages;
  std::vector<std::string> errors;
};

file_result decode_file(const std::string& name, const tmf_library* tmf) {
  diagnostics diags;
  auto reader = etl::file_reader::open(testing::corpus_file("findneedle-wpp/" + name), diags);
  REQUIRE(reader.ok());
  const etl::trace_clock clock(reader.value().header());
  etl::record_view record;
  event e;
  wpp_decoder decoder;
  file_result r;
  while (reader.value().next(record)) {
    if (record.kind() != etl::header_kind::wpp_message) continue;
    ++r.wpp;
    fill_event(record, clock, e);
    if (!decoder.decode(record, tmf, e)) {
      CHECK(e.event_name().substr(0, 8) == "EventID(");  // left as fill_event made it
      continue;
    }
    ++r.decoded;
    if (e.payload_decoded) {
      ++r.exact;
    } else {
      r.errors.push_back(e.decode_error);
    }
    const data_item* message = e.data.find("Message");
    REQUIRE(message != nullptr);
    r.messages.emplace_back(e.data.text(*message));
  }
  return r;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// What `WppEmitter.exe <n>` logs: a work item for i = 0..n-1 (status = i & 0xff, printed in
// hex) and a detail for every even i; sorted.
std::vector<std::string> emitter_messages(int n) {
  std::vector<std::string> expected;
  for (int i = 0; i < n; ++i) {
    char line[128];
    std::snprintf(line, sizeof line,
                  "WppEmitter work item id=%d status=0x%x phase=startup provider=WppEmitter", i, i);
    expected.emplace_back(line);
    if (i % 2 == 0) {
      std::snprintf(line, sizeof line,
                    "WppEmitter detail seq=%d note=processing-record value=%d category=Detail", i,
                    i);
      expected.emplace_back(line);
    }
  }
  return sorted(expected);
}

// The first event of `name` whose message number is `number`, decoded.
struct one_event {
  tmf_library tmf = fixture_tmf();
  event e;
};

void decode_one(one_event& out, const std::string& name, std::uint16_t number) {
  diagnostics diags;
  auto reader = etl::file_reader::open(testing::corpus_file("findneedle-wpp/" + name), diags);
  REQUIRE(reader.ok());
  const etl::trace_clock clock(reader.value().header());
  etl::record_view record;
  wpp_decoder decoder;
  while (reader.value().next(record)) {
    if (record.kind() != etl::header_kind::wpp_message || record.message_number() != number) {
      continue;
    }
    fill_event(record, clock, out.e);
    REQUIRE(decoder.decode(record, &out.tmf, out.e));
    REQUIRE_MESSAGE(out.e.payload_decoded, out.e.decode_error);
    return;
  }
  FAIL("no message " << number << " in " << name);
}

const data_item& field(const event& e, std::string_view name) {
  const data_item* item = e.data.find(name);
  REQUIRE_MESSAGE(item != nullptr, name);
  return *item;
}

std::string text_of(const event& e, std::string_view name) {
  return std::string(e.data.text(field(e, name)));
}

// A one-message library from TMF text: GUID 11111111-…, message 10, the given format and
// argument lines.
tmf_library library_of(std::string_view format, std::string_view arguments) {
  tmf_library tmf;
  std::string text = "11111111-2222-3333-4444-555555555555 t // SRC=t.cpp\n";
  text += "#typev t_cpp1 10 \"%0";
  text += format;
  text += "\" // FUNC=f\n{\n";
  text += arguments;
  text += "}\n";
  const auto r = tmf.add_text(text, "t.tmf");
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.failure().message));
  return tmf;
}

const tmf_message& only_message(const tmf_library& tmf) {
  const tmf_message* m = tmf.find(guid::parse("11111111-2222-3333-4444-555555555555").value(), 10);
  REQUIRE(m != nullptr);
  return *m;
}

struct formatted {
  // The library the names in `data` point into: it lives as long as they do.
  std::unique_ptr<const tmf_library> tmf;
  bool ok = false;
  std::string message;
  std::string error;
  event_data data;
};

formatted format_payload(std::string_view format, std::string_view arguments,
                         const testing::bytes& payload, std::uint8_t pointer_size = 8) {
  formatted f;
  f.tmf = std::make_unique<const tmf_library>(library_of(format, arguments));
  wpp_decoder decoder;
  f.ok = decoder.format(only_message(*f.tmf), payload, pointer_size, f.data, f.error);
  const data_item* message = f.data.find("Message");
  REQUIRE(message != nullptr);
  f.message = f.data.text(*message);
  return f;
}

testing::bytes le32(std::uint32_t v) {
  return payload_of({static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8),
                     static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 24)});
}

testing::bytes le64(std::uint64_t v) {
  testing::bytes b = le32(static_cast<std::uint32_t>(v));
  const testing::bytes high = le32(static_cast<std::uint32_t>(v >> 32));
  b.insert(b.end(), high.begin(), high.end());
  return b;
}

testing::bytes cat(std::initializer_list<testing::bytes> parts) {
  testing::bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

}  // namespace

TEST_SUITE("corpus") {
  TEST_CASE("wpp_decoder: every fixture message formats as the expected strings") {
    ETWCAT_REQUIRE_CORPUS();
    const tmf_library tmf = fixture_tmf();
    struct expectation {
      std::string file;
      int count;
      std::vector<std::string> messages;  // all of them
    };
    const std::vector<expectation> files = {
        {"wppstr-sample.etl",
         4,
         {"strtrace name=alpha id=0 tag=END", "strtrace name=bravo id=1 tag=END",
          "strtrace name=charlie id=2 tag=END", "widetrace user=root role=admin"}},
        {"wpptypes-sample.etl",
         5,
         {"sint i=42 neg=-1000 i64=-5000000000",
          "uint u=4000000000 hex=0xabcdef x64=0xdeadbeefcafe",
          "ptr p=00007FF012345678 null=0000000000000000", "widths z=00042 h=0000beef",
          "hr=0x80070005(ERROR_ACCESS_DENIED) st=0xc0000022(STATUS_ACCESS_DENIED) "
          "guid=11223344-5566-7788-99aa-bbccddeeff00"}},
        {"wpptypes2-sample.etl",
         5,
         {"counted a=CountedAnsi w=CountedWide", "sid=S-1-5-18",
          "clsid=aabbccdd-eeff-1122-3344-556677889900 iid=aabbccdd-eeff-1122-3344-556677889900",
          "werr=2(ERROR_FILE_NOT_FOUND) i64X=0xABCDEF i64o=777", "ip=127.0.0.1 port=80"}},
        {"wppenum-sample.etl", 2, {"b=0x00000001(true) irql=0x00000002(DPC)", "set=[1,3]"}},
        {"wppenum2-sample.etl", 1, {"state=StateActive flags=FlagRead | FlagExec(0x5)"}},
        {"wpptime-sample.etl", 2, {"cc=RGBA", "ts=2020-01-01 00:00:00.000Z"}},
        {"wppmisc-sample.etl", 2, {"dbl=3.14062 delta=5.000s", "raw a=RawAnsi w=RawWide"}},
        {"wppbin-sample.etl", 2, {"hex=DEADBEEF00112233", "due=2020-01-01 00:00:00.000Z"}},
        {"wppndis-sample.etl",
         1,
         {"nst=0x4001000b(NDIS_STATUS_MEDIA_CONNECT) noid=0x00010101(OID_GEN_SUPPORTED_LIST)"}},
    };
    for (const expectation& x : files) {
      CAPTURE(x.file);
      const file_result r = decode_file(x.file, &tmf);
      CHECK(r.wpp == x.count);
      CHECK(r.decoded == x.count);
      CHECK(r.exact == x.count);
      CHECK(r.errors.empty());
      CHECK(sorted(r.messages) == sorted(x.messages));
    }
  }

  TEST_CASE(
      "wpp_decoder: WppEmitter traces give 30 work items and 15 details, self-described or not") {
    ETWCAT_REQUIRE_CORPUS();
    const tmf_library tmf = fixture_tmf();
    const file_result sample = decode_file("wppemitter-sample.etl", &tmf);
    CHECK(sample.wpp == 45);
    CHECK(sample.exact == 45);
    CHECK(sorted(sample.messages) == emitter_messages(30));
    CHECK(std::count(sample.messages.begin(), sample.messages.end(),
                     "WppEmitter work item id=27 status=0x1b phase=startup provider=WppEmitter") ==
          1);

    const file_result nonselfdesc = decode_file("wppemitter-nonselfdesc.etl", &tmf);
    CHECK(nonselfdesc.wpp == 30);
    CHECK(nonselfdesc.exact == 30);
    CHECK(sorted(nonselfdesc.messages) == emitter_messages(20));  // WppEmitter.exe 20

    // Its format comes only from provision/: without that TMF nothing decodes.
    const tmf_library without = fixture_tmf(false);
    const file_result bare = decode_file("wppemitter-nonselfdesc.etl", &without);
    CHECK(bare.wpp == 30);
    CHECK(bare.decoded == 0);
    const file_result none = decode_file("wppemitter-sample.etl", nullptr);
    CHECK(none.decoded == 0);
  }

  TEST_CASE("wpp_decoder: event name, provider, comment fields and typed arguments") {
    ETWCAT_REQUIRE_CORPUS();
    one_event work;
    decode_one(work, "wppemitter-sample.etl", 10);
    const event& e = work.e;
    CHECK(e.event_name() == "WppEmitter_cpp36");
    CHECK(e.provider_name == "findneedle");
    CHECK(e.provider_guid.to_string() == "{9B93A332-C452-3E71-64F7-55130C7DE2E4}");
    CHECK(e.event_id == 10);
    CHECK(e.decode_error.empty());
    const auto items = e.data.items();
    REQUIRE(items.size() == 5);
    CHECK(items[0].name == "Message");
    CHECK(e.data.text(items[0]) ==
          "WppEmitter work item id=0 status=0x0 phase=startup provider=WppEmitter");
    CHECK(items[1].name == "Level");
    CHECK(e.data.text(items[1]) == "TRACE_GENERAL");
    CHECK(items[2].name == "Function");
    CHECK(e.data.text(items[2]) == "main");
    CHECK(items[3].name == "i");
    CHECK(items[3].type == data_type::signed_int);
    CHECK(items[3].signed_value == 0);
    CHECK(items[4].name == "(unsigned)(i & 0xff)");
    CHECK(items[4].type == data_type::hex_int);  // printed with %x

    one_event sint;
    decode_one(sint, "wpptypes-sample.etl", 10);
    CHECK(field(sint.e, "(int)-1000").signed_value == -1000);
    CHECK(field(sint.e, "(long long)-5000000000LL").signed_value == -5000000000LL);
    one_event uint;
    decode_one(uint, "wpptypes-sample.etl", 11);
    CHECK(field(uint.e, "(unsigned)4000000000u").type == data_type::unsigned_int);
    CHECK(field(uint.e, "(unsigned)4000000000u").unsigned_value == 4000000000u);
    CHECK(field(uint.e, "(unsigned long long)0xDEADBEEFCAFEULL").unsigned_value ==
          0xDEADBEEFCAFEull);
    one_event ptr;
    decode_one(ptr, "wpptypes-sample.etl", 12);
    CHECK(field(ptr.e, "(void*)(ULONG_PTR)0x7ff012345678ULL").type == data_type::hex_int);
    CHECK(field(ptr.e, "(void*)(ULONG_PTR)0x7ff012345678ULL").unsigned_value == 0x7ff012345678ull);
    one_event status;
    decode_one(status, "wpptypes-sample.etl", 14);
    CHECK(field(status.e, "(HRESULT)E_ACCESSDENIED").unsigned_value == 0x80070005u);
    CHECK(field(status.e, "(HRESULT)E_ACCESSDENIED").hex_digits == 8);
    CHECK(status.e.data.guid_value(field(status.e, "&g")).to_string() ==
          "{11223344-5566-7788-99AA-BBCCDDEEFF00}");

    one_event net;
    decode_one(net, "wpptypes2-sample.etl", 14);
    CHECK(text_of(net.e, "(ULONG)0x0100007F") == "127.0.0.1");
    CHECK(field(net.e, "(USHORT)0x5000").unsigned_value == 80);
    one_event sid;
    decode_one(sid, "wpptypes2-sample.etl", 11);
    CHECK(text_of(sid.e, "(PSID)sidbuf") == "S-1-5-18");
    one_event counted;
    decode_one(counted, "wpptypes2-sample.etl", 10);
    CHECK(text_of(counted.e, "&as") == "CountedAnsi");
    CHECK(text_of(counted.e, "&us") == "CountedWide");

    one_event bin;
    decode_one(bin, "wppbin-sample.etl", 10);
    const data_item& dump = field(bin.e, "WppBinary(data. (USHORT)sizeof(data))");
    CHECK(dump.type == data_type::binary);
    CHECK(bin.e.data.bytes(dump).size() == 8);
    one_event due;
    decode_one(due, "wppbin-sample.etl", 11);
    CHECK(field(due.e, "(LONGLONG)132223104000000000LL").type == data_type::filetime);
    CHECK(field(due.e, "(LONGLONG)132223104000000000LL").unsigned_value == 132223104000000000ull);

    one_event misc;
    decode_one(misc, "wppmisc-sample.etl", 10);
    CHECK(field(misc.e, "3.140625").float_value == 3.140625);
    CHECK(text_of(misc.e, "(LONGLONG)50000000") == "5.000s");
    one_event lists;
    decode_one(lists, "wppenum-sample.etl", 10);
    CHECK(text_of(lists.e, "TRUE") == "0x00000001(true)");
    CHECK(text_of(lists.e, "2 /*DPC*/") == "0x00000002(DPC)");
  }
}

TEST_CASE("wpp_decoder: a truncated argument payload is an error naming field and offset") {
  const std::string args = "name, ItemString -- 10\ni, ItemLong -- 11\n";
  // "alpha\0" and two of the four bytes of i.
  const auto f =
      format_payload("s=%10!s! i=%11!d! end", args, payload_of({'a', 'l', 'p', 'h', 'a', 0, 7, 0}));
  CHECK_FALSE(f.ok);
  CHECK(f.error ==
        "field i (%11 ItemLong) at offset 6: runs past the end of the payload (8 bytes)");
  CHECK(f.message == "s=alpha i= end");  // what was read still prints
  CHECK(f.data.find("name") != nullptr);
  CHECK(f.data.find("i") == nullptr);

  const auto no_nul = format_payload("%10!s!", "n, ItemString -- 10\n", payload_of({'a', 'b'}));
  CHECK(no_nul.error ==
        "field n (%10 ItemString) at offset 0: no NUL before the end of the payload");
  const auto odd = format_payload("%10!s!", "n, ItemWString -- 10\n", payload_of({'a', 0, 'b'}));
  CHECK(odd.error ==
        "field n (%10 ItemWString) at offset 0: no UTF-16 NUL before the end of the payload");
  const auto counted =
      format_payload("%10!s!", "n, ItemPString -- 10\n", payload_of({9, 0, 'a', 'b'}));
  CHECK(counted.error ==
        "field n (%10 ItemPString) at offset 0: runs past the end of the payload (4 bytes)");
  const auto sid = format_payload("%10!s!", "s, ItemSid -- 10\n",
                                  payload_of({1, 200, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0}));
  CHECK(sid.error == "field s (%10 ItemSid) at offset 0: not a SID (more than 15 sub-authorities)");
  const auto unknown = format_payload("%10!s!", "x, ItemFuture -- 10\n", le32(1));
  CHECK(unknown.error ==
        "field x (%10 ItemFuture) at offset 0: item type not known, so neither is its size");
  const auto extra = format_payload("%10!d!", "x, ItemLong -- 10\n", cat({le32(5), le32(6)}));
  CHECK_FALSE(extra.ok);
  CHECK(extra.error == "4 bytes left over after the last argument (offset 4)");
  CHECK(extra.message == "5");
  const auto empty = format_payload("%10!d!", "x, ItemLong -- 10\n", {});
  CHECK(empty.error ==
        "field x (%10 ItemLong) at offset 0: runs past the end of the payload (0 bytes)");
}

TEST_CASE("wpp_decoder: printf conversions follow the format, sizes the item type") {
  const std::string args = "a, ItemLong -- 10\n";
  CHECK(format_payload("%10!d!", args, le32(0xFFFFFFFF)).message == "-1");
  CHECK(format_payload("%10!u!", args, le32(0xFFFFFFFF)).message == "4294967295");
  CHECK(format_payload("%10!X!", args, le32(0xBEEF)).message == "BEEF");
  CHECK(format_payload("%10!#x!", args, le32(0xBEEF)).message == "0xbeef");
  CHECK(format_payload("%10!o!", args, le32(8)).message == "10");
  CHECK(format_payload("%10!+d!", args, le32(5)).message == "+5");
  CHECK(format_payload("[%10!-4d!]", args, le32(5)).message == "[5   ]");
  CHECK(format_payload("[%10!4d!]", args, le32(5)).message == "[   5]");
  CHECK(format_payload("%10!s!", args, le32(0xFFFFFFFE)).message == "-2");  // natural: signed
  CHECK(format_payload("%10", args, le32(7)).message == "7");               // no !fmt!: as %s
  CHECK(format_payload("%10!c!", "c, ItemChar -- 10\n", payload_of({'Q'})).message == "Q");
  CHECK(format_payload("%10!d!", "c, ItemChar -- 10\n", payload_of({0xFF})).message == "-1");
  CHECK(format_payload("%10!hu!", "s, ItemShort -- 10\n", payload_of({0xFF, 0xFF})).message ==
        "65535");
  CHECK(format_payload("%10!p!", "p, ItemPtr -- 10\n", le32(0x1234), 4).message == "00001234");
  CHECK(format_payload("%10!Id!", "p, ItemPtr -- 10\n", le64(~0ull), 8).message == "-1");
  CHECK(format_payload("%10!.2f!", "d, ItemDouble -- 10\n", le64(0x400921FB54442D18ull)).message ==
        "3.14");
  CHECK(format_payload("[%10!-6s!]", "s, ItemString -- 10\n", payload_of({'a', 'b', 0})).message ==
        "[ab    ]");
  CHECK(format_payload("[%10!6s!]", "s, ItemString -- 10\n", payload_of({'a', 'b', 0})).message ==
        "[    ab]");
  CHECK(format_payload("%10!x!", "s, ItemNTSTATUS -- 10\n", le32(0xC0000005)).message ==
        "c0000005");
}

TEST_CASE("wpp_decoder: a 64-bit keyword mask is a hex field whatever the format") {
  // The message keeps the format's decimal; the field is "0x…" as in every decoder. (Item
  // names point into the library, so it outlives the data here.)
  const tmf_library tmf = library_of("%10!I64u! %11!I64u!",
                                     "Session->KeywordMask, ItemULongLong -- 10\n"
                                     "Session->Count, ItemULongLong -- 11\n");
  wpp_decoder decoder;
  event_data data;
  std::string error;
  REQUIRE_MESSAGE(
      decoder.format(only_message(tmf), cat({le64(~0ull), le64(1ull << 60)}), 8, data, error),
      error);
  text_buffer json;
  formats::append_event_data_members(json, data);
  CHECK(json ==
        R"("Message":"18446744073709551615 1152921504606846976","Function":"f",)"
        R"("Session->KeywordMask":"0xFFFFFFFFFFFFFFFF","Session->Count":1152921504606846976)");
}

TEST_CASE("wpp_decoder: status codes, names and unknown codes") {
  CHECK(format_payload("%10!s!", "s, ItemNTSTATUS -- 10\n", le32(0xC0000005)).message ==
        "0xc0000005(STATUS_ACCESS_VIOLATION)");
  CHECK(format_payload("%10!s!", "s, ItemNTSTATUS -- 10\n", le32(0x12345678)).message ==
        "0x12345678");
  CHECK(format_payload("%10!s!", "s, ItemWINERROR -- 10\n", le32(32)).message ==
        "32(ERROR_SHARING_VIOLATION)");
  CHECK(format_payload("%10!s!", "s, ItemWINERROR -- 10\n", le32(0xF0F0F0F0)).message ==
        "4042322160");
  CHECK(format_payload("%10!s!", "s, ItemHRESULT -- 10\n", le32(0x80004003)).message ==
        "0x80004003(E_POINTER)");
  CHECK(format_payload("%10!s!", "s, ItemHRESULT -- 10\n", le32(0x8007007B)).message ==
        "0x8007007b(ERROR_INVALID_NAME)");
  CHECK(format_payload("%10!s!", "s, ItemNDIS_OID -- 10\n", le32(0x12)).message == "0x00000012");
  CHECK(hresult_name(0xD0000022) == "STATUS_ACCESS_DENIED");  // FACILITY_NT_BIT
  CHECK(hresult_name(0x8000FFFF) == "E_UNEXPECTED");
  CHECK(hresult_name(0x80071234).empty());
  CHECK(ndis_status_name(0xC000000D) == "STATUS_INVALID_PARAMETER");
  CHECK(ndis_status_name(0xC0010017) == "NDIS_STATUS_INVALID_OID");
  CHECK(ndis_oid_name(0xFD010101) == "OID_PNP_SET_POWER");
  CHECK(win32_error_name(10054) == "WSAECONNRESET");
  CHECK(win32_error_name(7).empty());
  CHECK(ntstatus_name(0xC0000409) == "STATUS_STACK_BUFFER_OVERRUN");
}

TEST_CASE("wpp_decoder: addresses, times, enumerations and raw strings") {
  const auto ipv6 =
      format_payload("%10!s! %11!s!", "a, ItemIPV6Addr -- 10\nm, ItemMACAddr -- 11\n",
                     payload_of({0x20, 0x01, 0x0d, 0xb8, 0, 0,    0,    0,    0,    0,    0,
                                 0,    0,    0,    0,    1, 0x00, 0x1A, 0x2B, 0x3C, 0x4D, 0x5E}));
  CHECK(ipv6.message == "2001:db8::1 00:1a:2b:3c:4d:5e");
  CHECK(format_payload("%10!s!", "a, ItemIPV6Addr -- 10\n", testing::bytes(16)).message == "::");

  const std::uint64_t minus_five_seconds = 0 - std::uint64_t{50'000'000};
  CHECK(format_payload("%10!s!", "d, ItemTimeDelta -- 10\n", le64(minus_five_seconds)).message ==
        "-5.000s");
  CHECK(format_payload("%10!s!", "w, ItemWaitTime -- 10\n", le64(minus_five_seconds)).message ==
        "5.000s");
  CHECK(format_payload("%10!s!", "t, ItemTimestamp -- 10\n", le64(129402940472257591ull)).message ==
        "2011-01-23 22:07:27.225Z");

  const std::string list = "v, ItemListByte(a,b) -- 10\n";
  CHECK(format_payload("%10!s!", list, payload_of({1})).message == "0x00000001(b)");
  CHECK(format_payload("%10!s!", list, payload_of({7})).message == "0x00000007");
  CHECK(format_payload("%10!s!", "v, ItemSetShort(x,y,z) -- 10\n", payload_of({0xFF, 0xFF}))
            .message == "[x,y,z]");
  CHECK(format_payload("%10!s!", "v, ItemSetByte(x,y) -- 10\n", payload_of({0})).message == "[]");
  // No #enumv table: the number.
  CHECK(format_payload("%10!s! %11!s!", "e, ItemEnum(_NONE) -- 10\nf, ItemFlagsEnum(_NONE) -- 11\n",
                       cat({le32(0xFFFFFFFF), le32(6)}))
            .message == "-1 0x6");

  const auto raw =
      format_payload("[%10!s!][%11!s!]", "a, ItemRString -- 10\nw, ItemRWString -- 11\n",
                     payload_of({'a', '\t', 'b', '\n', ' ', 0, 'x', 0, '\r', 0, 'y', 0, 0, 0}));
  CHECK(raw.message == "[a b][x y]");
  CHECK(format_payload("%10!s!", "c, ItemChar4 -- 10\n", payload_of({'A', 1, 'B', 0x80})).message ==
        "A.B.");
  CHECK(format_payload("%10!s!", "s, ItemWString -- 10\n",
                       payload_of({0xE9, 0, 0x3D, 0xD8, 0x00, 0xDE, 0, 0}))
            .message == "\xC3\xA9\xF0\x9F\x98\x80");  // é and U+1F600
  CHECK(format_payload("%10!s!", "s, ItemString -- 10\n", payload_of({0x80, 0})).message ==
        "\xE2\x82\xAC");  // CP1252 euro sign
}

TEST_CASE("wpp_decoder: decode() renames known messages and leaves the rest alone") {
  namespace f = etl::trace_message_flag;
  const tmf_library tmf = library_of("n=%10!d!", "n, ItemLong -- 10\n");
  auto record_of = [](std::uint16_t number, std::uint16_t flags, const testing::bytes& optional,
                      const testing::bytes& payload) {
    return testing::wpp_record(number, flags, optional, payload);
  };
  testing::byte_writer with_guid;
  with_guid.put(testing::guid_of("11111111-2222-3333-4444-555555555555"));
  const auto known = record_of(10, f::guid | f::pointer32, with_guid.data(), le32(0xFFFFFFFF));
  const auto unknown = record_of(11, f::guid, with_guid.data(), le32(1));
  testing::byte_writer component;
  component.put(std::uint32_t{7});
  const auto by_component = record_of(10, f::component_id, component.data(), le32(1));

  const etl::trace_clock clock;
  wpp_decoder decoder;
  auto run = [&](const testing::bytes& bytes, const tmf_library* library, event& e) {
    etl::record_view v;
    REQUIRE_FALSE(v.parse(bytes, etl::record_origin{}));
    fill_event(v, clock, e);
    return decoder.decode(v, library, e);
  };
  event e;
  REQUIRE(run(known, &tmf, e));
  CHECK(e.event_name() == "t_cpp1");
  CHECK(e.provider_name == "t");
  CHECK(e.payload_decoded);
  CHECK(e.data.text(e.data.items()[0]) == "n=-1");
  CHECK(e.data.find("Function") != nullptr);
  // The same decoder again: its buffers are reused, the result is the same.
  REQUIRE(run(known, &tmf, e));
  CHECK(e.data.items().size() == 3);
  CHECK(e.data.text(e.data.items()[0]) == "n=-1");

  CHECK_FALSE(run(unknown, &tmf, e));
  CHECK(e.event_name() == "EventID(11)");
  CHECK(e.data.empty());
  CHECK_FALSE(run(by_component, &tmf, e));
  CHECK_FALSE(run(known, nullptr, e));
  CHECK(e.event_name() == "EventID(10)");

  // A record cut short: the error names the field, and the event keeps its RawData.
  const auto short_record = record_of(10, f::guid, with_guid.data(), payload_of({1, 2}));
  REQUIRE(run(short_record, &tmf, e));
  CHECK_FALSE(e.payload_decoded);
  CHECK(e.decode_error ==
        "field n (%10 ItemLong) at offset 0: runs past the end of the payload (2 bytes)");
  CHECK(e.raw_data.size() == 2);
}
