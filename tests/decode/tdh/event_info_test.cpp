// Tests for lib/decode/tdh/event_info.h: TRACE_EVENT_INFO and EVENT_MAP_INFO blobs (etl-format.md
// §7.1) built here field by field, broken ones, and the KernelTraceControl MetaData records of
// net.4.5.2.x64.etl (§7.2).
#include "lib/decode/tdh/event_info.h"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "lib/base/diagnostics.h"
#include "lib/etl/file_reader.h"
#include "tests/support/corpus.h"
#include "tests/support/etl_builder.h"

using namespace etwcat;
using namespace etwcat::decode;
using etwcat::testing::byte_writer;
using etwcat::testing::bytes;
using etwcat::testing::put_at;

namespace {

// Builds a TRACE_EVENT_INFO: the fixed part, the properties, then the strings they point to.
struct info_builder {
  guid provider = testing::guid_of("EDD08927-9CC4-4E65-B970-C2560FB5C289");
  guid event_guid;
  std::uint16_t id = 12;
  std::uint8_t version = 1, channel = 16, level = 4, opcode = 0;
  std::uint16_t task = 12;
  std::uint64_t keywords = 0x8000000000000010ULL;
  std::uint32_t decoding_source = 0;
  std::string provider_name = "Microsoft-Windows-Kernel-File";
  std::string level_name = "win:Informational";
  std::string channel_name;
  std::vector<std::string> keyword_names;
  std::string task_name = "Create";
  std::string opcode_name = "win:Info";
  std::string message;
  std::string event_name;  // EventNameOffset (0x5C)

  struct prop {
    std::uint32_t flags = 0;
    std::string name;
    std::uint16_t type_or_start = 0, out_or_members = 0;
    std::string map;
    std::uint16_t count = 1, length = 0;
  };
  std::vector<prop> props;
  std::uint32_t top_level = 0xFFFFFFFF;  // all, unless set

  bytes build() const {
    bytes b(0x70 + 24 * props.size(), std::byte{0});
    auto put_guid = [&](std::size_t at, const guid& g) {
      put_at(b, at, g.data1);
      put_at(b, at + 4, g.data2);
      put_at(b, at + 6, g.data3);
      put_at(b, at + 8, g.data4);
    };
    auto add_string = [&](const std::string& s) -> std::uint32_t {
      if (s.empty()) return 0;
      const auto at = static_cast<std::uint32_t>(b.size());
      byte_writer w;
      w.put_utf16z(s);
      b.insert(b.end(), w.data().begin(), w.data().end());
      return at;
    };
    put_guid(0, provider);
    put_guid(0x10, event_guid);
    put_at(b, 0x20, id);
    put_at(b, 0x22, version);
    put_at(b, 0x23, channel);
    put_at(b, 0x24, level);
    put_at(b, 0x25, opcode);
    put_at(b, 0x26, task);
    put_at(b, 0x28, keywords);
    put_at(b, 0x30, decoding_source);
    put_at(b, 0x34, add_string(provider_name));
    put_at(b, 0x38, add_string(level_name));
    put_at(b, 0x3C, add_string(channel_name));
    if (!keyword_names.empty()) {
      put_at(b, 0x40, static_cast<std::uint32_t>(b.size()));
      byte_writer w;
      for (const auto& k : keyword_names) w.put_utf16z(k);
      w.put(std::uint16_t{0});
      b.insert(b.end(), w.data().begin(), w.data().end());
    }
    put_at(b, 0x44, add_string(task_name));
    put_at(b, 0x48, add_string(opcode_name));
    put_at(b, 0x4C, add_string(message));
    put_at(b, 0x5C, add_string(event_name));
    put_at(b, 0x64, static_cast<std::uint32_t>(props.size()));
    put_at(b, 0x68, top_level == 0xFFFFFFFF ? static_cast<std::uint32_t>(props.size()) : top_level);
    for (std::size_t i = 0; i < props.size(); ++i) {
      const std::size_t at = 0x70 + 24 * i;
      const prop& p = props[i];
      put_at(b, at, p.flags);
      put_at(b, at + 4, add_string(p.name));
      put_at(b, at + 8, p.type_or_start);
      put_at(b, at + 10, p.out_or_members);
      put_at(b, at + 12, add_string(p.map));
      put_at(b, at + 16, p.count);
      put_at(b, at + 18, p.length);
    }
    return b;
  }
};

info_builder::prop scalar(std::string name, in_type in, out_type out = out_type::none) {
  info_builder::prop p;
  p.name = std::move(name);
  p.type_or_start = static_cast<std::uint16_t>(in);
  p.out_or_members = static_cast<std::uint16_t>(out);
  return p;
}

// Builds an EVENT_MAP_INFO: header, entries, then the strings.
bytes map_blob(std::string name, std::uint32_t flag, std::uint32_t value_type,
               std::vector<std::pair<std::uint32_t, std::string>> entries) {
  bytes b(16 + 8 * entries.size(), std::byte{0});
  auto add_string = [&](const std::string& s) {
    const auto at = static_cast<std::uint32_t>(b.size());
    byte_writer w;
    w.put_utf16z(s);
    b.insert(b.end(), w.data().begin(), w.data().end());
    return at;
  };
  put_at(b, 0, add_string(name));
  put_at(b, 4, flag);
  put_at(b, 8, static_cast<std::uint32_t>(entries.size()));
  put_at(b, 12, value_type);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    put_at(b, 16 + 8 * i, add_string(entries[i].second));
    put_at(b, 16 + 8 * i + 4, entries[i].first);
  }
  return b;
}

}  // namespace

