// Tests for lib/event/record_event.h on synthesized records of every header kind: TraceEvent
// kernel names, classic and manifest identity, extended items (etl-format.md §4) and WPP.
#include "lib/event/record_event.h"

#include <doctest/doctest.h>

#include <array>
#include <string>

#include "tests/support/etl_builder.h"

using namespace etwcat;
using namespace etwcat::testing;
using etl::record_origin;
using etl::record_view;
using etl::trace_clock;

namespace {

// The identity clock: raw timestamps are FILETIMEs.
const trace_clock identity_clock;

record_view parsed(const bytes& record, std::uint16_t processor = 0) {
  record_view v;
  record_origin origin;
  origin.processor = processor;
  const auto bad = v.parse(record, origin);
  REQUIRE_MESSAGE(!bad, (bad ? bad->message : std::string()));
  return v;
}

bytes kernel_record(std::uint8_t header_type, std::uint8_t group, std::uint8_t type,
                    std::size_t payload = 0) {
  etl::system_trace_header h{};
  h.version = 2;
  h.header_type = header_type;
  h.marker_flags = 0xC0;
  h.group = group;
  h.type = type;
  h.thread_id = 8;
  h.process_id = 4;
  h.system_time = 1000;
  h.kernel_time = 15;
  h.user_time = 31;
  return system_record(h, filler(payload));
}

std::string name_of(std::uint8_t group, std::uint8_t type) {
  const auto bytes = kernel_record(etl::header_type::system64, group, type);
  event e;
  fill_event(parsed(bytes), identity_clock, e);
  return std::string(e.event_name());
}

}  // namespace

TEST_CASE("record_event: kernel records are named Class/Type as TraceEvent names them") {
  CHECK(name_of(0x03, 1) == "Process/Start");
  CHECK(name_of(0x03, 2) == "Process/Stop");
  CHECK(name_of(0x03, 3) == "Process/DCStart");
  CHECK(name_of(0x03, 4) == "Process/DCStop");
  CHECK(name_of(0x03, 10) == "Image/Load");
  CHECK(name_of(0x05, 1) == "Thread/Start");
  CHECK(name_of(0x05, 36) == "Thread/CSwitch");
  CHECK(name_of(0x14, 2) == "Image/Unload");
  CHECK(name_of(0x14, 3) == "Image/DCStart");
  CHECK(name_of(0x01, 10) == "DiskIO/Read");
  CHECK(name_of(0x01, 11) == "DiskIO/Write");
  CHECK(name_of(0x06, 10) == "TcpIp/Send");
  CHECK(name_of(0x06, 15) == "TcpIp/Accept");
  CHECK(name_of(0x06, 26) == "TcpIp/SendIPV6");
  CHECK(name_of(0x06, 27) == "TcpIp/RecvIPV6");
  CHECK(name_of(0x0F, 46) == "PerfInfo/Sample");
  CHECK(name_of(0x02, 32) == "Memory/HardFault");
  CHECK(name_of(0x02, 10) == "PageFault/TransitionFault");
}

TEST_CASE("record_event: type 0 is the class alone, unknown types and groups are numbered") {
  CHECK(name_of(0x00, 0) == "EventTrace");
  CHECK(name_of(0x03, 0) == "Process");
  CHECK(name_of(0x03, 45) == "Process/Opcode(45)");
  CHECK(name_of(0x1F, 7) == "Group(31)/Opcode(7)");
}

