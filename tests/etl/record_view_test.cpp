// Tests for lib/etl/record_view.h and lib/etl/kernel_groups.h on synthesized records: every
// header kind of etl-format.md §2, extended items (§4) and WPP optional fields (§2.7).
#include "lib/etl/record_view.h"

#include <doctest/doctest.h>

#include "lib/etl/kernel_groups.h"
#include "tests/support/etl_builder.h"

using namespace etwcat::etl;
using namespace etwcat::testing;

namespace {

record_view parsed(const bytes& record) {
  record_view v;
  const auto bad = v.parse(record, record_origin{});
  REQUIRE_MESSAGE(!bad, (bad ? bad->message : std::string()));
  return v;
}

}  // namespace

TEST_CASE("record_view: frames the header kinds from the marker") {
  struct row {
    std::uint8_t type;
    header_kind kind;
    std::size_t min;
  };
  const row rows[] = {
      {0x01, header_kind::system32, 0x20},       {0x02, header_kind::system64, 0x20},
      {0x03, header_kind::compact32, 0x18},      {0x04, header_kind::compact64, 0x18},
      {0x0A, header_kind::full_header32, 0x30},  {0x14, header_kind::full_header64, 0x30},
      {0x0B, header_kind::instance32, 0x48},     {0x15, header_kind::instance64, 0x48},
      {0x10, header_kind::perfinfo32, 0x10},     {0x11, header_kind::perfinfo64, 0x10},
      {0x12, header_kind::event_header32, 0x50}, {0x13, header_kind::event_header64, 0x50},
  };
  for (const auto& r : rows) {
    CAPTURE(int{r.type});
    // Kernel kinds keep Size at +4, the others at +0: write 0x0123 in both places.
    const bytes data = payload_of(
        {0x23, 0x01, r.type, 0xC0, 0x23, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
         0,    0,    0,      0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
         0,    0,    0,      0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
         0,    0,    0,      0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    const auto f = frame_record(data);
    CHECK(f.state == record_frame::status::ok);
    CHECK(f.kind == r.kind);
    CHECK(f.min_size == r.min);
    CHECK(f.size == 0x123);
  }
  const auto wpp = frame_record(payload_of({45, 0, 0, 0x90, 10, 0, 0xAA, 0}));
  CHECK(wpp.state == record_frame::status::ok);
  CHECK(wpp.kind == header_kind::wpp_message);
  CHECK(wpp.size == 45);
}

TEST_CASE("record_view: 0xFFFFFFFF ends the data, unknown markers are reported as such") {
  CHECK(frame_record(payload_of({0xFF, 0xFF, 0xFF, 0xFF})).state ==
        record_frame::status::end_of_data);
  CHECK(frame_record(payload_of({0, 0, 0, 0, 0, 0, 0, 0})).state ==
        record_frame::status::unknown_marker);
  // TIMED/ERROR/WNODE/MESSAGE fixed types have no known layout.
  for (int t : {0x0C, 0x0D, 0x0E, 0x0F, 0x16, 0xFF}) {
    CHECK(
        frame_record(payload_of({0x50, 0, static_cast<std::uint8_t>(t), 0xC0, 0, 0, 0, 0})).state ==
        record_frame::status::unknown_marker);
  }
  CHECK(frame_record(payload_of({0x01, 0x00})).state == record_frame::status::short_data);
  // A SYSTEM marker with only 8 bytes left: fewer than its 0x20-byte header.
  CHECK(frame_record(payload_of({2, 0, 2, 0xC0, 0x20, 0, 0, 0})).state ==
        record_frame::status::short_data);
}

TEST_CASE("record_view: parses a SYSTEM64 header") {
  system_trace_header h{};
  h.version = 3;
  h.header_type = header_type::system64;
  h.type = 1;
  h.group = 5;
  h.thread_id = 77;
  h.process_id = 88;
  h.system_time = 0x1122334455667788;
  h.kernel_time = 5;
  h.user_time = 6;
  const auto rec = system_record(h, payload_of({1, 2, 3}));
  const auto v = parsed(rec);
  CHECK(v.kind() == header_kind::system64);
  CHECK(v.pointer_size() == 8);
  CHECK(v.size() == 0x23);
  CHECK(v.header_size() == 0x20);
  CHECK(v.payload().size() == 3);
  CHECK(v.group() == 5);
  CHECK(v.opcode() == 1);
  CHECK(v.version() == 3);
  CHECK(v.thread_id() == 77);
  CHECK(v.process_id() == 88);
  CHECK(v.timestamp() == 0x1122334455667788u);
  CHECK(v.has_cpu_times());
  CHECK(v.kernel_time() == 5);
  CHECK(v.user_time() == 6);
  CHECK(v.provider_guid() == guid_of("3d6fa8d1-fe05-11d0-9dda-00c04fd7ba7c"));  // Thread
}

TEST_CASE("record_view: a COMPACT header has ids but no cpu times") {
  system_trace_header h{};
  h.version = 2;
  h.header_type = header_type::compact32;
  h.group = 3;
  h.type = 10;
  h.thread_id = 1;
  h.process_id = 2;
  h.system_time = 99;
  const auto v_bytes = system_record(h, filler(8));
  const auto v = parsed(v_bytes);
  CHECK(v.kind() == header_kind::compact32);
  CHECK(v.pointer_size() == 4);
  CHECK(v.header_size() == 0x18);
  CHECK(v.payload().size() == 8);
  CHECK(v.has_thread_and_process());
  CHECK_FALSE(v.has_cpu_times());
  CHECK(v.timestamp() == 99);
  // Process group, type 10 = image load: the ImageLoad class.
  CHECK(v.provider_guid() == guid_of("2cb15d1d-5fc1-11d2-abe1-00a0c911f518"));
}

TEST_CASE("record_view: a PERFINFO header skips the PEBS and PMC extension") {
  perfinfo_trace_header h{};
  h.version = 2 | perfinfo_pebs_flag | 0x0200;  // PEBS index + 2 PMC counters
  h.header_type = header_type::perfinfo64;
  h.group = 0x0F;
  h.type = 46;
  h.timestamp = 1234;
  const auto v_bytes = perfinfo_record(h, filler(16), filler(24, 0));
  const auto v = parsed(v_bytes);
  CHECK(v.kind() == header_kind::perfinfo64);
  CHECK(v.version() == 2);
  CHECK(v.header_size() == 0x10 + 24);
  CHECK(v.payload().size() == 16);
  CHECK(v.payload()[0] == std::byte{0xAB});
  CHECK_FALSE(v.has_thread_and_process());
  CHECK(v.timestamp() == 1234);

  // An extension that does not fit is an error, not an over-read.
  perfinfo_trace_header big = h;
  big.version = 2 | 0x0700;  // 7 counters = 56 bytes, record has 8
  record_view bad;
  CHECK(bad.parse(perfinfo_record(big, filler(8)), record_origin{}));
}

TEST_CASE("record_view: a FULL_HEADER32 gives the class GUID and pointer size 4") {
  event_trace_header h{};
  h.header_type = header_type::full_header32;
  h.type = 2;
  h.level = 4;
  h.version = 1;
  h.thread_id = 10;
  h.process_id = 20;
  h.timestamp = 30;
  h.class_guid = guid_of("393da8c0-dbed-11d2-895b-00c04f79ab69");
  h.kernel_time = 0x10;
  h.user_time = 0x20;
  const auto v_bytes = full_record(h, filler(5));
  const auto v = parsed(v_bytes);
  CHECK(v.kind() == header_kind::full_header32);
  CHECK(v.pointer_size() == 4);
  CHECK(v.header_size() == 0x30);
  CHECK(v.payload().size() == 5);
  CHECK(v.opcode() == 2);
  CHECK(v.level() == 4);
  CHECK(v.version() == 1);
  CHECK(v.provider_guid() == h.class_guid);
  CHECK(v.processor_time() == 0x0000002000000010u);
}

TEST_CASE("record_view: an INSTANCE header gives instance ids and the parent GUID") {
  event_instance_guid_header h{};
  h.base.header_type = header_type::instance64;
  h.base.class_guid = guid_of("11111111-2222-3333-4444-555555555555");
  h.instance_id = 7;
  h.parent_instance_id = 8;
  h.parent_guid = guid_of("99999999-2222-3333-4444-555555555555");
  const auto v_bytes = instance_record(h, filler(4));
  const auto v = parsed(v_bytes);
  CHECK(v.kind() == header_kind::instance64);
  CHECK(v.header_size() == 0x48);
  CHECK(v.instance_id() == 7);
  CHECK(v.parent_instance_id() == 8);
  CHECK(v.parent_guid() == h.parent_guid);
  CHECK(v.header_guid() == h.base.class_guid);
}

TEST_CASE("record_view: EVENT_HEADER with two extended items puts the payload after them") {
  event_header h{};
  h.header_type = header_type::event_header64;
  h.thread_id = 4;
  h.process_id = 5;
  h.timestamp = 6;
  h.provider_id = guid_of("dd5ef90a-6398-47a4-ad34-4dcecdef795f");
  h.descriptor = event_descriptor{21, 0, 16, 4, 28, 4, 0x8000000000000010};
  h.kernel_time = 677443;
  h.activity_id = guid_of("00000100-0000-0003-193d-42fb30bbcb01");
  const std::vector<ext_item> items = {{ext_type::related_activityid, filler(16, 0x11)},
                                       {ext_type::stack_trace64, filler(8 + 3 * 8, 0x22)},
                                       {ext_type::ts_id, filler(4, 0x33)}};
  const auto v_bytes = event_record(h, filler(7, 0x44), items);
  const auto v = parsed(v_bytes);
  CHECK(v.kind() == header_kind::event_header64);
  CHECK(v.event_id() == 21);
  CHECK(v.descriptor().channel == 16);
  CHECK(v.descriptor().task == 4);
  CHECK(v.descriptor().keyword == 0x8000000000000010u);
  CHECK(v.opcode() == 28);
  CHECK(v.level() == 4);
  CHECK(v.processor_time() == 677443);
  CHECK(v.activity_id() == h.activity_id);
  CHECK(v.flags() == event_header_flag::extended_info);
  CHECK(v.header_size() == 0x50 + 24 + 40 + 16);
  REQUIRE(v.payload().size() == 7);
  CHECK(v.payload()[0] == std::byte{0x44});
  std::vector<std::uint16_t> types;
  std::vector<std::size_t> sizes;
  for (const auto& item : v.extended_items()) {
    types.push_back(item.type);
    sizes.push_back(item.data.size());
  }
  CHECK(types == std::vector<std::uint16_t>{1, 6, 3});
  CHECK(sizes == std::vector<std::size_t>{16, 32, 4});
}

TEST_CASE("record_view: EVENT_HEADER32 still has an 80-byte header") {
  event_header h{};
  h.header_type = header_type::event_header32;
  const auto v_bytes = event_record(h, filler(12));
  const auto v = parsed(v_bytes);
  CHECK(v.kind() == header_kind::event_header32);
  CHECK(v.pointer_size() == 4);
  CHECK(v.header_size() == 0x50);
  CHECK(v.extended_items().empty());
}

TEST_CASE("record_view: rejects extended items that do not fit") {
  event_header h{};
  h.header_type = header_type::event_header64;
  auto rec = event_record(h, filler(4), {{ext_type::ts_id, filler(4)}});
  SUBCASE("item size 0") {
    rec[0x50] = std::byte{0};
    record_view v;
    const auto bad = v.parse(rec, record_origin{});
    REQUIRE(bad);
    CHECK(bad->offset == 0x50);
  }
  SUBCASE("item runs past the record end") {
    rec[0x50] = std::byte{0x40};
    record_view v;
    CHECK(v.parse(rec, record_origin{}));
  }
  SUBCASE("linkage says more follow, but the record ends") {
    rec[0x54] = std::byte{1};
    record_view v;
    CHECK(v.parse(rec, record_origin{}));
  }
  SUBCASE("data size larger than the item") {
    rec[0x56] = std::byte{0x20};
    record_view v;
    CHECK(v.parse(rec, record_origin{}));
  }
}

TEST_CASE("record_view: WPP optional fields follow the option flags") {
  namespace f = trace_message_flag;
  byte_writer opt;
  opt.put(std::uint32_t{42});                                // sequence
  opt.put(guid_of("744151fd-b3f4-32e6-38eb-0fd11e3fb62d"));  // GUID
  opt.put(std::uint64_t{5000});                              // timestamp
  opt.put(std::uint32_t{111}).put(std::uint32_t{222});       // TID, PID
  const auto v_bytes =
      wpp_record(10, f::sequence | f::guid | f::timestamp | f::system_info | f::pointer32,
                 opt.data(), filler(5));
  const auto v = parsed(v_bytes);
  CHECK(v.kind() == header_kind::wpp_message);
  CHECK(v.message_number() == 10);
  CHECK(v.sequence() == 42);
  CHECK(v.header_guid() == guid_of("744151fd-b3f4-32e6-38eb-0fd11e3fb62d"));
  CHECK(v.timestamp() == 5000);
  CHECK(v.has_timestamp());
  CHECK(v.thread_id() == 111);
  CHECK(v.process_id() == 222);
  CHECK(v.pointer_size() == 4);
  CHECK(v.header_size() == 8 + 4 + 16 + 8 + 8);
  CHECK(v.payload().size() == 5);

  byte_writer comp;
  comp.put(std::uint32_t{9});
  const auto c_bytes = wpp_record(3, f::component_id, comp.data(), filler(2));
  const auto c = parsed(c_bytes);
  CHECK(c.component_id() == 9);
  CHECK_FALSE(c.has_timestamp());
  CHECK_FALSE(c.has_thread_and_process());
  CHECK(c.pointer_size() == 8);  // no POINTER flag: the default
  CHECK(c.header_size() == 12);
}

TEST_CASE("record_view: WPP fields past the record end are an error") {
  namespace f = trace_message_flag;
  record_view v;
  const auto bad = v.parse(wpp_record(1, f::guid | f::timestamp, filler(10)), record_origin{});
  REQUIRE(bad);
  CHECK(bad->message.find("past") != std::string::npos);
}

TEST_CASE("kernel_groups: maps groups to class GUIDs, Process type 10 to ImageLoad") {
  CHECK(kernel_group_guid(0x00, 0) == guid_of("68fdd900-4a3e-11d1-84f4-0000f80464e3"));
  CHECK(kernel_group_guid(0x01, 10) == guid_of("3d6fa8d4-fe05-11d0-9dda-00c04fd7ba7c"));
  CHECK(kernel_group_guid(0x03, 1) == guid_of("3d6fa8d0-fe05-11d0-9dda-00c04fd7ba7c"));
  CHECK(kernel_group_guid(0x03, 10) == guid_of("2cb15d1d-5fc1-11d2-abe1-00a0c911f518"));
  CHECK(kernel_group_guid(0x06, 26) == guid_of("9a280ac0-c8e0-11d1-84e2-00c04fb998a2"));
  CHECK(kernel_group_guid(0x14, 3) == guid_of("2cb15d1d-5fc1-11d2-abe1-00a0c911f518"));
  CHECK(kernel_group_guid(0x18, 32) == guid_of("def2fe46-7bd6-4b80-bd94-f57fe20d0ce3"));
  CHECK(kernel_group_guid(0x1E, 0) == guid_of("2ce9a149-effe-42f0-a635-a1d39e26c8f2"));
  CHECK(kernel_group_guid(0x1F, 0) == etwcat::guid{});
  CHECK(kernel_group_guid(0xFF, 0) == etwcat::guid{});
  CHECK(kernel_group_name(0x05) == "Thread");
  CHECK(kernel_group_name(0x40).empty());
}