TEST_CASE("event_info: a manifest TRACE_EVENT_INFO with every property flag") {
  info_builder in;
  in.keyword_names = {"KERNEL_FILE_KEYWORD_CREATE", "Microsoft-Windows-Kernel-File/Analytic"};
  in.message = "File %7 opened";
  in.channel_name = "Microsoft-Windows-Kernel-File/Analytic";
  in.props = {
      scalar("Irp", in_type::pointer, out_type::hex_int64),       // 0
      scalar("Length", in_type::uint16),                          // 1
      scalar("Name", in_type::unicode_string, out_type::string),  // 2
      scalar("Fixed", in_type::ansi_string),                      // 3
      scalar("Zero", in_type::unicode_string),                    // 4
      scalar("Items", in_type::uint32),                           // 5
      scalar("Values", in_type::uint64),                          // 6
      scalar("Pairs", in_type::null),                             // 7: struct
      scalar("Four", in_type::uint8),                             // 8
      scalar("Mapped", in_type::uint32),                          // 9
      scalar("Custom", in_type::binary),                          // 10
      scalar("A", in_type::uint8),                                // 11 (member)
      scalar("B", in_type::uint8),                                // 12 (member)
  };
  in.props[0].length = 4;  // unreliable for pointers; ignored
  in.props[2].flags = 0x02;
  in.props[2].length = 1;  // length from property 1
  in.props[3].length = 8;  // length without a flag: a fixed char count for strings
  in.props[4].flags = 0x10;
  in.props[4].length = 0;  // ParamFixedLength 0: an empty string, not a NUL-terminated one
  in.props[6].flags = 0x04;
  in.props[6].count = 5;  // count from property 5
  in.props[7].flags = 0x01 | 0x20;
  in.props[7].type_or_start = 11;
  in.props[7].out_or_members = 2;
  in.props[7].count = 3;  // ParamFixedCount
  in.props[8].flags = 0x20;
  in.props[8].count = 1;  // an array of one
  in.props[9].map = "ShareAccessMap";
  in.props[10].flags = 0x80 | 0x10;
  in.props[10].map = "x";  // the offset is a custom schema's, not a map name
  in.props[10].length = 6;
  in.top_level = 11;

  const auto r = read_event_info(in.build());
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.failure().message));
  const event_schema& s = r.value();
  CHECK(s.source == schema_source::manifest);
  CHECK(s.provider_guid == in.provider);
  CHECK(s.event_guid == guid{});
  CHECK(s.provider_name == "Microsoft-Windows-Kernel-File");
  CHECK(s.id == 12);
  CHECK(s.version == 1);
  CHECK(s.channel == 16);
  CHECK(s.level == 4);
  CHECK(s.opcode == 0);
  CHECK(s.task == 12);
  CHECK(s.keywords == 0x8000000000000010ULL);
  CHECK(s.level_name == "Information");
  CHECK(s.channel_name == "Microsoft-Windows-Kernel-File/Analytic");
  CHECK(s.task_name == "Create");
  CHECK(s.opcode_name == "Info");
  CHECK(s.event_name == "Create");
  CHECK(s.message == "File %7 opened");
  CHECK(s.keyword_names == std::vector<std::string>{"KERNEL_FILE_KEYWORD_CREATE",
                                                    "Microsoft-Windows-Kernel-File/Analytic"});
  REQUIRE(s.properties.size() == 13);
  CHECK(s.top_level_count == 11);

  const auto& p = s.properties;
  CHECK(p[0].in == in_type::pointer);
  CHECK(p[0].out == out_type::hex_int64);
  CHECK(p[0].length_from == size_source::none);
  CHECK(p[0].count_from == size_source::none);
  CHECK_FALSE(p[0].is_array);
  CHECK(p[2].length_from == size_source::property);
  CHECK(p[2].length == 1);
  CHECK(p[3].length_from == size_source::fixed);
  CHECK(p[3].length == 8);
  CHECK(p[4].length_from == size_source::fixed);
  CHECK(p[4].length == 0);
  CHECK(p[6].count_from == size_source::property);
  CHECK(p[6].count == 5);
  CHECK(p[6].is_array);
  CHECK(p[7].is_struct);
  CHECK(p[7].first_member == 11);
  CHECK(p[7].member_count == 2);
  CHECK(p[7].count_from == size_source::fixed);
  CHECK(p[7].count == 3);
  CHECK(p[8].count_from == size_source::fixed);
  CHECK(p[8].count == 1);
  CHECK(p[8].is_array);
  CHECK(p[9].map_name == "ShareAccessMap");
  CHECK(p[9].map == nullptr);
  CHECK(p[10].map_name.empty());
  CHECK(p[10].length_from == size_source::fixed);
  CHECK(p[11].name == "A");
}

