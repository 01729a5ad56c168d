// Tests for lib/decode/kernel/kernel_schemas.h: names and shapes of the built-in kernel and
// KernelTraceControl schemas, synthesized payloads (both pointer sizes, damage), and every such
// record of the real captures decoded with payload_decoder, with field values checked against
// the PerfView baselines (corpus/perfview/*.baseline.txt, first 20 characters of a value).
#include "lib/decode/kernel/kernel_schemas.h"

#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "lib/decode/payload_decoder.h"
#include "lib/etl/file_reader.h"
#include "lib/etl/kernel_groups.h"
#include "lib/event/record_event.h"
#include "tests/support/corpus.h"

using etwcat::event_data;
using etwcat::guid;
using namespace etwcat::decode;
namespace etl = etwcat::etl;

namespace {

guid class_guid(const char* text) { return guid::parse(text).value(); }

const guid process_class = class_guid("3d6fa8d0-fe05-11d0-9dda-00c04fd7ba7c");
const guid thread_class = class_guid("3d6fa8d1-fe05-11d0-9dda-00c04fd7ba7c");
const guid disk_class = class_guid("3d6fa8d4-fe05-11d0-9dda-00c04fd7ba7c");
const guid memory_class = class_guid("3d6fa8d3-fe05-11d0-9dda-00c04fd7ba7c");
const guid tcp_class = class_guid("9a280ac0-c8e0-11d1-84e2-00c04fb998a2");
const guid udp_class = class_guid("bf3a50c5-a9c9-4988-a005-2df0b7c80f80");
const guid event_trace_class = class_guid("68fdd900-4a3e-11d1-84f4-0000f80464e3");
const guid stack_class = class_guid("def2fe46-7bd6-4b80-bd94-f57fe20d0ce3");
const guid sys_config_class = class_guid("9b79ee91-b5fd-41c0-a243-4248e266e9d0");
const guid image_id_class = class_guid("b3e675d7-2554-4f18-830b-2762732560de");

const event_schema& schema(const guid& c, std::uint8_t type, std::uint16_t version,
                           std::uint8_t pointer_size = 8) {
  const event_schema* s = find_kernel_schema(c, type, version, pointer_size);
  REQUIRE_MESSAGE(s != nullptr, c.to_string() << " type " << int{type} << " v" << version);
  return *s;
}

const property* field(const event_schema& s, std::string_view name) {
  for (const property& p : s.properties) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

// --- values of decoded items ----------------------------------------------------------------

// (Plain ifs, not REQUIRE: these run for every record of a file.)
const etwcat::data_item& item(const event_data& d, std::string_view name) {
  const etwcat::data_item* i = d.find(name);
  if (i == nullptr) FAIL("no field " << name);
  return *i;
}
std::uint64_t num(const event_data& d, std::string_view name) {
  const etwcat::data_item& i = item(d, name);
  return i.type == etwcat::data_type::signed_int ? static_cast<std::uint64_t>(i.signed_value)
                                                 : i.unsigned_value;
}
std::string text(const event_data& d, std::string_view name) {
  const etwcat::data_item& i = item(d, name);
  if (i.type != etwcat::data_type::string) FAIL(name << " is no string");
  return std::string(d.text(i));
}
bool is_hex(const event_data& d, std::string_view name) {
  return item(d, name).type == etwcat::data_type::hex_int;
}

// Little-endian payload builder for synthesized records.
struct bytes_out {
  std::vector<std::byte> b;
  bytes_out& u8(std::uint8_t v) {
    b.push_back(std::byte{v});
    return *this;
  }
  bytes_out& u16(std::uint16_t v) { return u8(v & 0xFF).u8(static_cast<std::uint8_t>(v >> 8)); }
  bytes_out& u32(std::uint32_t v) {
    return u16(v & 0xFFFF).u16(static_cast<std::uint16_t>(v >> 16));
  }
  bytes_out& u64(std::uint64_t v) {
    return u32(v & 0xFFFFFFFF).u32(static_cast<std::uint32_t>(v >> 32));
  }
  bytes_out& ptr(std::uint64_t v, int size) {
    return size == 4 ? u32(static_cast<std::uint32_t>(v)) : u64(v);
  }
  bytes_out& ansi(std::string_view s) {
    for (char c : s) u8(static_cast<std::uint8_t>(c));
    return u8(0);
  }
  bytes_out& wide(std::string_view s) {
    for (char c : s) u16(static_cast<std::uint8_t>(c));
    return u16(0);
  }
};

struct decode_result {
  bool ok = false;
  event_data data;
  std::string error;
};

decode_result run(const event_schema& s, const std::vector<std::byte>& payload,
                  std::uint8_t pointer_size) {
  payload_decoder decoder;
  decode_result r;
  r.ok = decoder.decode(s, payload, pointer_size, r.data, r.error);
  return r;
}

// A DiskIO/Read V3 payload (§6.5) for either pointer size.
std::vector<std::byte> disk_read_v3(int p) {
  return bytes_out{}
      .u32(1)                                               // DiskNumber
      .u32(0x60043)                                         // IrpFlags
      .u32(4096)                                            // TransferSize
      .u32(0)                                               // Reserved
      .u64(0x123456789ull)                                  // ByteOffset
      .ptr(p == 4 ? 0x8A001000 : 0xfffff8a0028e0140ull, p)  // FileKey
      .ptr(p == 4 ? 0x85A1DC60 : 0xfffffa8302a1dc60ull, p)  // Irp
      .u64(258208)                                          // HighResResponseTime
      .u32(44)                                              // IssuingThreadId
      .b;
}

}  // namespace

// --- names and shapes -----------------------------------------------------------------------

TEST_CASE("kernel_schemas: names are TraceEvent's Class/Type") {
  CHECK(schema(process_class, 1, 4).event_name == "Process/Start");
  CHECK(schema(process_class, 39, 5).event_name == "Process/Defunct");
  CHECK(schema(process_class, 11, 2).event_name == "Process/Terminate");
  CHECK(schema(process_class, 33, 2).event_name == "Process/PerfCtrRundown");
  CHECK(schema(thread_class, 2, 3).event_name == "Thread/Stop");
  CHECK(schema(thread_class, 50, 2).event_name == "Dispatcher/ReadyThread");
  CHECK(schema(disk_class, 10, 3).event_name == "DiskIO/Read");
  CHECK(schema(memory_class, 32, 2).event_name == "Memory/HardFault");
  CHECK(schema(memory_class, 98, 2).event_name == "VirtualMem/Alloc");
  CHECK(schema(tcp_class, 26, 2).event_name == "TcpIp/SendIPV6");
  CHECK(schema(udp_class, 11, 2).event_name == "UdpIp/Recv");
  CHECK(schema(event_trace_class, 5, 2).event_name == "EventTrace/Extension");
  CHECK(schema(stack_class, 32, 2).event_name == "StackWalk/Stack");
  CHECK(schema(sys_config_class, 32, 0).event_name == "SysConfig/BuildInfo");
  CHECK(schema(class_guid("01853a65-418f-4f36-aefc-dc0f1d2fd235"), 10, 3).event_name ==
        "SystemConfig/CPU");
  CHECK(schema(class_guid("ce1dbfb4-137e-4da6-87b0-3f59aa102cbc"), 46, 2).event_name ==
        "PerfInfo/Sample");
  CHECK(schema(class_guid("ce1dbfb4-137e-4da6-87b0-3f59aa102cbc"), 34, 2).event_name ==
        "PerfInfo/Mark");
  CHECK(schema(class_guid("01853a65-418f-4f36-aefc-dc0f1d2fd235"), 36, 2).event_name ==
        "SystemConfig/Virtualization");
  CHECK(schema(class_guid("01853a65-418f-4f36-aefc-dc0f1d2fd235"), 37, 2).event_name ==
        "SystemConfig/Boot");
  // Group 3 type 10 carries the Image class GUID (§2.8).
  CHECK(schema(etl::kernel_group_guid(0x03, 10), 10, 2).event_name == "Image/Load");
  CHECK(schema(etl::kernel_group_guid(0x14, 3), 3, 3).event_name == "Image/DCStart");

  // Type 0 is the class alone; its opcode keeps a name.
  const event_schema& header = schema(event_trace_class, 0, 2);
  CHECK(header.event_name == "EventTrace");
  CHECK(header.task_name == "EventTrace");
  CHECK(header.opcode_name == "Header");
  CHECK(header.source == schema_source::kernel);
  CHECK(header.provider_name == "Windows Kernel");
  CHECK(header.provider_guid == class_guid("9e814aad-3204-11d2-9a82-006008a86939"));
  CHECK(header.event_guid == event_trace_class);
  CHECK(header.opcode == 0);
  CHECK(header.version == 2);

  const event_schema& rsds = schema(image_id_class, 0x24, 2);
  CHECK(rsds.event_name == "ImageID/DbgID_RSDS");
  CHECK(rsds.provider_name == "KernelTraceControl");
  CHECK(rsds.provider_guid == class_guid("28ad2447-105b-4fe2-9599-e59b2aa9a634"));
  CHECK(schema(image_id_class, 0, 2).event_name == "ImageID");
  CHECK(schema(image_id_class, 0x26, 2).event_name == "ImageID/DbgPPDB");
  CHECK(schema(image_id_class, 0x28, 1).event_name == "ImageID/DbgDeterm");
  CHECK(schema(class_guid("bbccf6c1-6cd1-48c4-80ff-839482e37671"), 33, 0).event_name ==
        "MetaData/EventMapInfo");
  CHECK(schema(class_guid("ed54dff8-c409-4cf6-bf83-05e1e61a09c4"), 37, 0).event_name ==
        "WinSat/SystemConfig");
  // TraceEvent's real-time lost event has no opcode name: the task alone.
  CHECK(schema(class_guid("6a399ae0-4bc6-4de9-870b-3657f8947e7e"), 32, 0).event_name ==
        "LostEvent");

  CHECK(kernel_task_name(sys_config_class) == "SysConfig");
  CHECK(kernel_task_name(disk_class) == "DiskIO");
  CHECK(kernel_task_name(guid{}).empty());
  CHECK(kernel_class_provider(image_id_class) == "KernelTraceControl");
  CHECK(kernel_class_provider(tcp_class) == "Windows Kernel");
  CHECK(kernel_class_provider(class_guid("393da8c0-dbed-11d2-895b-00c04f79ab69")).empty());
}

TEST_CASE("kernel_schemas: kernel-group names equal the names fill_event gives records") {
  // A decoded and an undecoded record of one kind must be named alike.
  std::size_t checked = 0;
  for (const event_schema* s : all_kernel_schemas()) {
    for (unsigned g = 0; g < 0x1F; ++g) {
      const auto group = static_cast<std::uint8_t>(g);
      // Image events come from group 0x14 (and group 3 type 10, the same class).
      if (group == 0x03 && s->opcode == 10) continue;
      if (etl::kernel_group_guid(group, s->opcode) != s->event_guid) continue;
      const std::string_view cls = etwcat::kernel_class_name(group, s->opcode);
      std::string expected(cls);
      if (s->opcode != 0) {
        const std::string_view type = etwcat::kernel_type_name(group, s->opcode);
        expected +=
            "/" + (type.empty() ? "Opcode(" + std::to_string(s->opcode) + ")" : std::string(type));
      }
      CHECK_MESSAGE(s->event_name == expected, s->event_name);
      ++checked;
    }
  }
  // All but the 17 of SysConfig (4), ImageID (7), WinSat (3), MetaData (2) and LostEvent (1).
  CHECK(checked == 336);
  CHECK(all_kernel_schemas().size() == checked + 17);
}

TEST_CASE("kernel_schemas: struct members and references stay inside each schema") {
  std::set<std::tuple<guid, int, int>> keys;
  for (const event_schema* s : all_kernel_schemas()) {
    CHECK(keys.insert({s->event_guid, s->opcode, s->version}).second);  // each layout once
    INFO(s->event_name << " v" << int{s->version});
    CHECK(s->top_level_count <= s->properties.size());
    CHECK_FALSE(s->allow_trailing_bytes);
    for (std::size_t i = 0; i < s->properties.size(); ++i) {
      const property& p = s->properties[i];
      CHECK_FALSE(p.name.empty());
      if (p.is_struct) {
        CHECK(p.first_member >= s->top_level_count);
        CHECK(std::size_t{p.first_member} + p.member_count <= s->properties.size());
      }
      if (p.count_from == size_source::property) CHECK(p.count < i);
      if (p.length_from == size_source::property) CHECK(p.length < i);
    }
  }
}

TEST_CASE("kernel_schemas: fields use TDH types for pointers, SIDs, strings, ports and IPs") {
  const event_schema& read = schema(disk_class, 10, 3);
  REQUIRE(read.properties.size() == 9);
  CHECK(field(read, "Irp")->in == in_type::pointer);
  CHECK(field(read, "FileKey")->in == in_type::pointer);
  CHECK(field(read, "IrpFlags")->out == out_type::hex_int32);
  CHECK(field(read, "ByteOffset")->in == in_type::uint64);

  const event_schema& start = schema(process_class, 1, 4);
  CHECK(field(start, "UserSID")->in == in_type::wbem_sid);
  CHECK(field(start, "ImageFileName")->in == in_type::ansi_string);
  CHECK(field(start, "CommandLine")->in == in_type::unicode_string);
  CHECK(field(start, "CommandLine")->length_from == size_source::none);

  const event_schema& send6 = schema(tcp_class, 26, 2);
  const property* daddr = field(send6, "daddr");
  CHECK(daddr->in == in_type::binary);
  CHECK(daddr->out == out_type::ipv6);
  CHECK(daddr->length_from == size_source::fixed);
  CHECK(daddr->length == 16);
  CHECK(field(send6, "dport")->out == out_type::port);
  CHECK(field(send6, "connid")->in == in_type::pointer);
  CHECK(field(schema(udp_class, 10, 2), "saddr")->out == out_type::ipv4);

  const event_schema& stack = schema(stack_class, 32, 2);
  const property* frames = field(stack, "Stack");
  CHECK(frames->in == in_type::pointer);
  CHECK(frames->count_from == size_source::remaining);
  CHECK(frames->is_array);

  const event_schema& header = schema(event_trace_class, 0, 2);
  const property* zone = field(header, "TimeZoneInformation");
  REQUIRE(zone != nullptr);
  CHECK(zone->is_struct);
  CHECK(zone->member_count == 7);
  CHECK(header.properties[zone->first_member].name == "Bias");
  CHECK(field(header, "LoggerNamePointer")->in == in_type::pointer);

  CHECK(field(schema(image_id_class, 0x24, 2), "PDBFileName")->out == out_type::utf8);
  CHECK(field(schema(thread_class, 1, 3), "ThreadName")->in == in_type::unicode_string);
  CHECK(field(schema(class_guid("01853a65-418f-4f36-aefc-dc0f1d2fd235"), 10, 3), "ComputerName")
            ->length == 256);
}

TEST_CASE("kernel_schemas: newer versions get the newest layout, tolerant, others none") {
  const event_schema& v4 = schema(process_class, 1, 4);
  CHECK_FALSE(v4.allow_trailing_bytes);
  const event_schema& v9 = schema(process_class, 1, 9);
  CHECK(&v9 != &v4);
  CHECK(v9.allow_trailing_bytes);
  CHECK(v9.version == 4);
  CHECK(v9.properties.size() == v4.properties.size());
  CHECK(schema(process_class, 39, 6).properties.back().name == "ExitTime");  // v5 is newest
  CHECK(schema(disk_class, 10, 4).allow_trailing_bytes);
  CHECK_FALSE(schema(disk_class, 10, 2).allow_trailing_bytes);  // known, older
  CHECK(schema(sys_config_class, 33, 1).allow_trailing_bytes);

  // Lookups are cached: the same object each time.
  CHECK(&schema(disk_class, 10, 3) == &schema(disk_class, 10, 3));
  CHECK(&schema(disk_class, 10, 3, 4) == &schema(disk_class, 10, 3, 8));

  CHECK(find_kernel_schema(tcp_class, 26, 1, 8) == nullptr);    // below the only layout (v2)
  CHECK(find_kernel_schema(disk_class, 200, 2, 8) == nullptr);  // unknown type
  CHECK(find_kernel_schema(class_guid("393da8c0-dbed-11d2-895b-00c04f79ab69"), 1, 0, 8) ==
        nullptr);  // a classic provider that is not the kernel's
  CHECK(find_kernel_schema(sys_config_class, 37, 0, 8) == nullptr);  // layout unknown
  CHECK(find_kernel_schema(disk_class, 10, 3, 0) == nullptr);
  CHECK(find_kernel_schema(disk_class, 10, 3, 16) == nullptr);
}

TEST_CASE("kernel_schemas: .NET 8 event layouts apply only to payloads of their exact size") {
  const guid runtime = class_guid("e13c0d23-ccbc-4e12-931b-d9cc2eee27e4");
  const guid rundown = class_guid("a669021c-c450-4609-a035-5af59af4df18");
  // GC/LOHCompact: ClrInstanceID, Count = 2, then 2 elements of 32 bytes (64-bit).
  std::vector<std::byte> loh(4 + 2 * 32, std::byte{0});
  loh[2] = std::byte{2};
  const event_schema* named = find_builtin_event_names(runtime, 208, 0);
  REQUIRE(named != nullptr);
  CHECK(named->event_name == "GC/LOHCompact");
  CHECK(find_builtin_event_layout(runtime, 208, 0, loh, 8) == named);
  CHECK(find_builtin_event_layout(runtime, 208, 0, loh, 4) == nullptr);  // 32-bit: named only
  CHECK(find_builtin_event_layout(runtime, 208, 0, std::span(loh).first(36), 8) == nullptr);
  CHECK(find_builtin_event_layout(runtime, 208, 0, std::span(loh).first(1), 8) == nullptr);
  CHECK(find_builtin_event_names(runtime, 208, 1) == nullptr);  // another version
  // GC/FitBucketInfo: 14 bytes, then Count (the u16 at offset 12) elements of 16 bytes.
  std::vector<std::byte> fit(14 + 16, std::byte{0});
  fit[12] = std::byte{1};
  CHECK(find_builtin_event_layout(runtime, 209, 0, fit, 8)->event_name == "GC/FitBucketInfo");
  fit.push_back(std::byte{0});
  CHECK(find_builtin_event_layout(runtime, 209, 0, fit, 8) == nullptr);
  // The rundown's settings: fixed sizes, either pointer size.
  const std::vector<std::byte> settings(50), tiered(6);
  CHECK(find_builtin_event_layout(rundown, 10, 0, settings, 4)->event_name == "GC/SettingsRundown");
  CHECK(find_builtin_event_layout(rundown, 280, 0, tiered, 8)->event_name ==
        "TieredCompilationRundown/SettingsDCStart");
  CHECK(find_builtin_event_layout(rundown, 280, 0, settings, 8) == nullptr);
  CHECK(find_builtin_event_names(runtime, 10, 0) == nullptr);  // GC/AllocationTick: known
  CHECK(find_builtin_event_names(rundown, 208, 0) == nullptr);
}

// --- synthesized payloads -----------------------------------------------------------------------

TEST_CASE("kernel_schemas: DiskIO/Read V3 decodes with 8- and 4-byte pointers") {
  const event_schema& s = schema(disk_class, 10, 3);
  const auto p8 = disk_read_v3(8);
  REQUIRE(p8.size() == 52);  // the record size seen in net.4.5.2.x64.etl
  auto r = run(s, p8, 8);
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(num(r.data, "DiskNumber") == 1);
  CHECK(num(r.data, "IrpFlags") == 0x60043);
  CHECK(is_hex(r.data, "IrpFlags"));
  CHECK(num(r.data, "ByteOffset") == 0x123456789ull);
  CHECK(num(r.data, "FileKey") == 0xfffff8a0028e0140ull);
  CHECK(num(r.data, "Irp") == 0xfffffa8302a1dc60ull);
  CHECK(is_hex(r.data, "Irp"));
  CHECK(num(r.data, "HighResResponseTime") == 258208);
  CHECK(num(r.data, "IssuingThreadId") == 44);

  const auto p4 = disk_read_v3(4);
  REQUIRE(p4.size() == 44);
  r = run(s, p4, 4);
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(num(r.data, "FileKey") == 0x8A001000);
  CHECK(num(r.data, "Irp") == 0x85A1DC60);
  CHECK(num(r.data, "HighResResponseTime") == 258208);
  CHECK(num(r.data, "IssuingThreadId") == 44);
  // The 64-bit layout read as 32-bit leaves 8 bytes over: every field decodes (as TDH would
  // read it), and the 8 bytes are reported as the surplus, not lost.
  r = run(s, p8, 4);
  CHECK(r.ok);
  CHECK(r.error.empty());
  CHECK(r.data.surplus().bytes.size() == 8);
  CHECK(r.data.surplus().offset == 44);
  CHECK(r.data.surplus().schema_version == -1);  // a built-in layout: no version to name
}

TEST_CASE("kernel_schemas: short payloads are errors naming field and offset, long ones not") {
  const event_schema& s = schema(disk_class, 10, 3);
  auto payload = disk_read_v3(8);
  payload.resize(50);
  auto r = run(s, payload, 8);
  CHECK_FALSE(r.ok);
  CHECK(r.error.find("field IssuingThreadId at offset 48") == 0);
  CHECK(num(r.data, "HighResResponseTime") == 258208);  // what decoded stays

  payload = disk_read_v3(8);
  payload.resize(56);
  r = run(s, payload, 8);
  CHECK(r.ok);  // bytes left over are a surplus, not an error
  CHECK(r.data.surplus().bytes.size() == 4);
  CHECK(r.data.surplus().offset == 52);
  // A newer version than the newest layout may carry more: dropped without a word.
  r = run(schema(disk_class, 10, 4), payload, 8);
  CHECK_MESSAGE(r.ok, r.error);
  CHECK(r.data.surplus().bytes.empty());

  // A stack whose last address is cut: the error names the element.
  auto stack = bytes_out{}
                   .u64(1942908431)
                   .u32(3988)
                   .u32(3780)
                   .u64(0xffffffffffd03003ull)
                   .u64(0xfffff800215dae37ull);
  stack.u8(1).u8(2).u8(3);
  r = run(schema(stack_class, 32, 2), stack.b, 8);
  CHECK_FALSE(r.ok);
  CHECK(r.error.find("field Stack[2] at offset 32") == 0);
  stack.b.resize(32);
  r = run(schema(stack_class, 32, 2), stack.b, 8);
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(num(r.data, "StackThread") == 3780);

  // A count far beyond the payload (EventTrace/ProviderBinaryPath GuidCount) fails up front.
  auto bad = bytes_out{}.u32(1000).u64(0).u64(0).wide("x");
  r = run(schema(event_trace_class, 67, 2), bad.b, 8);
  CHECK_FALSE(r.ok);
  CHECK(r.error.find("field Guid at offset 4: 1000 elements of 16 bytes") == 0);
  auto good = bytes_out{}.u32(1).u64(1).u64(2).wide("C:\\x.sys");
  r = run(schema(event_trace_class, 67, 2), good.b, 8);
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(text(r.data, "BinaryPath") == "C:\\x.sys");
}

// No capture of the corpus has these events (no SystemConfig type 24 or 27, no PerfInfo type
// 34), so their layouts are checked on payloads built from the MOF classes.
TEST_CASE("kernel_schemas: ProcessorNumber and NumaNode are counted arrays, Mark a string") {
  const guid config_class = class_guid("01853a65-418f-4f36-aefc-dc0f1d2fd235");
  // SystemConfig_V2_ProcNumber: ProcessorCount, then that many UInt32. Read as one value, three
  // of them were left over.
  auto numbers = bytes_out{}.u32(4).u32(0).u32(2).u32(1).u32(3);
  auto r = run(schema(config_class, 27, 2), numbers.b, 8);
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(r.data.surplus().bytes.empty());
  const auto items = r.data.items();
  REQUIRE(items.size() == 7);  // ProcessorCount, begin, 4 elements, end
  CHECK(items[1].type == etwcat::data_type::begin_array);
  CHECK(items[1].name == "ProcessorNumber");
  CHECK(items[3].unsigned_value == 2);
  CHECK(items[5].unsigned_value == 3);

  // SystemConfig_V2_NumaNode: NodeCount, then one UInt64 mask per node.
  auto nodes = bytes_out{}.u32(2).u64(0x0F).u64(0xF0);
  r = run(schema(config_class, 24, 2), nodes.b, 8);
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(r.data.surplus().bytes.empty());
  CHECK(r.data.items().size() == 5);
  CHECK(r.data.items()[3].type == etwcat::data_type::hex_int);
  CHECK(r.data.items()[3].unsigned_value == 0xF0);

  // PerfInfo/Mark: PERFINFO_MARK_INFORMATION, an 8-bit string.
  auto mark = bytes_out{}.ansi("Wpr_Initiated_Rundown");
  r = run(schema(class_guid("ce1dbfb4-137e-4da6-87b0-3f59aa102cbc"), 34, 2), mark.b, 8);
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(text(r.data, "Value") == "Wpr_Initiated_Rundown");
}

TEST_CASE(
    "kernel_schemas: a 32-bit Process V4 with a null SID and a V3 thread with or without a "
    "name") {
  auto process = bytes_out{}
                     .u32(0x85000000)  // UniqueProcessKey
                     .u32(1980)
                     .u32(1732)
                     .u32(2)
                     .u32(259)
                     .u32(0xb04e5000)  // PageDirectoryBase
                     .u32(0)           // Flags
                     .u32(0)           // null UserSID: 4 zero bytes
                     .ansi("test.exe")
                     .wide("test.exe -x")
                     .wide("")
                     .wide("");
  auto r = run(schema(process_class, 1, 4, 4), process.b, 4);
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(num(r.data, "UniqueProcessKey") == 0x85000000);
  CHECK(num(r.data, "ProcessID") == 1980);
  CHECK(num(r.data, "ExitStatus") == 259);
  CHECK(num(r.data, "PageDirectoryBase") == 0xb04e5000);
  CHECK(text(r.data, "UserSID").empty());
  CHECK(text(r.data, "ImageFileName") == "test.exe");
  CHECK(text(r.data, "CommandLine") == "test.exe -x");

  // Windows 8 V3 thread records stop after ThreadFlags (72 bytes); Windows 10 ones add a name.
  auto thread = bytes_out{}.u32(4).u32(3668);
  for (int i = 0; i < 7; ++i) thread.u64(0x1000u * i);
  thread.u32(0).u8(8).u8(5).u8(2).u8(0);
  REQUIRE(thread.b.size() == 72);
  const event_schema& s = schema(thread_class, 1, 3);
  r = run(s, thread.b, 8);
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(num(r.data, "BasePriority") == 8);
  CHECK(text(r.data, "ThreadName").empty());
  thread.wide("");
  r = run(s, thread.b, 8);
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(text(r.data, "ThreadName").empty());
  thread.b.resize(72);
  thread.wide("Worker");
  r = run(s, thread.b, 8);
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(text(r.data, "ThreadName") == "Worker");
}

// --- real captures ----------------------------------------------------------------------------

namespace {

using visitor =
    std::function<void(const etl::record_view&, const event_schema&, const event_data&)>;

struct file_summary {
  std::map<std::string, std::uint64_t> decoded;  // event name -> records decoded exactly
  std::vector<std::string> failures;             // "name: error" of records that did not
  std::map<std::string, std::uint64_t> unknown;  // "class type vN" -> records without schema
};

bool is_classic(etl::header_kind k) {
  return etl::is_kernel_kind(k) || k == etl::header_kind::full_header32 ||
         k == etl::header_kind::full_header64;
}

// Decodes every kernel and classic record of a corpus file with its built-in schema.
file_summary decode_file(const char* relative, const visitor& visit = {}) {
  etwcat::diagnostics diags;
  auto reader = etl::file_reader::open(etwcat::testing::corpus_file(relative), diags);
  REQUIRE(reader.ok());
  file_summary out;
  payload_decoder decoder;
  event_data data;
  std::string error;
  etl::record_view r;
  while (reader.value().next(r)) {
    if (!is_classic(r.kind())) continue;
    const event_schema* s =
        find_kernel_schema(r.provider_guid(), r.opcode(), r.version(), r.pointer_size());
    if (s == nullptr) {
      ++out.unknown[r.provider_guid().to_string() + " " + std::to_string(r.opcode()) + " v" +
                    std::to_string(r.version())];
      continue;
    }
    data.clear();
    if (!decoder.decode(*s, r.payload(), r.pointer_size(), data, error)) {
      out.failures.push_back(s->event_name + ": " + error);
      continue;
    }
    // A known version's layout must consume the record exactly: bytes left over would mean a
    // field is missing or too short.
    if (!data.surplus().bytes.empty()) {
      out.failures.push_back(s->event_name + ": " + std::to_string(data.surplus().bytes.size()) +
                             " bytes left over at offset " + std::to_string(data.surplus().offset));
      continue;
    }
    ++out.decoded[s->event_name];
    if (visit) visit(r, *s, data);
  }
  CHECK(diags.empty());
  return out;
}

std::uint64_t count(const file_summary& f, const std::string& name) {
  auto it = f.decoded.find(name);
  return it == f.decoded.end() ? 0 : it->second;
}

// PerfInfo/Sample V2, compared by address: 80,000 samples per file make string compares slow.
const event_schema* sample_schema() {
  static const event_schema* const s =
      find_kernel_schema(guid::parse("ce1dbfb4-137e-4da6-87b0-3f59aa102cbc").value(), 46, 2, 8);
  return s;
}

// TraceLog's rule for CPU samples (TraceLog.cs): a sample of the idle thread (ThreadID 0) is
// dropped unless the CPU was in a DPC or an ISR (flag bits 0 and 1).
bool tracelog_keeps_sample(const event_data& d) {
  return num(d, "ThreadID") != 0 || (num(d, "Flags") & 3) != 0;
}

// The record a baseline EVENT line shows, where the file holds several of that name in another
// order than the baseline's (time order): picked by one field, the others are then checked.
bool matches_baseline(const std::string& n, const event_data& d) {
  if (n == "DiskIO/Read") return num(d, "Irp") == 0xfffffa8302a1dc60ull;
  if (n == "Thread/Start") return num(d, "ThreadID") == 3668;
  if (n == "UdpIp/Recv") return num(d, "sport") == 60441;
  if (n == "Memory/HardFault") return num(d, "VirtualAddress") == 0x7f9c7a891f0ull;
  if (n == "SystemConfig/Services") return text(d, "ServiceName") == "AeLookupSvc";
  if (n == "Process/PerfCtrRundown") return num(d, "ProcessID") == 4;
  if (n == "Image/DCStop") return num(d, "ImageBase") == 0xfffff80021489000ull;
  if (n == "ImageID/DbgID_RSDS") return num(d, "ImageBase") == 0x77710000;
  if (n == "ImageID/FileVersion") return text(d, "OrigFileName") == "ntdll.dll";
  if (n == "SystemConfig/NIC") return num(d, "Ipv4Index") == 12;
  return true;  // one record, or the file's first is the baseline's first
}

}  // namespace

TEST_SUITE("corpus") {
  TEST_CASE("kernel_schemas: net.4.5.2.x64.etl decodes exactly with the baseline's values") {
    ETWCAT_REQUIRE_CORPUS();
    std::map<std::string, event_data> first;  // by a key naming the baseline event
    std::uint64_t kept_samples = 0;
    std::uint64_t earliest_sample = UINT64_MAX;
    std::set<std::pair<std::string, std::string>> volumes;
    std::set<std::uint64_t> extension_masks;
    std::uint64_t idechannel_32bit = 0;
    auto keep = [&](const std::string& key, const event_data& d) { first.try_emplace(key, d); };
    const file_summary f =
        decode_file("perfview/net.4.5.2.x64.etl",
                    [&](const etl::record_view& r, const event_schema& s, const event_data& d) {
                      const std::string& n = s.event_name;
                      if (&s == sample_schema() && tracelog_keeps_sample(d)) {
                        // The baseline lists events in time order; the file per CPU buffer.
                        ++kept_samples;
                        if (r.timestamp() < earliest_sample) {
                          earliest_sample = r.timestamp();
                          first.insert_or_assign("first kept sample", d);
                        }
                      } else if (&s == sample_schema()) {
                        // dropped by TraceLog
                      } else if (n == "SysConfig/VolumeMapping") {
                        volumes.insert({text(d, "NtPath"), text(d, "DosPath")});
                      } else if (n == "EventTrace/Extension") {
                        extension_masks.insert(num(d, "GroupMask1") | num(d, "GroupMask2") << 32);
                        CHECK(num(d, "KernelEventVersion") == 42);
                      } else if (n == "SystemConfig/IDEChannel") {
                        // Logged by a 32-bit component in this 64-bit trace (SYSTEM32 header).
                        CHECK(r.kind() == etl::header_kind::system32);
                        CHECK(r.pointer_size() == 4);
                        keep("IDEChannel " + std::to_string(num(d, "DeviceType")), d);
                        ++idechannel_32bit;
                      } else if (first.count(n) == 0 && matches_baseline(n, d)) {
                        keep(n, d);
                      }
                    });

    // Every kernel and KernelTraceControl record decodes exactly, but SysConfig type 37, whose
    // 16 bytes (all zero) no source describes (TraceEvent: "SysConfig/Opcode(37)").
    CHECK(f.failures.empty());
    for (const auto& failure : f.failures) MESSAGE(failure);
    CHECK(f.unknown.size() == 1);
    CHECK(f.unknown.count("{9B79EE91-B5FD-41C0-A243-4248E266E9D0} 37 v0") == 1);

    // COUNT lines of net.4.5.2.x64.baseline.txt.
    CHECK(count(f, "DiskIO/Read") == 1208);
    CHECK(count(f, "DiskIO/ReadInit") == 1208);
    CHECK(count(f, "DiskIO/Write") == 21);
    CHECK(count(f, "DiskIO/FlushBuffers") == 2);
    CHECK(count(f, "Image/DCStart") == 1763);
    CHECK(count(f, "Image/DCStop") == 1766);
    CHECK(count(f, "Image/Load") == 35);
    CHECK(count(f, "Image/Unload") == 32);
    CHECK(count(f, "Memory/HardFault") == 153);
    CHECK(count(f, "Process/DCStart") == 32);
    CHECK(count(f, "Process/Defunct") == 2);
    CHECK(count(f, "Process/PerfCtrRundown") == 32);
    CHECK(count(f, "Process/Start") == 1);
    CHECK(count(f, "TcpIp/RecvIPV6") == 250);
    CHECK(count(f, "TcpIp/SendIPV6") == 240);
    CHECK(count(f, "Thread/Start") == 9);
    CHECK(count(f, "Thread/Stop") == 15);
    CHECK(count(f, "UdpIp/Recv") == 19);
    CHECK(count(f, "UdpIp/SendIPV6") == 6);
    CHECK(count(f, "SystemConfig/Services") == 157);
    CHECK(count(f, "SystemConfig/PnP") == 78);
    CHECK(count(f, "SysConfig/VolumeMapping") == 9);
    CHECK(count(f, "EventTrace/Extension") == 3);
    CHECK(count(f, "EventTrace/EndExtension") == 2);
    CHECK(count(f, "EventTrace/RundownComplete") == 2);
    CHECK(count(f, "PerfInfo/CollectionStart") == 1);
    CHECK(count(f, "ImageID") == 3590);
    CHECK(count(f, "ImageID/DbgID_RSDS") == 3534);
    CHECK(count(f, "ImageID/DbgID_ILRSDS") == 44);
    CHECK(count(f, "ImageID/FileVersion") == 705);
    CHECK(count(f, "ImageID/None") == 12);
    CHECK(count(f, "MetaData/EventInfo") == 61);
    CHECK(count(f, "MetaData/EventMapInfo") == 24);
    // Raw records the baseline does not list (TraceLog absorbs them).
    CHECK(count(f, "StackWalk/StackKeyUser") == 7046);
    CHECK(count(f, "FileIO/FileRundown") == 3054);
    CHECK(count(f, "Thread/DCStart") == 670);
    // 79,528 samples in the file, 6,320 in the baseline: TraceLog drops the idle thread's.
    CHECK(count(f, "PerfInfo/Sample") == 79528);
    CHECK(kept_samples == 6320);
    CHECK(idechannel_32bit == 2);

    // EVENT lines (first 20 characters of each value).
    const event_data& h = first.at("EventTrace");
    CHECK(num(h, "BufferSize") == 65536);
    CHECK(num(h, "Version") == 131590);
    CHECK(num(h, "ProviderVersion") == 9200);
    CHECK(num(h, "NumberOfProcessors") == 8);
    CHECK(num(h, "MaxFileSize") == 500);
    CHECK(num(h, "LogFileMode") == 67174401);
    CHECK(num(h, "BuffersWritten") == 360);
    CHECK(num(h, "PointerSize") == 8);
    CHECK(num(h, "CPUSpeed") == 3592);
    CHECK(num(h, "PerfFreq") == 10'000'000);
    CHECK(num(h, "ReservedFlags") == 1);
    CHECK(text(h, "SessionName") == "Relogger");
    CHECK(text(h, "LogFileName") == "[multiple files]");
    CHECK(extension_masks == std::set<std::uint64_t>{0, 75535 | std::uint64_t{2} << 32});

    CHECK(volumes.count({"\\??\\", ""}) == 1);
    CHECK(volumes.count({"\\SystemRoot\\", "C:\\Windows\\"}) == 1);
    CHECK(volumes.count({"\\Device\\Floppy0\\", "A:\\"}) == 1);
    CHECK(volumes.count({"\\Device\\CdRom0\\", "D:\\"}) == 1);
    const event_data& paths = first.at("SysConfig/SystemPaths");
    CHECK(text(paths, "SystemDirectory") == "C:\\Windows\\system32");
    CHECK(text(paths, "SystemWindowsDirectory") == "C:\\Windows\\");
    CHECK(text(first.at("SysConfig/UnknownVolume"), "Value").rfind("\\Device\\HarddiskVolu", 0) ==
          0);

    const event_data& sample = first.at("first kept sample");
    CHECK(num(sample, "InstructionPointer") == 0xffffffffffd03003ull);
    CHECK(num(sample, "ThreadID") == 584);
    CHECK(num(sample, "Count") == 1);
    CHECK((num(sample, "Flags") >> 3 & 0x1F) == 14);  // TraceEvent's Priority
    CHECK(num(sample, "Rank") == 0);

    const event_data& send = first.at("TcpIp/SendIPV6");
    CHECK(num(send, "PID") == 4);
    CHECK(num(send, "size") == 65652);
    CHECK(text(send, "daddr").rfind("2001:4898:e0:81:7cb9", 0) == 0);
    CHECK(text(send, "saddr").rfind("2001:4898:f0:26:b18e", 0) == 0);
    CHECK(num(send, "dport") == 445);
    CHECK(num(send, "sport") == 64025);
    CHECK(num(send, "startime") == 1942);
    CHECK(num(send, "endtime") == 1942);
    CHECK(num(send, "seqnum") == 0);
    CHECK(num(send, "connid") == 0);
    const event_data& recv = first.at("TcpIp/RecvIPV6");
    CHECK(num(recv, "size") == 84);
    CHECK(num(recv, "sport") == 64025);

    const event_data& read = first.at("DiskIO/Read");
    CHECK(num(read, "DiskNumber") == 0);
    CHECK(num(read, "IrpFlags") == 0x20002);  // MountCompletion, I/O priority 1 (Verylow)
    CHECK(num(read, "TransferSize") == 16384);
    CHECK(num(read, "ByteOffset") == 849788928);
    CHECK(num(read, "FileKey") == 0xfffff8a0028e0140ull);

    const event_data& ts = first.at("Thread/Start");
    CHECK(num(ts, "ProcessID") == 4);
    CHECK(num(ts, "StackBase") == 0xfffff880057f1000ull);
    CHECK(num(ts, "StackLimit") == 0xfffff880057eb000ull);
    CHECK(num(ts, "UserStackBase") == 0);
    CHECK(num(ts, "StartAddr") == 0xff);
    CHECK(num(ts, "Win32StartAddr") == 0xfffff8002185916cull);
    CHECK(num(ts, "TebBase") == 0);
    CHECK(num(ts, "BasePriority") == 8);
    CHECK(num(ts, "PagePriority") == 5);
    CHECK(num(ts, "IoPriority") == 2);
    CHECK(text(ts, "ThreadName").empty());

    // TraceEvent labels PID and size together "context" (0xad0000083c): a V0 reading of V2.
    const event_data& udp = first.at("UdpIp/Recv");
    CHECK(num(udp, "PID") == 2108);
    CHECK(num(udp, "size") == 173);
    CHECK(text(udp, "saddr") == "10.128.0.117");
    CHECK(text(udp, "daddr") == "239.255.255.250");
    CHECK(num(udp, "dport") == 1900);

    const event_data& hard = first.at("Memory/HardFault");
    CHECK(num(hard, "ReadOffset") == 283648);
    CHECK(num(hard, "FileKey") == 0xfffff8a001300c50ull);
    CHECK(num(hard, "ByteCount") == 8704);
    CHECK(num(hard, "ThreadID") == 1716);

    const event_data& ps = first.at("Process/Start");
    CHECK(num(ps, "ProcessID") == 3676);
    CHECK(num(ps, "ParentID") == 3508);
    CHECK(text(ps, "ImageFileName") == "Test.x64.exe");
    CHECK(num(ps, "PageDirectoryBase") == 0x558fb000);
    CHECK(num(ps, "Flags") == 0);
    CHECK(num(ps, "SessionID") == 1);
    CHECK(num(ps, "ExitStatus") == 259);
    CHECK(num(ps, "UniqueProcessKey") == 0xfffffa8300cfb380ull);
    CHECK(text(ps, "CommandLine") == "Test.x64.exe");
    CHECK(text(ps, "PackageFullName").empty());
    CHECK(text(ps, "UserSID") == "S-1-5-21-2935914779-1618742390-1451969622-1001");

    const event_data& load = first.at("Image/Load");
    CHECK(num(load, "ImageBase") == 0x2d3360000ull);
    CHECK(num(load, "ImageSize") == 32768);
    CHECK(num(load, "ImageChecksum") == 0);
    CHECK(num(load, "TimeDateStamp") == 2568420482u);  // TraceEvent prints it signed
    CHECK(num(load, "DefaultBase") == 0x40000000004000ull);
    // TraceEvent turns \Device\Mup\ into \\ ("\\DfsClient\;Z:00000").
    CHECK(text(load, "FileName").rfind("\\Device\\Mup\\DfsClient\\;Z:00000", 0) == 0);

    const event_data& dcstop = first.at("Image/DCStop");
    CHECK(num(dcstop, "ImageSize") == 7634944);
    CHECK(num(dcstop, "ImageChecksum") == 6989512);
    CHECK(num(dcstop, "TimeDateStamp") == 1343269963);
    CHECK(num(first.at("Image/KernelBase"), "ImageBase") == 0xfffff80021489000ull);

    const event_data& cpu = first.at("SystemConfig/CPU");
    CHECK(num(cpu, "MHz") == 3592);
    CHECK(num(cpu, "NumberOfProcessors") == 8);
    CHECK(num(cpu, "MemSize") == 4096);
    CHECK(num(cpu, "AllocationGranularity") == 65536);
    CHECK(text(cpu, "ComputerName") == "BRIANROB-W8");
    CHECK(text(cpu, "DomainName").empty());
    CHECK(num(cpu, "HyperThreadingFlag") == 0);

    const event_data& nic = first.at("SystemConfig/NIC");
    CHECK(num(nic, "PhysicalAddrLen") == 6);
    CHECK(num(nic, "PhysicalAddr") == 44'360'508'708'096ull);
    CHECK(num(nic, "Ipv6Index") == 12);
    CHECK(text(nic, "NICDescription").rfind("Microsoft Hyper-V Ne", 0) == 0);
    CHECK(text(nic, "IpAddresses").rfind("2001:4898:f0:26:950:", 0) == 0);
    CHECK(text(nic, "DnsServerAddresses").rfind("2001:4898::1050:1050", 0) == 0);

    const event_data& svc = first.at("SystemConfig/Services");
    CHECK(text(svc, "DisplayName").rfind("Application Experien", 0) == 0);
    CHECK(num(svc, "ProcessID") == 0);
    CHECK(num(svc, "ServiceState") == 1);
    CHECK(num(svc, "SubProcessTag") == 1);

    const event_data& disk = first.at("SystemConfig/PhyDisk");
    CHECK(num(disk, "BytesPerSector") == 512);
    CHECK(num(disk, "SectorsPerTrack") == 63);
    CHECK(num(disk, "TracksPerCylinder") == 255);
    CHECK(num(disk, "Cylinders") == 16578);
    CHECK(text(disk, "Manufacturer").rfind("Virtual HD ATA Devic", 0) == 0);
    CHECK(num(disk, "PartitionCount") == 2);
    CHECK(num(disk, "WriteCacheEnabled") == 1);
    CHECK(text(disk, "BootDriveLetter") == "C");

    const event_data& ide0 = first.at("IDEChannel 1");
    CHECK(num(ide0, "TargetID") == 0);
    CHECK(num(ide0, "DeviceTimingMode") == 1040);
    CHECK(num(ide0, "LocationInformationLen") == 9);
    CHECK(text(ide0, "LocationInformation") == "Channel 0");
    CHECK(text(first.at("IDEChannel 2"), "LocationInformation") == "Channel 1");

    const event_data& pnp = first.at("SystemConfig/PnP");
    CHECK(text(pnp, "DeviceID").rfind("PCI\\VEN_1414&DEV_535", 0) == 0);
    CHECK(text(pnp, "DeviceDescription").rfind("Microsoft Hyper-V S3", 0) == 0);
    CHECK(text(pnp, "FriendlyName").empty());
    CHECK(text(pnp, "PdoName").rfind("\\Device\\NTPNP_PCI000", 0) == 0);
    CHECK(text(pnp, "ServiceName") == "s3cap");

    CHECK(num(first.at("SystemConfig/Power"), "S5") == 1);
    CHECK(num(first.at("SystemConfig/Power"), "S4") == 0);
    const event_data& platform = first.at("SystemConfig/Platform");
    CHECK(text(platform, "SystemManufacturer") == "Microsoft Corporation");
    CHECK(text(platform, "SystemProductName") == "Virtual Machine");
    CHECK(text(platform, "BiosDate") == "12/07/2018");
    CHECK(text(platform, "BiosVersion") == "090008");
    const event_data& logdisk = first.at("SystemConfig/LogDisk");
    CHECK(num(logdisk, "StartOffset") == 368050176);
    CHECK(num(logdisk, "PartitionSize") == 135996112896ull);
    CHECK(num(logdisk, "Size") == 112);
    CHECK(text(logdisk, "DriveLetterString") == "C:");
    CHECK(num(logdisk, "NumberOfFreeClusters") == 29898381);
    CHECK(num(logdisk, "TotalNumberOfClusters") == 33202175);
    CHECK(text(logdisk, "FileSystem") == "NTFS");
    const event_data& net = first.at("SystemConfig/Network");
    CHECK(num(net, "TcbTablePartitions") == 32);
    CHECK(num(net, "MaxHashTableSize") == 0xFFFFFFFF);  // TraceEvent: -1
    CHECK(num(net, "MaxUserPort") == 65536);
    CHECK(num(net, "TcpTimedWaitDelay") == 120);

    const event_data& ctr = first.at("Process/PerfCtrRundown");
    CHECK(num(ctr, "MemoryCount") == 17742);
    CHECK(num(ctr, "HandleCount") == 664);
    CHECK(num(ctr, "PeakVirtualSize") == 11071488);
    CHECK(num(ctr, "PeakWorkingSetSize") == 5005312);
    CHECK(num(ctr, "PeakPagefileUsage") == 286720);
    CHECK(num(ctr, "VirtualSize") == 4100096);
    CHECK(num(ctr, "WorkingSetSize") == 688128);
    CHECK(num(ctr, "PrivatePageCount") == 122880);

    const event_data& dcstart = first.at("Process/DCStart");
    CHECK(text(dcstart, "ImageFileName") == "Idle");
    CHECK(num(dcstart, "PageDirectoryBase") == 0x187000);
    CHECK(num(dcstart, "UniqueProcessKey") == 0xfffff800217d9200ull);
    CHECK(num(dcstart, "SessionID") == 0xFFFFFFFF);  // TraceEvent: -1
    const event_data& defunct = first.at("Process/Defunct");
    CHECK(num(defunct, "ProcessID") == 616);
    CHECK(num(defunct, "ParentID") == 456);
    CHECK(text(defunct, "ImageFileName") == "smss.exe");
    CHECK(num(defunct, "PageDirectoryBase") == 0x541a000);
    CHECK(num(defunct, "SessionID") == 1);
    CHECK(num(defunct, "UniqueProcessKey") == 0xfffffa83001c4080ull);

    const event_data& version = first.at("ImageID/FileVersion");
    CHECK(num(version, "ImageSize") == 1404928);
    CHECK(num(version, "TimeDateStamp") == 1343270522);
    CHECK(text(version, "FileDescription") == "NT Layer DLL");
    CHECK(text(version, "FileVersion").rfind("6.2.9200.16384 (win8", 0) == 0);
    CHECK(text(version, "BinFileVersion") == "6.2.9200.16384");
    CHECK(text(version, "VerLanguage") == "1033");
    CHECK(text(version, "ProductName").rfind("Microsoft\u00AE Windows\u00AE ", 0) == 0);
    CHECK(text(version, "CompanyName").rfind("Microsoft Corporatio", 0) == 0);
    CHECK(text(version, "ProductVersion") == "6.2.9200.16384");
    CHECK(text(version, "FileId").empty());
    const event_data& id = first.at("ImageID");
    CHECK(num(id, "ImageBase") == 0x77710000);
    CHECK(num(id, "ImageSize") == 1404928);
    CHECK(num(id, "TimeDateStamp") == 1343270522);
    CHECK(text(id, "OriginalFileName") == "ntdll.dll");
    const event_data& rsds = first.at("ImageID/DbgID_RSDS");
    CHECK(rsds.guid_value(item(rsds, "GuidSig")).to_string() ==
          "{EC83D8DF-5559-46E0-B630-133EBD979266}");
    CHECK(num(rsds, "Age") == 2);
    CHECK(text(rsds, "PDBFileName") == "wntdll.pdb");
    const event_data& il = first.at("ImageID/DbgID_ILRSDS");
    CHECK(num(il, "ImageBase") == 0x05df0000);
    CHECK(num(il, "Age") == 1);
    CHECK(text(il, "PDBFileName").rfind("E:\\A\\_work\\622\\s\\src", 0) == 0);
  }

  TEST_CASE("kernel_schemas: net.4.5.2.x86.etl decodes exactly with the baseline's values") {
    ETWCAT_REQUIRE_CORPUS();
    std::map<std::string, event_data> first;
    std::uint64_t kept_samples = 0;
    const file_summary f = decode_file(
        "perfview/net.4.5.2.x86.etl",
        [&](const etl::record_view&, const event_schema& s, const event_data& d) {
          const std::string& n = s.event_name;
          if (&s == sample_schema()) {
            kept_samples += tracelog_keeps_sample(d) ? 1 : 0;
          } else if (n == "DiskIO/Read" && num(d, "Irp") == 0xfffffa83033b3680ull) {
            first.try_emplace(n, d);
          } else if (n == "DiskIO/Write" && num(d, "Irp") == 0xfffffa83004e4a30ull) {
            first.try_emplace(n, d);
          } else if (n == "DiskIO/FlushBuffers" && num(d, "Irp") == 0xfffffa83004b9a00ull) {
            first.try_emplace(n, d);
          } else if (n == "Memory/HardFault" && num(d, "VirtualAddress") == 0x777054c8) {
            first.try_emplace(n, d);
          } else if (n == "TcpIp/SendIPV6" && num(d, "sport") == 64022) {
            first.try_emplace(n, d);
          } else if (n != "DiskIO/Read" && n != "DiskIO/Write" && n != "Memory/HardFault" &&
                     n != "TcpIp/SendIPV6" && n != "DiskIO/FlushBuffers") {
            first.try_emplace(n, d);
          }
        });
    CHECK(f.failures.empty());
    CHECK(f.unknown.size() == 1);  // SysConfig type 37, as in the x64 file

    CHECK(count(f, "DiskIO/Read") == 2339);
    CHECK(count(f, "DiskIO/Write") == 50);
    CHECK(count(f, "Image/DCStart") == 1810);
    CHECK(count(f, "Image/DCStop") == 1820);
    CHECK(count(f, "Image/Load") == 57);
    CHECK(count(f, "Image/Unload") == 47);
    CHECK(count(f, "Memory/HardFault") == 394);
    CHECK(count(f, "Process/PerfCtrRundown") == 35);
    CHECK(count(f, "TcpIp/Accept") == 1);
    CHECK(count(f, "TcpIp/Disconnect") == 1);
    CHECK(count(f, "TcpIp/Recv") == 1);
    CHECK(count(f, "TcpIp/Send") == 2);
    CHECK(count(f, "TcpIp/RecvIPV6") == 241);
    CHECK(count(f, "TcpIp/SendIPV6") == 232);
    CHECK(count(f, "Thread/Start") == 16);
    CHECK(count(f, "Thread/Stop") == 29);
    CHECK(count(f, "UdpIp/Recv") == 14);
    CHECK(count(f, "UdpIp/Send") == 16);
    CHECK(count(f, "UdpIp/SendIPV6") == 12);
    CHECK(count(f, "UdpIp/RecvIPV6") == 6);
    CHECK(count(f, "ImageID") == 3728);
    CHECK(count(f, "ImageID/FileVersion") == 680);
    CHECK(count(f, "MetaData/EventMapInfo") == 25);
    CHECK(count(f, "PerfInfo/Sample") == 88809);
    CHECK(kept_samples == 6810);

    const event_data& read = first.at("DiskIO/Read");
    CHECK(num(read, "TransferSize") == 20480);
    CHECK(num(read, "ByteOffset") == 5669618688ull);
    CHECK(num(read, "FileKey") == 0xfffff8a0016b9140ull);
    const event_data& write = first.at("DiskIO/Write");
    CHECK(num(write, "TransferSize") == 45056);
    CHECK(num(write, "ByteOffset") == 3452825600ull);
    CHECK(num(write, "FileKey") == 0xfffffa83016048b0ull);
    CHECK(num(first.at("DiskIO/FlushBuffers"), "DiskNumber") == 0);
    const event_data& hard = first.at("Memory/HardFault");
    CHECK(num(hard, "ReadOffset") == 326656);
    CHECK(num(hard, "FileKey") == 0xfffff8a001eeac50ull);
    CHECK(num(hard, "ByteCount") == 13824);
    const event_data& send = first.at("TcpIp/SendIPV6");
    CHECK(num(send, "size") == 65652);
    CHECK(num(send, "dport") == 445);
    CHECK(num(send, "startime") == 1534);
    CHECK(num(first.at("PerfInfo/CollectionStart"), "NewInterval") == 10000);
  }

  TEST_CASE("kernel_schemas: net.4.5.x86.etl (Windows 7) decodes exactly, SYSTEM32 included") {
    ETWCAT_REQUIRE_CORPUS();
    std::map<std::string, event_data> first;
    std::uint64_t kept_samples = 0, system32 = 0;
    const file_summary f = decode_file(
        "perfview/net.4.5.x86.etl",
        [&](const etl::record_view& r, const event_schema& s, const event_data& d) {
          const std::string& n = s.event_name;
          if (r.kind() == etl::header_kind::system32) {
            ++system32;
            CHECK(n == "SystemConfig/IDEChannel");
            CHECK(text(d, "LocationInformation").rfind("Channel ", 0) == 0);
          }
          if (&s == sample_schema()) {
            kept_samples += tracelog_keeps_sample(d) ? 1 : 0;
          } else if (n == "UdpIp/Recv" && num(d, "sport") == 54470) {
            first.try_emplace(n, d);
          } else if (n == "DiskIO/Write" && num(d, "Irp") == 0xfffffa8304c06b80ull) {
            first.try_emplace(n, d);
          } else if (n == "Image/Load" && num(d, "ImageBase") == 0x00fe0000) {
            first.try_emplace(n, d);
          } else if (n == "Thread/Start" && num(d, "ThreadID") == 4064) {
            first.try_emplace(n, d);
          } else if (n == "Memory/HardFault" && num(d, "VirtualAddress") == 0x7fef8a26000ull) {
            first.try_emplace(n, d);
          } else if (n == "Process/PerfCtr" && num(d, "ProcessID") == 1876) {
            first.try_emplace(n, d);
          } else if (n == "Process/Start" && num(d, "ProcessID") == 1980) {
            first.try_emplace(n, d);
          } else if (n == "SysConfig/BuildInfo") {
            first.try_emplace(n, d);
          }
        });
    CHECK(f.failures.empty());
    CHECK(f.unknown.empty());
    CHECK(system32 == 2);

    CHECK(count(f, "Image/DCStart") == 2688);
    CHECK(count(f, "Image/DCStop") == 2696);
    CHECK(count(f, "Image/Load") == 111);
    CHECK(count(f, "Image/Unload") == 109);
    CHECK(count(f, "Process/DCStart") == 46);
    CHECK(count(f, "Process/PerfCtr") == 2);
    CHECK(count(f, "Thread/Start") == 16);
    CHECK(count(f, "Thread/Stop") == 14);
    CHECK(count(f, "DiskIO/Read") == 65);
    CHECK(count(f, "DiskIO/Write") == 471);
    CHECK(count(f, "TcpIp/SendIPV6") == 34);
    CHECK(count(f, "TcpIp/TCPCopyIPV6") == 10);
    CHECK(count(f, "TcpIp/AcceptIPV6") == 2);
    CHECK(count(f, "UdpIp/Recv") == 56);
    CHECK(count(f, "UdpIp/RecvIPV6") == 45);
    CHECK(count(f, "SystemConfig/PnP") == 117);
    CHECK(count(f, "SystemConfig/Services") == 164);
    CHECK(count(f, "SystemConfig/IRQ") == 13);
    CHECK(count(f, "SystemConfig/IDEChannel") == 2);
    CHECK(count(f, "Memory/HardFault") == 35);
    CHECK(count(f, "SysConfig/VolumeMapping") == 8);
    CHECK(count(f, "ImageID") == 5598);
    CHECK(count(f, "ImageID/DbgID_RSDS") == 5544);
    CHECK(count(f, "ImageID/FileVersion") == 721);
    CHECK(count(f, "ImageID/None") == 32);
    CHECK(count(f, "StackWalk/Stack") == 18532);
    CHECK(count(f, "PerfInfo/Sample") == 16865);
    CHECK(kept_samples == 4854);

    // TraceEvent: context=0x1600000498 (size 22 << 32 | PID 1176), the V2 fields read as V0.
    const event_data& udp = first.at("UdpIp/Recv");
    CHECK(num(udp, "PID") == 1176);
    CHECK(num(udp, "size") == 22);
    CHECK(text(udp, "saddr") == "10.199.28.191");
    CHECK(text(udp, "daddr") == "224.0.0.252");
    CHECK(num(udp, "dport") == 5355);
    const event_data& write = first.at("DiskIO/Write");  // V2: no IssuingThreadId
    CHECK(num(write, "TransferSize") == 65536);
    CHECK(num(write, "ByteOffset") == 12394061824ull);
    CHECK(num(write, "FileKey") == 0xfffff8a00bd05740ull);
    CHECK(write.find("IssuingThreadId") == nullptr);
    const event_data& ps = first.at("Process/Start");  // V3
    CHECK(num(ps, "ParentID") == 1732);
    CHECK(text(ps, "ImageFileName") == "test.exe");
    CHECK(num(ps, "PageDirectoryBase") == 0xb04e5000);
    CHECK(num(ps, "SessionID") == 2);
    CHECK(num(ps, "UniqueProcessKey") == 0xfffffa8302ac3270ull);
    CHECK(text(ps, "CommandLine") == "test.exe");
    const event_data& load = first.at("Image/Load");
    CHECK(num(load, "ImageSize") == 32768);
    CHECK(num(load, "TimeDateStamp") == 1464293839);
    CHECK(text(load, "FileName").find("\\temp\\test.exe") != std::string::npos);
    const event_data& ts = first.at("Thread/Start");
    CHECK(num(ts, "StartAddr") == 0xf);
    CHECK(num(ts, "Win32StartAddr") == 0xfffff800029a4614ull);
    const event_data& hard = first.at("Memory/HardFault");
    CHECK(num(hard, "ReadOffset") == 870912);
    CHECK(num(hard, "FileKey") == 0xfffff8a008a65140ull);
    CHECK(num(hard, "ByteCount") == 16384);
    const event_data& ctr = first.at("Process/PerfCtr");
    CHECK(num(ctr, "PeakVirtualSize") == 194813952);
    CHECK(num(ctr, "PeakWorkingSetSize") == 19169280);
    CHECK(num(ctr, "QuotaPeakNonPagedPoolUsage") == 19324);
    const event_data& build = first.at("SysConfig/BuildInfo");
    CHECK(text(build, "BuildLab") == "7601.19160.amd64fre.win7sp1_gdr.160211-0600");
    CHECK(text(build, "ProductName") == "Windows 7 Enterprise");
  }

  TEST_CASE("kernel_schemas: ShutdownPerfDiagLogger.etl (Windows 10 1903) decodes exactly") {
    ETWCAT_REQUIRE_CORPUS();
    std::map<std::string, event_data> first;
    std::set<std::string> thread_names;
    const file_summary f =
        decode_file("airbus-etl-parser/ShutdownPerfDiagLogger.etl",
                    [&](const etl::record_view&, const event_schema& s, const event_data& d) {
                      if (s.event_name == "Thread/DCStart")
                        thread_names.insert(text(d, "ThreadName"));
                      if (s.event_name == "Image/DCStart" &&
                          text(d, "FileName").find("SysWOW64\\ntdll") != std::string::npos) {
                        first.try_emplace("wow64 ntdll", d);
                      }
                      first.try_emplace(s.event_name, d);
                    });
    CHECK(f.failures.empty());
    CHECK(f.unknown.empty());
    // SOURCES.txt: Image/3 6745, Image/2 4791, Image/4 2145, Thread/3 1175, Thread/2 1032,
    // Thread/4 501, Thread/1 350, Process/3 94, Process/10 72, Process/11 60, Process/2 60,
    // Process/4 37, Process/39 5.
    CHECK(count(f, "Image/DCStart") == 6745);
    CHECK(count(f, "Image/Unload") == 4791);
    CHECK(count(f, "Image/DCStop") == 2145);
    CHECK(count(f, "Thread/DCStart") == 1175);
    CHECK(count(f, "Thread/Stop") == 1032);
    CHECK(count(f, "Thread/DCStop") == 501);
    CHECK(count(f, "Thread/Start") == 350);
    CHECK(count(f, "Process/DCStart") == 94);
    CHECK(count(f, "Image/Load") == 72);
    CHECK(count(f, "Process/Terminate") == 60);
    CHECK(count(f, "Process/Stop") == 60);
    CHECK(count(f, "Process/DCStop") == 37);
    CHECK(count(f, "Process/Defunct") == 5);
    CHECK(count(f, "EventTrace/PartitionInfoExtension") == 1);

    const event_data& h = first.at("EventTrace");
    CHECK(num(h, "ProviderVersion") == 18362);
    CHECK(num(h, "NumberOfProcessors") == 2);
    CHECK(num(h, "LogFileMode") == 0x02000080);
    CHECK(num(h, "BuffersWritten") == 49);
    // V3 thread records carry names on Windows 10.
    CHECK(thread_names.count("Win32k Raw Input Thread") == 1);
    CHECK(thread_names.count("") == 1);
    // Image V3 splits Reserved0 into the signature level and type.
    const event_data& ntdll = first.at("wow64 ntdll");
    CHECK(num(ntdll, "SignatureLevel") == 12);
    CHECK(num(ntdll, "SignatureType") == 2);
    CHECK(num(ntdll, "ImageSize") == 1679360);
    // Defunct V5 ends with the exit time.
    const event_data& defunct = first.at("Process/Defunct");
    CHECK(num(defunct, "ProcessID") == 496);
    CHECK(text(defunct, "ImageFileName") == "svchost.exe");
    CHECK(text(defunct, "UserSID") == "S-1-5-20");
    CHECK(item(defunct, "ExitTime").type == etwcat::data_type::filetime);
    CHECK(num(defunct, "ExitTime") == 132273837514816615ull);
    CHECK(num(first.at("Process/Terminate"), "ProcessID") == 2100);
  }

  TEST_CASE("kernel_schemas: diaghub kernel and rundown files decode exactly") {
    ETWCAT_REQUIRE_CORPUS();
    std::map<std::string, event_data> first;
    auto keep_first = [&](const etl::record_view&, const event_schema& s, const event_data& d) {
      first.try_emplace(s.event_name, d);
    };
    const file_summary kernel = decode_file("perfview/diaghub/diaghub.kernel.1.etl", keep_first);
    CHECK(kernel.failures.empty());
    for (const auto& failure : kernel.failures) MESSAGE(failure);
    CHECK(kernel.unknown.empty());
    CHECK(count(kernel, "Image/DCStop") == 15017);
    CHECK(count(kernel, "SystemConfig/PnP") == 101);
    CHECK(count(kernel, "SystemConfig/Services") == 269);
    CHECK(count(kernel, "SystemConfig/Processors") == 4);
    CHECK(count(kernel, "Process/Defunct") == 9);
    const event_data& cpu = first.at("SystemConfig/Processors");
    CHECK(text(cpu, "ProcessorName") == "Intel(R) Xeon(R) CPU E5-2673 v4 @ 2.30GHz");
    CHECK(num(cpu, "ProcessorSpeed") == 2295);
    CHECK(text(first.at("SystemConfig/PnP"), "ServiceName") == "s3cap");
    // Types 36 and 37 (EVENT_TRACE_TYPE_CONFIG_VIRTUALIZATION, _BOOT) by their MOF layouts. The
    // bytes: 00 00 01 3C and 00000000 00000000 01000000 00 00 24 0B. They agree with the rest
    // of the capture: an Azure VM (the Xeon E5-2673 above) runs on a hypervisor, and BIOS
    // firmware (FirmwareType 1, FirmwareTypeBios) cannot do Secure Boot.
    const event_data& virt = first.at("SystemConfig/Virtualization");
    CHECK(num(virt, "VbsEnabled") == 0);
    CHECK(num(virt, "HvciEnabled") == 0);
    CHECK(num(virt, "HyperVisorEnabled") == 1);
    CHECK(num(virt, "Reserved") == 0x3C);
    const event_data& boot = first.at("SystemConfig/Boot");
    CHECK(num(boot, "BootFlags") == 0);
    CHECK(is_hex(boot, "BootFlags"));
    CHECK(num(boot, "FirmwareType") == 1);
    CHECK(num(boot, "SecureBootEnabled") == 0);
    CHECK(num(boot, "SecureBootCapable") == 0);
    CHECK(num(boot, "Reserved1") == 0x24);
    CHECK(num(boot, "Reserved2") == 0x0B);
    CHECK(first.at("SystemConfig/TelemetryConfiguration")
              .guid_value(item(first.at("SystemConfig/TelemetryConfiguration"), "MachineId"))
              .to_string() == "{B3B0FA5F-3C87-4542-B08D-7886EA577083}");

    const file_summary rundown = decode_file("perfview/diaghub/diaghub.etl", keep_first);
    CHECK(rundown.failures.empty());
    CHECK(rundown.unknown.size() == 1);  // SysConfig type 37
    CHECK(count(rundown, "ImageID/DbgPPDB") == 14154);
    CHECK(count(rundown, "ImageID/DbgDeterm") == 13054);
    CHECK(count(rundown, "ImageID/DbgID_RSDS") == 15076);
    CHECK(count(rundown, "ImageID") == 15423);
    const event_data& ppdb = first.at("ImageID/DbgPPDB");
    CHECK(num(ppdb, "ImageBase") == 0xfffff8016aa00000ull);
    CHECK(num(ppdb, "TimeDateStamp") == 122699321);
  }

  TEST_CASE("kernel_schemas: 32-bit log-file header of smallEtlFile.etl, WinSat blobs") {
    ETWCAT_REQUIRE_CORPUS();
    std::optional<event_data> header;
    etl::header_kind kind = etl::header_kind::system64;
    const file_summary small =
        decode_file("perfview/smallEtlFile.etl",
                    [&](const etl::record_view& r, const event_schema& s, const event_data& d) {
                      if (s.event_name == "EventTrace") {
                        header = d;
                        kind = r.kind();
                      }
                    });
    CHECK(small.failures.empty());
    REQUIRE(header.has_value());
    CHECK(kind == etl::header_kind::system32);
    CHECK(num(*header, "PointerSize") == 4);
    CHECK(num(*header, "ProviderVersion") == 10586);
    CHECK(num(*header, "NumberOfProcessors") == 4);
    CHECK(num(*header, "PerfFreq") == 3117777);
    CHECK(num(*header, "LoggerNamePointer") == 0xA);  // a HAL timer enum, not a pointer
    CHECK(num(*header, "LogFileNamePointer") == 0x6);
    CHECK(num(*header, "BuffersWritten") == 2);
    CHECK(text(*header, "SessionName") == "PerfWatsonGCHeapETLSession688");
    CHECK(text(*header, "LogFileName") == "ReloggedFile.ETL");

    std::map<std::string, event_data> winsat;
    const file_summary relogged =
        decode_file("perfview/SelfDescribingSingleEvent.etl",
                    [&](const etl::record_view&, const event_schema& s, const event_data& d) {
                      if (s.task_name == "WinSat") winsat.try_emplace(s.event_name, d);
                    });
    CHECK(relogged.failures.empty());
    REQUIRE(winsat.size() == 3);
    const event_data& spr = winsat.at("WinSat/WinSPR");
    CHECK(num(spr, "State") == 1);
    CHECK(num(spr, "UncompressedSize") == 1052);
    CHECK(spr.bytes(item(spr, "CompressedXml")).size() == 412 - 8);
    CHECK(num(winsat.at("WinSat/SystemConfig"), "UncompressedSize") == 17888);
  }
}