TEST_CASE("record_event: a SYSTEM64 record fills provider, execution and Classic") {
  const auto bytes = kernel_record(etl::header_type::system64, 0x03, 1, 5);
  event e;
  fill_event(parsed(bytes, 2), trace_clock(129'402'940'000'000'000, 0, 10'000'000), e);
  CHECK(e.provider_name == "Windows Kernel");
  CHECK(e.provider_guid.to_string() == "{3D6FA8D0-FE05-11D0-9DDA-00C04FD7BA7C}");
  CHECK_FALSE(e.has_event_id);
  CHECK(e.has_version);
  CHECK(e.version == 2);
  CHECK(e.has_opcode);
  CHECK(e.opcode == 1);
  CHECK_FALSE(e.has_level);
  CHECK(e.has_time);
  CHECK(e.time_created == 129'402'940'000'001'000);
  CHECK(e.process_id == 4);
  CHECK(e.thread_id == 8);
  CHECK(e.processor_id == 2);
  CHECK(e.cpu_times == cpu_time_kind::kernel_user);
  CHECK(e.kernel_time == 15);
  CHECK(e.user_time == 31);
  CHECK(e.is_classic);
  CHECK(e.group_name == "Process");
  CHECK(e.classic_type == 1);
  CHECK(e.header_type == "SYSTEM64");
  CHECK(e.raw_data.size() == 5);
  // Process type 10 is an image load: the Image class GUID.
  const auto load = kernel_record(etl::header_type::system64, 0x03, 10);
  fill_event(parsed(load), identity_clock, e);
  CHECK(e.provider_guid.to_string() == "{2CB15D1D-5FC1-11D2-ABE1-00A0C911F518}");
}

TEST_CASE("record_event: COMPACT has no CPU times and PERFINFO no ids") {
  event e;
  const auto compact = kernel_record(etl::header_type::compact64, 0x05, 36);
  fill_event(parsed(compact), identity_clock, e);
  CHECK(e.header_type == "COMPACT64");
  CHECK(e.has_process_and_thread);
  CHECK(e.cpu_times == cpu_time_kind::none);

  etl::perfinfo_trace_header p{};
  p.version = 2;
  p.header_type = etl::header_type::perfinfo64;
  p.marker_flags = 0xC0;
  p.group = 0x0F;
  p.type = 46;
  p.timestamp = 77;
  const auto perfinfo = perfinfo_record(p, filler(16));
  fill_event(parsed(perfinfo), identity_clock, e);
  CHECK(e.event_name() == "PerfInfo/Sample");
  CHECK(e.header_type == "PERFINFO64");
  CHECK_FALSE(e.has_process_and_thread);
  CHECK(e.cpu_times == cpu_time_kind::none);
  CHECK(e.time_created == 77);
  CHECK(e.raw_data.size() == 16);
}

TEST_CASE("record_event: a MOF FULL_HEADER record is EventType(N) with its class GUID") {
  etl::event_trace_header h{};
  h.header_type = etl::header_type::full_header32;
  h.marker_flags = 0xC0;
  h.type = 2;
  h.level = 4;
  h.version = 1;
  h.timestamp = 30;
  h.class_guid = guid_of("393da8c0-dbed-11d2-895b-00c04f79ab69");
  const auto bytes = full_record(h, filler(5));
  event e;
  fill_event(parsed(bytes), identity_clock, e);
  CHECK(e.provider_name.empty());
  CHECK(e.provider_guid.to_string() == "{393DA8C0-DBED-11D2-895B-00C04F79AB69}");
  CHECK(e.event_name() == "EventType(2)");
  CHECK(e.has_level);
  CHECK(e.level_name == "Information");
  CHECK(e.is_classic);
  CHECK_FALSE(e.has_group);
  CHECK(e.header_type == "FULL_HEADER32");
}

TEST_CASE("record_event: a kernel class GUID in a FULL header is named as a kernel event") {
  etl::event_trace_header h{};
  h.header_type = etl::header_type::full_header64;
  h.marker_flags = 0xC0;
  h.type = 36;
  h.class_guid = guid_of("3d6fa8d1-fe05-11d0-9dda-00c04fd7ba7c");  // Thread
  const auto bytes = full_record(h);
  event e;
  fill_event(parsed(bytes), identity_clock, e);
  CHECK(e.provider_name == "Windows Kernel");
  CHECK(e.event_name() == "Thread/CSwitch");
  CHECK(e.group_name == "Thread");
}

TEST_CASE("record_event: EVENT_HEADER descriptor, activity id and extended items") {
  etl::event_header h{};
  h.header_type = etl::header_type::event_header64;
  h.thread_id = 4;
  h.process_id = 5;
  h.timestamp = 6;
  h.provider_id = guid_of("dd5ef90a-6398-47a4-ad34-4dcecdef795f");
  h.descriptor = etl::event_descriptor{21, 1, 16, 4, 28, 4, 0x8000000000000010};
  h.kernel_time = 677443;
  h.flags = etl::event_header_flag::private_session;
  h.activity_id = guid_of("00000100-0000-0003-193d-42fb30bbcb01");

  byte_writer related;
  related.put(guid_of("11111111-2222-3333-4444-555555555555"));
  byte_writer stack;
  stack.put(std::uint64_t{9}).put(std::uint64_t{0x7FF612345678}).put(std::uint64_t{0x10});
  // S-1-5-21-1-2-3: revision 1, 4 sub-authorities, authority 5 (big-endian 48-bit).
  byte_writer sid;
  sid.put(std::uint8_t{1}).put(std::uint8_t{4});
  sid.put_bytes(payload_of({0, 0, 0, 0, 0, 5}));
  sid.put(std::uint32_t{21}).put(std::uint32_t{1}).put(std::uint32_t{2}).put(std::uint32_t{3});
  byte_writer key;
  key.put(std::uint64_t{0xABCDEF});
  const std::vector<ext_item> items = {
      {etl::ext_type::related_activityid, related.take()},
      {etl::ext_type::sid, sid.take()},
      {etl::ext_type::ts_id, payload_of({2, 0, 0, 0})},
      {etl::ext_type::stack_trace64, stack.take()},
      {etl::ext_type::event_key, key.take()},
      {etl::ext_type::event_schema_tl, filler(12)},  // metadata: not in the output
      {etl::ext_type::pmc_counters, payload_of({1, 2, 3, 4, 5, 6, 7, 8})},
      {etl::ext_type::container_id, payload_of({'{', 'c', '}', 0})},
  };
  const auto bytes = event_record(h, filler(7, 0x44), items);
  event e;
  fill_event(parsed(bytes, 1), identity_clock, e);
  CHECK(e.provider_name.empty());
  CHECK(e.provider_guid.to_string() == "{DD5EF90A-6398-47A4-AD34-4DCECDEF795F}");
  CHECK(e.event_id == 21);
  CHECK(e.version == 1);
  CHECK(e.channel == 16);
  CHECK(e.level == 4);
  CHECK(e.opcode == 28);
  CHECK(e.task == 4);
  CHECK(e.keywords == 0x8000000000000010u);
  CHECK(e.event_name() == "EventID(21)");
  CHECK(e.has_activity_id);
  CHECK(e.activity_id.to_string() == "{00000100-0000-0003-193D-42FB30BBCB01}");
  CHECK(e.has_related_activity_id);
  CHECK(e.related_activity_id.to_string() == "{11111111-2222-3333-4444-555555555555}");
  CHECK(e.cpu_times == cpu_time_kind::processor);
  CHECK(e.processor_time == 677443);
  CHECK(e.processor_id == 1);
  CHECK(e.sid() == "S-1-5-21-1-2-3");
  CHECK(e.terminal_session_id == 2);
  REQUIRE(e.has_stack_trace);
  CHECK(e.stack.match_id == 9);
  REQUIRE(e.stack.count() == 2);
  CHECK(e.stack.address(0) == 0x7FF612345678u);
  CHECK(e.stack.address(1) == 0x10u);
  CHECK(e.event_key == 0xABCDEFu);
  CHECK(e.container_id == "{c}");
  REQUIRE(e.other_items.size() == 1);
  CHECK(e.other_items[0].type == etl::ext_type::pmc_counters);
  CHECK(e.other_items[0].data.size() == 8);
  CHECK(e.raw_data.size() == 7);
  CHECK_FALSE(e.is_classic);

  // Reused for the next record: nothing of the previous event stays.
  etl::event_header plain{};
  plain.header_type = etl::header_type::event_header64;
  const auto plain_bytes = event_record(plain);
  fill_event(parsed(plain_bytes), identity_clock, e);
  CHECK_FALSE(e.has_activity_id);
  CHECK_FALSE(e.has_extended_data());
  CHECK_FALSE(e.has_related_activity_id);
  CHECK(e.cpu_times == cpu_time_kind::kernel_user);
  CHECK(e.raw_data.empty());
  CHECK(e.event_name() == "EventID(0)");
}

TEST_CASE("record_event: WPP records use the message GUID and number") {
  namespace f = etl::trace_message_flag;
  byte_writer opt;
  opt.put(std::uint32_t{42});
  opt.put(guid_of("744151fd-b3f4-32e6-38eb-0fd11e3fb62d"));
  opt.put(std::uint64_t{5000});
  opt.put(std::uint32_t{111}).put(std::uint32_t{222});
  const auto bytes =
      wpp_record(10, f::sequence | f::guid | f::timestamp | f::system_info, opt.data(), filler(5));
  event e;
  fill_event(parsed(bytes), identity_clock, e);
  CHECK(e.provider_guid.to_string() == "{744151FD-B3F4-32E6-38EB-0FD11E3FB62D}");
  CHECK(e.event_id == 10);
  CHECK(e.event_name() == "EventID(10)");
  CHECK(e.time_created == 5000);
  CHECK(e.thread_id == 111);
  CHECK(e.process_id == 222);
  CHECK_FALSE(e.is_classic);

  const auto bare = wpp_record(3, 0, {}, filler(2));
  fill_event(parsed(bare), identity_clock, e);
  CHECK_FALSE(e.has_time);
  CHECK_FALSE(e.has_process_and_thread);
}

TEST_CASE("record_event: SIDs print as ConvertSidToStringSid does") {
  char text[event::max_sid_text];
  const auto system = payload_of({1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0});
  CHECK(format_sid(system, text) == "S-1-5-18");
  const auto big_authority = payload_of({1, 0, 0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC});
  CHECK(format_sid(big_authority, text) == "S-1-0x123456789ABC");
  const auto short_sid = payload_of({1, 2, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0});
  CHECK(format_sid(short_sid, text).empty());
  char tiny[6];
  CHECK(format_sid(system, tiny).empty());
}

TEST_CASE("record_event: a copied event keeps its own name and SID text") {
  event a;
  a.set_event_name_copy("Process/Opcode(45)");
  a.set_sid("S-1-5-18");
  const event b = a;
  a.set_event_name_copy("Thread/Opcode(99)");
  a.set_sid("S-1-5-19");
  CHECK(b.event_name() == "Process/Opcode(45)");
  CHECK(b.sid() == "S-1-5-18");
}