TEST_CASE("event_info: a count above 1 without flags (CLRStackWalk's Stack)") {
  info_builder in;
  in.props = {scalar("FrameCount", in_type::uint32), scalar("Stack", in_type::pointer),
              scalar("Size", in_type::uint32), scalar("Pair", in_type::uint16)};
  in.props[1].count = 2;  // as the CLR manifest declares it: the real count is FrameCount
  in.props[3].count = 2;  // after a property not named like a count: a fixed count
  const auto r = read_event_info(in.build());
  REQUIRE(r.ok());
  const auto& p = r.value().properties;
  CHECK(p[1].count_from == size_source::property);
  CHECK(p[1].count == 0);
  CHECK(p[1].is_array);
  CHECK(p[3].count_from == size_source::fixed);
  CHECK(p[3].count == 2);
  CHECK(p[3].is_array);
}

TEST_CASE("event_info: event names for manifest, MOF and TraceLogging sources") {
  info_builder in;
  in.opcode = 1;
  in.task_name = "GarbageCollection";
  in.opcode_name = "win:Start";
  CHECK(read_event_info(in.build()).value().event_name == "GarbageCollection/Start");
  in.opcode_name.clear();  // an opcode without a name: the task alone
  CHECK(read_event_info(in.build()).value().event_name == "GarbageCollection");
  in.task_name.clear();  // no task name
  in.id = 1001;
  CHECK(read_event_info(in.build()).value().event_name == "EventID(1001)");

  in.decoding_source = 1;  // MOF: Class/Type, keyed by the event class GUID
  in.event_guid = testing::guid_of("3D6FA8D0-FE05-11D0-9DDA-00C04FD7BA7C");
  in.task_name = "Process";
  in.opcode_name = "Start";
  const auto mof = read_event_info(in.build());
  REQUIRE(mof.ok());
  CHECK(mof.value().source == schema_source::mof);
  CHECK(mof.value().event_guid == in.event_guid);
  CHECK(mof.value().id == 0);
  CHECK(mof.value().event_name == "Process/Start");
  in.task_name.clear();
  CHECK(read_event_info(in.build()).value().event_name == "EventType(1)");

  in.decoding_source = 3;  // TraceLogging: the event name, else the task name (TDH sets both)
  in.task_name = "SomethingHappened";
  CHECK(read_event_info(in.build()).value().event_name == "SomethingHappened");
  in.event_name = "Named";
  CHECK(read_event_info(in.build()).value().event_name == "Named");
}

TEST_CASE("event_info: broken TRACE_EVENT_INFO blobs fail with the offset of the bad field") {
  info_builder in;
  in.props = {scalar("A", in_type::uint32), scalar("B", in_type::uint32)};
  const bytes good = in.build();

  auto failure = [](const bytes& blob) {
    auto r = read_event_info(blob);
    REQUIRE_FALSE(r.ok());
    return r.failure();
  };
  auto e = failure(bytes(good.begin(), good.begin() + 0x6F));
  CHECK(e.message == "TRACE_EVENT_INFO is 111 bytes, less than its 112-byte fixed part");
  CHECK(e.offset == 0);

  bytes b = good;
  put_at(b, 0x64, std::uint32_t{0x10000000});
  e = failure(b);
  CHECK(e.message.starts_with("PropertyCount 268435456 does not fit"));
  CHECK(e.offset == 0x64);

  b = good;
  put_at(b, 0x68, std::uint32_t{3});
  e = failure(b);
  CHECK(e.message == "TopLevelPropertyCount 3 is more than PropertyCount 2");
  CHECK(e.offset == 0x68);

  b = good;
  put_at(b, 0x34, static_cast<std::uint32_t>(b.size() + 2));  // provider name past the end
  e = failure(b);
  CHECK(e.offset == 0x34);
  CHECK(e.message.starts_with("provider name offset"));

  b = good;
  b.resize(b.size() - 2);  // the last string ("opcode name"… or a property name) loses its NUL
  e = failure(b);
  CHECK(e.message.find("is not a terminated string inside the blob") != std::string::npos);

  b = good;
  put_at(b, 0x70, std::uint32_t{0x01});    // property 0 becomes a struct …
  put_at(b, 0x70 + 8, std::uint16_t{1});   // … starting at property 1 …
  put_at(b, 0x70 + 10, std::uint16_t{5});  // … with 5 members: only 2 exist
  e = failure(b);
  CHECK(e.message == "property A: struct members 1+5 lie outside the 2 properties");
  CHECK(e.offset == 0x70 + 8);

  b = good;
  put_at(b, 0x70 + 24, std::uint32_t{0x04});    // property 1 counts from …
  put_at(b, 0x70 + 24 + 16, std::uint16_t{9});  // … property 9
  e = failure(b);
  CHECK(e.message == "property B: count property index 9 is out of range");
  CHECK(e.offset == 0x70 + 24 + 16);
}

TEST_CASE("event_info: EVENT_MAP_INFO value maps, bitmaps and skipped string maps") {
  auto r = read_map_info(map_blob("DnsIpTypeMap", 1, 0, {{0, "static "}, {1, "dynamic  "}}));
  REQUIRE(r.ok());
  CHECK(r.value().name == "DnsIpTypeMap");
  CHECK(r.value().type == value_map::kind::value);
  REQUIRE(r.value().entries.size() == 2);
  CHECK(r.value().entries[0].name == "static");  // trailing spaces trimmed
  CHECK(r.value().entries[1].value == 1);
  CHECK(r.value().entries[1].name == "dynamic");

  r = read_map_info(map_blob("Flags", 2, 0, {{1, "A"}, {0x10, "B"}}));
  REQUIRE(r.ok());
  CHECK(r.value().type == value_map::kind::bitmap);
  CHECK(r.value().entries[1].value == 0x10);

  r = read_map_info(map_blob("WbemFlags", 0x10 | 0x20, 0, {{4, "Four"}}));
  REQUIRE(r.ok());
  CHECK(r.value().type == value_map::kind::bitmap);
  CHECK(r.value().entries.size() == 1);

  // WBEM map keyed by strings (MapEntryValueType 1): nothing value_map can hold.
  r = read_map_info(map_blob("ByName", 0x08, 1, {{0, "x"}}));
  REQUIRE(r.ok());
  CHECK(r.value().entries.empty());

  bytes b = map_blob("M", 1, 0, {{1, "one"}});
  put_at(b, 8, std::uint32_t{1000});
  r = read_map_info(b);
  REQUIRE_FALSE(r.ok());
  CHECK(r.failure().offset == 8);

  // The KernelTraceControl payload: provider GUID first; error offsets count it.
  byte_writer w;
  const guid provider = testing::guid_of("1C95126E-7EEA-49A9-A3FE-A378B03DDB4D");
  w.put(provider.data1).put(provider.data2).put(provider.data3).put(provider.data4);
  w.put_bytes(map_blob("DnsIpTypeMap", 1, 0, {{0, "static"}, {1, "dynamic"}}));
  bytes payload = w.take();
  auto pm = read_event_map_info(payload);
  REQUIRE(pm.ok());
  CHECK(pm.value().first == provider);
  CHECK(pm.value().second.entries.size() == 2);
  put_at(payload, 16 + 16, std::uint32_t{0xFFFF});  // first entry's name offset
  pm = read_event_map_info(payload);
  REQUIRE_FALSE(pm.ok());
  CHECK(pm.failure().offset == 32);
  CHECK_FALSE(read_event_map_info(bytes(15)).ok());
}

TEST_SUITE("corpus") {
  TEST_CASE("event_info: the MetaData records of net.4.5.2.x64.etl all parse") {
    ETWCAT_REQUIRE_CORPUS();
    diagnostics diags;
    auto reader = etl::file_reader::open(testing::corpus_file("perfview/net.4.5.2.x64.etl"), diags);
    REQUIRE(reader.ok());
    etl::record_view r;
    std::map<etl::header_kind, int> infos, maps;
    std::map<std::string, event_schema> by_name;  // "provider/event name/version"
    std::map<std::string, value_map> map_by_name;
    while (reader.value().next(r)) {
      if (r.header_guid() != event_metadata_guid) continue;
      if (r.opcode() == event_info_opcode) {
        ++infos[r.kind()];
        auto s = read_event_info(r.payload());
        REQUIRE_MESSAGE(s.ok(), s.failure().message);
        by_name[s.value().provider_name + "/" + s.value().event_name + "/" +
                std::to_string(s.value().version)] = s.value();
      } else if (r.opcode() == event_map_info_opcode) {
        ++maps[r.kind()];
        auto m = read_event_map_info(r.payload());
        REQUIRE_MESSAGE(m.ok(), m.failure().message);
        map_by_name[m.value().first.to_string() + m.value().second.name] = m.value().second;
      }
    }
    // etl-format.md §7.2: 44+17 EventInfo and 14+10 EventMapInfo records.
    CHECK(infos[etl::header_kind::full_header64] == 44);
    CHECK(infos[etl::header_kind::full_header32] == 17);
    CHECK(maps[etl::header_kind::full_header64] + maps[etl::header_kind::full_header32] == 24);
    CHECK(by_name.size() == 61);

    const event_schema& create = by_name.at("Microsoft-Windows-Kernel-File/Create/1");
    CHECK(create.provider_guid.to_string() == "{EDD08927-9CC4-4E65-B970-C2560FB5C289}");
    CHECK(create.id == 12);
    CHECK(create.task == 12);
    CHECK(create.opcode_name == "Info");
    CHECK(create.level_name == "Information");
    CHECK(create.top_level_count == 7);
    const std::vector<std::pair<std::string, in_type>> create_fields = {
        {"Irp", in_type::pointer},
        {"FileObject", in_type::pointer},
        {"IssuingThreadId", in_type::uint32},
        {"CreateOptions", in_type::uint32},
        {"CreateAttributes", in_type::uint32},
        {"ShareAccess", in_type::uint32},
        {"FileName", in_type::unicode_string}};
    REQUIRE(create.properties.size() == create_fields.size());
    for (std::size_t i = 0; i < create_fields.size(); ++i) {
      CAPTURE(i);
      CHECK(create.properties[i].name == create_fields[i].first);
      CHECK(create.properties[i].in == create_fields[i].second);
    }
    CHECK(create.properties[3].out == out_type::hex_int32);
    CHECK(create.properties[0].out == out_type::hex_int64);
    CHECK(create.keyword_names ==
          std::vector<std::string>{"KERNEL_FILE_KEYWORD_FILEIO", "KERNEL_FILE_KEYWORD_CREATE"});

    const event_schema& dns = by_name.at("Microsoft-Windows-DNS-Client/DnsServerForInterface/0");
    CHECK(dns.id == 1001);
    CHECK(dns.message.starts_with("Interface: %1 Total DNS Server Count: %2"));
    REQUIRE(dns.properties.size() == 6);
    CHECK(dns.properties[3].name == "DynamicAddress");
    CHECK(dns.properties[3].map_name == "DnsIpTypeMap");
    CHECK(dns.properties[5].name == "Address");
    CHECK(dns.properties[5].in == in_type::binary);
    CHECK(dns.properties[5].out == out_type::socket_address);
    CHECK(dns.properties[5].length_from == size_source::property);
    CHECK(dns.properties[5].length == 4);  // AddressLength

    // The §7.3 anomaly: Stack says count 2 with no flag; FrameCount holds the count.
    const event_schema& walk =
        by_name.at("Microsoft-Windows-DotNETRuntime/CLRStack/CLRStackWalk/0");
    REQUIRE(walk.properties.size() == 5);
    CHECK(walk.properties[3].name == "FrameCount");
    CHECK(walk.properties[4].count_from == size_source::property);
    CHECK(walk.properties[4].count == 3);

    const event_schema& bulk = by_name.at("Microsoft-Windows-DotNETRuntime/Type/BulkType/0");
    CHECK(bulk.top_level_count == 3);
    REQUIRE(bulk.properties.size() == 11);
    CHECK(bulk.properties[2].name == "Values");
    CHECK(bulk.properties[2].is_struct);
    CHECK(bulk.properties[2].first_member == 3);
    CHECK(bulk.properties[2].member_count == 8);
    CHECK(bulk.properties[2].count_from == size_source::property);
    CHECK(bulk.properties[2].count == 0);  // Count
    CHECK(bulk.properties[10].name == "TypeParameters");
    CHECK(bulk.properties[10].count == 9);  // TypeParameterCount

    const value_map& ip = map_by_name.at("{1C95126E-7EEA-49A9-A3FE-A378B03DDB4D}DnsIpTypeMap");
    CHECK(ip.type == value_map::kind::value);
    REQUIRE(ip.entries.size() == 2);
    CHECK(ip.entries[0].value == 0);
    CHECK(ip.entries[0].name == "static");
    CHECK(ip.entries[1].name == "dynamic");
    const value_map& thrown =
        map_by_name.at("{E13C0D23-CCBC-4E12-931B-D9CC2EEE27E4}ExceptionThrownFlagsMap");
    CHECK(thrown.type == value_map::kind::bitmap);
    REQUIRE(thrown.entries.size() == 5);
    CHECK(thrown.entries[4].value == 0x10);
    CHECK(thrown.entries[4].name == "CLSCompliant");
  }
}
