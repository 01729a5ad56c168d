// kernel_schemas: the built-in layouts of classic kernel and KernelTraceControl events (and of
// manifest events no published manifest lays out), written as field lists
// (docs/etl-format.md §1.7, §1.9, §6, §7.2; checked against every such record of the corpus)
// and turned into event_schema objects once, on first use.
#include "lib/decode/kernel/kernel_schemas.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "lib/etl/kernel_groups.h"
#include "lib/event/record_event.h"

namespace etwcat::decode {
namespace {

// --- field lists --------------------------------------------------------------------------

// A payload layout under construction: top-level fields in order, then the members of its
// structs (event_schema keeps top-level properties first).
class layout {
 public:
  layout& add(std::string_view name, in_type in, out_type out = out_type::none) {
    property p;
    p.name = std::string(name);
    p.in = in;
    p.out = out;
    top_.push_back(std::move(p));
    return *this;
  }
  layout& u8(std::string_view n) { return add(n, in_type::uint8); }
  layout& i8(std::string_view n) { return add(n, in_type::int8); }
  layout& u16(std::string_view n) { return add(n, in_type::uint16); }
  layout& i16(std::string_view n) { return add(n, in_type::int16); }
  layout& u32(std::string_view n) { return add(n, in_type::uint32); }
  layout& i32(std::string_view n) { return add(n, in_type::int32); }
  layout& u64(std::string_view n) { return add(n, in_type::uint64); }
  layout& i64(std::string_view n) { return add(n, in_type::int64); }
  layout& hex8(std::string_view n) { return add(n, in_type::uint8, out_type::hex_int8); }
  layout& hex16(std::string_view n) { return add(n, in_type::uint16, out_type::hex_int16); }
  layout& hex32(std::string_view n) { return add(n, in_type::uint32, out_type::hex_int32); }
  layout& hex64(std::string_view n) { return add(n, in_type::uint64, out_type::hex_int64); }
  layout& ntstatus(std::string_view n) { return add(n, in_type::uint32, out_type::ntstatus); }
  /// Pointer-sized, printed in hex (addresses, handles, keys).
  layout& ptr(std::string_view n) { return add(n, in_type::pointer); }
  /// Pointer-sized, printed in decimal (sizes, counts).
  layout& size(std::string_view n) { return add(n, in_type::size_t_, out_type::unsigned_long); }
  layout& filetime(std::string_view n) { return add(n, in_type::filetime); }
  layout& guid_(std::string_view n) { return add(n, in_type::guid); }
  /// NUL-terminated UTF-16 (a missing NUL at the very end is tolerated by the decoder).
  layout& wstr(std::string_view n) { return add(n, in_type::unicode_string); }
  /// NUL-terminated 8-bit text.
  layout& astr(std::string_view n) { return add(n, in_type::ansi_string); }
  /// NUL-terminated UTF-8 text (PDB paths: TraceEvent reads them as UTF-8).
  layout& utf8(std::string_view n) { return add(n, in_type::ansi_string, out_type::utf8); }
  /// A fixed array of `chars` UTF-16 units (WCHAR[n]), printed up to its first NUL.
  layout& wchars(std::string_view n, std::uint16_t chars) {
    add(n, in_type::unicode_string);
    top_.back().length_from = size_source::fixed;
    top_.back().length = chars;
    return *this;
  }
  /// TOKEN_USER + SID, or 4 zero bytes (§6 "WBEM SID").
  layout& sid(std::string_view n) { return add(n, in_type::wbem_sid); }
  /// A big-endian u16 port.
  layout& port(std::string_view n) { return add(n, in_type::uint16, out_type::port); }
  /// 4 bytes in network order.
  layout& ipv4(std::string_view n) { return add(n, in_type::uint32, out_type::ipv4); }
  /// 16 bytes in network order.
  layout& ipv6(std::string_view n) {
    add(n, in_type::binary, out_type::ipv6);
    top_.back().length_from = size_source::fixed;
    top_.back().length = 16;
    return *this;
  }
  /// `bytes` bytes, printed as hex.
  layout& bytes(std::string_view n, std::uint16_t count) {
    add(n, in_type::binary);
    top_.back().length_from = size_source::fixed;
    top_.back().length = count;
    return *this;
  }
  /// The rest of the payload, as hex (blobs KernelTraceControl copies in).
  layout& blob(std::string_view n) {
    add(n, in_type::binary);
    top_.back().length_from = size_source::remaining;
    return *this;
  }
  /// Return addresses filling the rest of the payload (StackWalk).
  layout& pointers(std::string_view n) {
    add(n, in_type::pointer);
    top_.back().count_from = size_source::remaining;
    top_.back().is_array = true;
    return *this;
  }
  /// Makes the last field an array whose count is the value of the earlier field `count`.
  layout& counted_by(std::string_view count) {
    for (std::size_t i = 0; i + 1 < top_.size(); ++i) {
      if (top_[i].name == count) {
        top_.back().count_from = size_source::property;
        top_.back().count = static_cast<std::uint16_t>(i);
        top_.back().is_array = true;
      }
    }
    return *this;
  }
  /// Makes the last field an array of `n` elements (a fixed count).
  layout& times(std::uint16_t n) {
    top_.back().count_from = size_source::fixed;
    top_.back().count = n;
    top_.back().is_array = true;
    return *this;
  }
  /// A struct of `members` (which must not contain structs themselves).
  layout& group(std::string_view n, const layout& members) {
    property p;
    p.name = std::string(n);
    p.is_struct = true;
    p.first_member = static_cast<std::uint16_t>(members_.size());  // fixed up in properties()
    p.member_count = static_cast<std::uint16_t>(members.top_.size());
    top_.push_back(std::move(p));
    members_.insert(members_.end(), members.top_.begin(), members.top_.end());
    return *this;
  }

  /// The properties in event_schema order; struct members index into the same list.
  std::vector<property> properties() const {
    std::vector<property> all = top_;
    for (property& p : all) {
      if (p.is_struct) p.first_member = static_cast<std::uint16_t>(p.first_member + top_.size());
    }
    all.insert(all.end(), members_.begin(), members_.end());
    return all;
  }
  std::uint16_t top_level_count() const { return static_cast<std::uint16_t>(top_.size()); }

 private:
  std::vector<property> top_;
  std::vector<property> members_;
};

// --- classes --------------------------------------------------------------------------------

constexpr std::string_view kernel_provider = "Windows Kernel";
constexpr std::string_view trace_control_provider = "KernelTraceControl";

guid guid_of(std::string_view text) { return guid::parse(text).value_or(guid{}); }

// An event class: its GUID and where its names come from. Kernel-group classes take their
// names from the tables in lib/event/record_event.cpp, so that a decoded event and an
// undecoded one are named alike; the others carry TraceEvent's names here.
struct class_def {
  guid id;
  int group = -1;              // EVENT_TRACE_GROUP_* >> 8, or -1
  std::string_view task;       // non-group classes: TraceEvent's task name
  bool trace_control = false;  // KernelTraceControl's, not the kernel's
};

struct opcode_name {
  std::uint8_t type;
  std::string_view name;  // "" = the event is named by its task alone (TraceEvent's LostEvent)
};

// --- the registry ---------------------------------------------------------------------------

struct schema_key {
  guid id;
  std::uint8_t type = 0;
  std::uint16_t version = 0;
  friend auto operator<=>(const schema_key&, const schema_key&) = default;
};

struct indexed_schema {
  schema_key key;
  const event_schema* exact = nullptr;
  // The same layout with allow_trailing_bytes, for versions above the newest known one; set
  // only on the newest version of each (class, type).
  const event_schema* newer = nullptr;
};

class registry {
 public:
  registry();

  const event_schema* find(const guid& id, std::uint8_t type, std::uint16_t version) const {
    for (const class_slots& c : by_class_) {
      if (c.id.data1 != id.data1 || c.id != id) continue;
      const type_slot slot = c.types[type];
      // The versions of one (class, type) are adjacent in index_, oldest first.
      for (std::size_t i = slot.first; i < std::size_t{slot.first} + slot.count; ++i) {
        if (index_[i].key.version == version) return index_[i].exact;
      }
      if (slot.count == 0) return nullptr;
      const indexed_schema& newest = index_[slot.first + slot.count - 1];
      return version > newest.key.version ? newest.newer : nullptr;
    }
    return nullptr;
  }

  const class_def* find_class(const guid& id) const {
    for (const class_def& c : classes_) {
      if (c.id == id) return &c;
    }
    return nullptr;
  }

  std::span<const event_schema* const> all() const { return listing_; }

 private:
  void add(const class_def& c, std::initializer_list<std::uint8_t> types,
           std::initializer_list<std::uint16_t> versions, const layout& fields);
  std::string_view task_of(const class_def& c, std::uint8_t type) const;
  std::string_view opcode_of(const class_def& c, std::uint8_t type, bool& known) const;
  void finish();

  void add_event_trace(const class_def& c);
  void add_disk_io(const class_def& c);
  void add_memory(const class_def& c);
  void add_process(const class_def& c);
  void add_image(const class_def& c);
  void add_file_io(const class_def& c);
  void add_thread(const class_def& c);
  void add_tcp_ip(const class_def& c);
  void add_udp_ip(const class_def& c);
  void add_registry(const class_def& c);
  void add_system_config(const class_def& c);
  void add_perf_info(const class_def& c);
  void add_stack_walk(const class_def& c);
  void add_alpc(const class_def& c);
  void add_lost_event(const class_def& c);
  void add_sys_config(const class_def& c);
  void add_image_id(const class_def& c);
  void add_win_sat(const class_def& c);
  void add_meta_data(const class_def& c);

  std::vector<class_def> classes_;
  std::vector<opcode_name> named_;  // opcode names of the non-group class being added
  std::vector<std::unique_ptr<event_schema>> owned_;
  std::vector<indexed_schema> index_;  // sorted by key
  // Where the versions of each (class, type) sit in index_: a lookup is a few integer compares
  // and no search (records are looked up one by one, millions of times).
  struct type_slot {
    std::uint16_t first = 0;
    std::uint8_t count = 0;
  };
  struct class_slots {
    guid id;
    std::array<type_slot, 256> types{};
  };
  std::vector<class_slots> by_class_;
  std::vector<const event_schema*> listing_;
  guid kernel_provider_guid_;
  guid trace_control_guid_;
};

std::string_view registry::task_of(const class_def& c, std::uint8_t type) const {
  if (c.group >= 0) return kernel_class_name(static_cast<std::uint8_t>(c.group), type);
  return c.task;
}

std::string_view registry::opcode_of(const class_def& c, std::uint8_t type, bool& known) const {
  if (c.group >= 0) {
    const std::string_view name = kernel_type_name(static_cast<std::uint8_t>(c.group), type);
    known = !name.empty();
    return name;
  }
  for (const opcode_name& o : named_) {
    if (o.type == type) {
      known = true;
      return o.name;
    }
  }
  known = false;
  return {};
}

void registry::add(const class_def& c, std::initializer_list<std::uint8_t> types,
                   std::initializer_list<std::uint16_t> versions, const layout& fields) {
  for (std::uint8_t type : types) {
    const std::string_view task = task_of(c, type);
    bool known = false;
    const std::string_view opcode = opcode_of(c, type, known);
    for (std::uint16_t version : versions) {
      auto s = std::make_unique<event_schema>();
      s->source = schema_source::kernel;
      s->provider_guid = c.trace_control ? trace_control_guid_ : kernel_provider_guid_;
      s->event_guid = c.id;
      s->provider_name = std::string(c.trace_control ? trace_control_provider : kernel_provider);
      s->version = static_cast<std::uint8_t>(version);
      s->opcode = type;
      s->task_name = std::string(task);
      // TraceEvent: "Opcode(N)" for an opcode it has no name for; the task alone for type 0
      // (Info) and for a nameless opcode.
      s->opcode_name =
          known || type == 0 ? std::string(opcode) : "Opcode(" + std::to_string(type) + ")";
      s->event_name = s->task_name;
      if (type != 0 && !s->opcode_name.empty()) s->event_name += "/" + s->opcode_name;
      s->properties = fields.properties();
      s->top_level_count = fields.top_level_count();
      index_.push_back({schema_key{c.id, type, version}, s.get(), nullptr});
      owned_.push_back(std::move(s));
    }
  }
}

// Sorts the index and makes the "newer version" copies.
void registry::finish() {
  std::sort(index_.begin(), index_.end(),
            [](const indexed_schema& a, const indexed_schema& b) { return a.key < b.key; });
  for (std::size_t i = 0; i < index_.size(); ++i) {
    const bool newest = i + 1 == index_.size() || index_[i + 1].key.id != index_[i].key.id ||
                        index_[i + 1].key.type != index_[i].key.type;
    if (!newest) continue;
    auto tolerant = std::make_unique<event_schema>(*index_[i].exact);
    tolerant->allow_trailing_bytes = true;
    index_[i].newer = tolerant.get();
    owned_.push_back(std::move(tolerant));
  }
  listing_.reserve(index_.size());
  for (std::size_t i = 0; i < index_.size(); ++i) {
    const schema_key& k = index_[i].key;
    listing_.push_back(index_[i].exact);
    if (by_class_.empty() || by_class_.back().id != k.id) by_class_.push_back({k.id, {}});
    type_slot& slot = by_class_.back().types[k.type];
    if (slot.count == 0) slot.first = static_cast<std::uint16_t>(i);
    ++slot.count;
  }
}

registry::registry()
    : kernel_provider_guid_(guid_of("9e814aad-3204-11d2-9a82-006008a86939")),
      trace_control_guid_(guid_of("28ad2447-105b-4fe2-9599-e59b2aa9a634")) {
  // Kernel groups take their class GUID from the reader's table; the other classes are
  // FULL_HEADER events named by GUID.
  classes_ = {
      {etl::kernel_group_guid(0x00, 0), 0x00, {}, false},
      {etl::kernel_group_guid(0x01, 0), 0x01, {}, false},
      {etl::kernel_group_guid(0x02, 0), 0x02, {}, false},
      {etl::kernel_group_guid(0x03, 0), 0x03, {}, false},
      {etl::kernel_group_guid(0x04, 0), 0x04, {}, false},
      {etl::kernel_group_guid(0x05, 0), 0x05, {}, false},
      {etl::kernel_group_guid(0x06, 0), 0x06, {}, false},
      {etl::kernel_group_guid(0x08, 0), 0x08, {}, false},
      {etl::kernel_group_guid(0x09, 0), 0x09, {}, false},
      {etl::kernel_group_guid(0x0B, 0), 0x0B, {}, false},
      {etl::kernel_group_guid(0x0F, 0), 0x0F, {}, false},
      {etl::kernel_group_guid(0x14, 0), 0x14, {}, false},
      {etl::kernel_group_guid(0x18, 0), 0x18, {}, false},
      {etl::kernel_group_guid(0x1A, 0), 0x1A, {}, false},
      {guid_of("6a399ae0-4bc6-4de9-870b-3657f8947e7e"), -1, "LostEvent", false},
      {guid_of("9b79ee91-b5fd-41c0-a243-4248e266e9d0"), -1, "SysConfig", false},
      {guid_of("b3e675d7-2554-4f18-830b-2762732560de"), -1, "ImageID", true},
      {guid_of("ed54dff8-c409-4cf6-bf83-05e1e61a09c4"), -1, "WinSat", true},
      {guid_of("bbccf6c1-6cd1-48c4-80ff-839482e37671"), -1, "MetaData", true},
  };
  const std::vector<class_def> c = classes_;
  add_event_trace(c[0]);
  add_disk_io(c[1]);
  add_memory(c[2]);
  add_process(c[3]);
  add_file_io(c[4]);
  add_thread(c[5]);
  add_tcp_ip(c[6]);
  add_udp_ip(c[7]);
  add_registry(c[8]);
  add_system_config(c[9]);
  add_perf_info(c[10]);
  add_image(c[11]);
  add_stack_walk(c[12]);
  add_alpc(c[13]);
  add_lost_event(c[14]);
  add_sys_config(c[15]);
  add_image_id(c[16]);
  add_win_sat(c[17]);
  add_meta_data(c[18]);
  finish();
}

// --- EventTrace (group 0): §1.7, §1.9 ---------------------------------------------------------

void registry::add_event_trace(const class_def& c) {
  // TIME_ZONE_INFORMATION: 172 bytes; the MOF gives the zone 176 (4 bytes of padding).
  layout zone;
  zone.i32("Bias")
      .wchars("StandardName", 32)
      .add("StandardDate", in_type::systemtime)
      .i32("StandardBias")
      .wchars("DaylightName", 32)
      .add("DaylightDate", in_type::systemtime)
      .i32("DaylightBias");
  layout header;
  header.u32("BufferSize")
      .hex32("Version")
      .u32("ProviderVersion")
      .u32("NumberOfProcessors")
      .filetime("EndTime")
      .u32("TimerResolution")
      .u32("MaxFileSize")
      .hex32("LogFileMode")
      .u32("BuffersWritten")
      .u32("StartBuffers")
      .u32("PointerSize")
      .u32("EventsLost")
      .u32("CPUSpeed")
      // Pointer-sized slots that hold no pointers in files (§1.7).
      .ptr("LoggerNamePointer")
      .ptr("LogFileNamePointer")
      .group("TimeZoneInformation", zone)
      .u32("TimeZonePadding")
      .filetime("BootTime")
      .u64("PerfFreq")
      .filetime("StartTime")
      .hex32("ReservedFlags")
      .u32("BuffersLost")
      .wstr("SessionName")
      .wstr("LogFileName");
  add(c, {0}, {0, 1, 2}, header);

  layout masks;
  for (int i = 1; i <= 8; ++i) masks.hex32("GroupMask" + std::to_string(i));
  add(c, {5, 32}, {0, 1}, masks);
  layout masks_v2 = masks;
  masks_v2.u32("KernelEventVersion");
  add(c, {5, 32}, {2}, masks_v2);
  add(c, {8}, {0, 1, 2}, layout{});

  add(c, {64}, {2}, layout{}.guid_("Guid").u32("Age").utf8("PdbName"));
  add(c, {66}, {2}, layout{}.astr("BuildString"));
  add(c, {67}, {2},
      layout{}.u32("GuidCount").guid_("Guid").counted_by("GuidCount").wstr("BinaryPath"));
  add(c, {80}, {2},
      layout{}
          .u16("EventVersion")
          .u16("Reserved")
          .u32("PartitionType")
          .i64("QpcOffsetFromRoot")
          .guid_("PartitionId")
          .guid_("ParentId"));
}

// --- DiskIo (group 1): §6.5 -----------------------------------------------------------------

void registry::add_disk_io(const class_def& c) {
  // TraceEvent calls the FileObject slot FileKey.
  add(c, {10, 11}, {0},
      layout{}
          .u32("DiskNumber")
          .hex32("IrpFlags")
          .u32("TransferSize")
          .u32("Reserved")
          .u64("ByteOffset")
          .ptr("FileKey"));
  add(c, {10, 11}, {1},
      layout{}
          .u32("DiskNumber")
          .hex32("IrpFlags")
          .u32("TransferSize")
          .u32("ResponseTime")
          .u64("ByteOffset")
          .ptr("FileKey")
          .u64("HighResResponseTime"));
  layout io;
  io.u32("DiskNumber")
      .hex32("IrpFlags")
      .u32("TransferSize")
      .u32("Reserved")
      .u64("ByteOffset")
      .ptr("FileKey")
      .ptr("Irp")
      .u64("HighResResponseTime");
  add(c, {10, 11}, {2}, io);
  add(c, {10, 11, 55, 56}, {3}, layout(io).u32("IssuingThreadId"));

  add(c, {12, 13, 15}, {2}, layout{}.ptr("Irp"));
  add(c, {12, 13, 15, 58, 59, 60}, {3}, layout{}.ptr("Irp").u32("IssuingThreadId"));

  layout flush;
  flush.u32("DiskNumber").hex32("IrpFlags").u64("HighResResponseTime").ptr("Irp");
  add(c, {14}, {2}, flush);
  add(c, {14, 57}, {3}, layout(flush).u32("IssuingThreadId"));

  add(c, {34}, {2},
      layout{}
          .u32("MajorFunction")
          .u32("MinorFunction")
          .ptr("RoutineAddr")
          .ptr("FileKey")
          .ptr("Irp")
          .u32("UniqMatchID"));
  add(c, {35, 53}, {2}, layout{}.ptr("Irp").u32("UniqMatchID"));
  add(c, {37}, {2}, layout{}.ptr("Routine").ptr("IrpPtr").u32("UniqMatchID"));
  add(c, {52}, {2}, layout{}.ptr("RoutineAddr").ptr("Irp").u32("UniqMatchID"));
}

// --- PageFault / Memory / VirtualMem (group 2) ---------------------------------------------

void registry::add_memory(const class_def& c) {
  add(c, {10, 11, 12, 13, 14, 15}, {2}, layout{}.ptr("VirtualAddress").ptr("ProgramCounter"));
  // InitialTime is a QPC timestamp (8 bytes in both widths: TraceEvent reads VirtualAddress at
  // 16).
  add(c, {32}, {2},
      layout{}
          .u64("InitialTime")
          .u64("ReadOffset")
          .ptr("VirtualAddress")
          .ptr("FileKey")
          .u32("ThreadID")
          .u32("ByteCount"));
  add(c, {98, 99}, {2}, layout{}.ptr("BaseAddr").size("Length").u32("ProcessID").hex32("Flags"));
  layout rundown;
  rundown.ptr("HeapHandle").hex32("HRFlags").u32("HRPid").u32("HRRangeCount");
  add(c, {100}, {2}, rundown);
  add(c, {100}, {3}, layout(rundown).u32("Reserved"));
  add(c, {101}, {2}, layout{}.ptr("HeapHandle").size("FirstRangeSize").hex32("HRCreateFlags"));
  add(c, {102, 103}, {2}, layout{}.ptr("HeapHandle").ptr("HRAddress").size("HRSize"));
  add(c, {104}, {2}, layout{}.ptr("HeapHandle"));
  add(c, {105}, {2},
      layout{}.ptr("FileKey").hex32("DeviceChar").hex16("FileChar").hex16("LoadFlags"));
}

// --- Process (group 3): §6.1 ------------------------------------------------------------------

void registry::add_process(const class_def& c) {
  // Names as TraceEvent prints them (ProcessID, ParentID, SessionID, PageDirectoryBase for the
  // MOF's DirectoryTableBase, ApplicationID).
  add(c, {1, 2, 3, 4}, {0},
      layout{}.ptr("ProcessID").ptr("ParentID").sid("UserSID").astr("ImageFileName"));
  add(c, {1, 2, 3, 4}, {1},
      layout{}
          .ptr("PageDirectoryBase")
          .u32("ProcessID")
          .u32("ParentID")
          .u32("SessionID")
          .i32("ExitStatus")
          .sid("UserSID")
          .astr("ImageFileName"));
  layout head;
  head.ptr("UniqueProcessKey").u32("ProcessID").u32("ParentID").u32("SessionID").i32("ExitStatus");
  add(c, {1, 2, 3, 4, 39}, {2},
      layout(head).sid("UserSID").astr("ImageFileName").wstr("CommandLine"));
  add(c, {1, 2, 3, 4, 39}, {3},
      layout(head)
          .ptr("PageDirectoryBase")
          .sid("UserSID")
          .astr("ImageFileName")
          .wstr("CommandLine"));
  layout v4 = head;
  v4.ptr("PageDirectoryBase")
      .hex32("Flags")
      .sid("UserSID")
      .astr("ImageFileName")
      .wstr("CommandLine")
      .wstr("PackageFullName")
      .wstr("ApplicationID");
  add(c, {1, 2, 3, 4, 39}, {4}, v4);
  // Defunct v5 (Windows 10): v4 and the exit time.
  add(c, {39}, {5}, layout(v4).filetime("ExitTime"));

  add(c, {11}, {2}, layout{}.u32("ProcessID"));
  // TraceEvent calls PageFaultCount "MemoryCount".
  add(c, {32, 33}, {2},
      layout{}
          .u32("ProcessID")
          .u32("MemoryCount")
          .u32("HandleCount")
          .u32("Reserved")
          .size("PeakVirtualSize")
          .size("PeakWorkingSetSize")
          .size("PeakPagefileUsage")
          .size("QuotaPeakPagedPoolUsage")
          .size("QuotaPeakNonPagedPoolUsage")
          .size("VirtualSize")
          .size("WorkingSetSize")
          .size("PagefileUsage")
          .size("QuotaPagedPoolUsage")
          .size("QuotaNonPagedPoolUsage")
          .size("PrivatePageCount"));
}

// --- Image (group 0x14, and group 3 type 10): §6.3 -------------------------------------------

void registry::add_image(const class_def& c) {
  add(c, {10}, {0}, layout{}.ptr("ImageBase").u32("ImageSize").wstr("FileName"));
  add(c, {10}, {1}, layout{}.ptr("ImageBase").size("ImageSize").u32("ProcessID").wstr("FileName"));
  layout head;
  head.ptr("ImageBase")
      .size("ImageSize")
      .u32("ProcessID")
      .u32("ImageChecksum")
      .u32("TimeDateStamp");
  layout v2 = head;
  v2.u32("Reserved0");
  layout v3 = head;
  v3.u8("SignatureLevel").u8("SignatureType").u16("Reserved0");
  for (layout* l : {&v2, &v3}) {
    l->ptr("DefaultBase")
        .u32("Reserved1")
        .u32("Reserved2")
        .u32("Reserved3")
        .u32("Reserved4")
        .wstr("FileName");
  }
  add(c, {2, 3, 4, 10}, {2}, v2);
  add(c, {2, 3, 4, 10}, {3}, v3);
  add(c, {33}, {2}, layout{}.ptr("ImageBase"));
  add(c, {34}, {2}, layout{}.ptr("HypercallPageVa"));
}

// --- FileIo (group 4): §6.4 ---------------------------------------------------------------------

void registry::add_file_io(const class_def& c) {
  // TraceEvent calls the FileObject of name events FileKey.
  layout name;
  name.ptr("FileKey").wstr("FileName");
  add(c, {0}, {0, 1, 2, 3}, name);
  add(c, {32}, {1, 2, 3}, name);
  add(c, {35, 36}, {2, 3}, name);
  add(c, {37, 38, 39, 40}, {2},
      layout{}.ptr("ViewBase").ptr("FileKey").hex64("MiscInfo").size("ViewSize").u32("ProcessID"));

  // V2 (Windows 7) carries the thread as a pointer-sized TTID after IrpPtr; V3 as a u32 after
  // the pointers.
  add(c, {64}, {2},
      layout{}
          .ptr("IrpPtr")
          .ptr("TTID")
          .ptr("FileObject")
          .hex32("CreateOptions")
          .hex32("FileAttributes")
          .hex32("ShareAccess")
          .wstr("FileName"));
  add(c, {64}, {3},
      layout{}
          .ptr("IrpPtr")
          .ptr("FileObject")
          .u32("TTID")
          .hex32("CreateOptions")
          .hex32("FileAttributes")
          .hex32("ShareAccess")
          .wstr("FileName"));
  add(c, {65, 66, 73}, {2}, layout{}.ptr("IrpPtr").ptr("TTID").ptr("FileObject").ptr("FileKey"));
  add(c, {65, 66, 73}, {3}, layout{}.ptr("IrpPtr").ptr("FileObject").ptr("FileKey").u32("TTID"));
  add(c, {67, 68}, {2},
      layout{}
          .u64("Offset")
          .ptr("IrpPtr")
          .ptr("TTID")
          .ptr("FileObject")
          .ptr("FileKey")
          .u32("IoSize")
          .hex32("IoFlags"));
  add(c, {67, 68}, {3},
      layout{}
          .u64("Offset")
          .ptr("IrpPtr")
          .ptr("FileObject")
          .ptr("FileKey")
          .u32("TTID")
          .u32("IoSize")
          .hex32("IoFlags"));
  add(c, {69, 70, 71, 74, 75}, {2},
      layout{}
          .ptr("IrpPtr")
          .ptr("TTID")
          .ptr("FileObject")
          .ptr("FileKey")
          .ptr("ExtraInfo")
          .u32("InfoClass"));
  add(c, {69, 70, 71, 74, 75}, {3},
      layout{}
          .ptr("IrpPtr")
          .ptr("FileObject")
          .ptr("FileKey")
          .ptr("ExtraInfo")
          .u32("TTID")
          .u32("InfoClass"));
  add(c, {72, 77}, {2},
      layout{}
          .ptr("IrpPtr")
          .ptr("TTID")
          .ptr("FileObject")
          .ptr("FileKey")
          .u32("Length")
          .u32("InfoClass")
          .u32("FileIndex")
          .wstr("FileName"));
  add(c, {72, 77}, {3},
      layout{}
          .ptr("IrpPtr")
          .ptr("FileObject")
          .ptr("FileKey")
          .u32("TTID")
          .u32("Length")
          .u32("InfoClass")
          .u32("FileIndex")
          .wstr("FileName"));
  add(c, {76}, {2, 3}, layout{}.ptr("IrpPtr").ptr("ExtraInfo").ntstatus("NtStatus"));
  add(c, {79, 80, 81}, {3},
      layout{}
          .ptr("IrpPtr")
          .ptr("FileObject")
          .ptr("FileKey")
          .ptr("ExtraInfo")
          .u32("TTID")
          .u32("InfoClass")
          .wstr("FileName"));
}

// --- Thread (group 5): §6.2 -------------------------------------------------------------------

void registry::add_thread(const class_def& c) {
  add(c, {1, 2, 3, 4}, {0}, layout{}.u32("ThreadID").u32("ProcessID"));
  layout stacks;
  stacks.u32("ProcessID")
      .u32("ThreadID")
      .ptr("StackBase")
      .ptr("StackLimit")
      .ptr("UserStackBase")
      .ptr("UserStackLimit")
      // From V3 on the slot holds the affinity; TraceEvent still calls it StartAddr.
      .ptr("StartAddr")
      .ptr("Win32StartAddr");
  add(c, {1, 3}, {1}, layout(stacks).i8("WaitMode"));
  add(c, {2, 4}, {1}, layout{}.u32("ProcessID").u32("ThreadID"));
  layout v2 = stacks;
  v2.ptr("TebBase").u32("SubProcessTag");
  add(c, {1, 2, 3, 4}, {2}, v2);
  // V3 records end after ThreadFlags on Windows 8 (72 bytes on 64-bit) and carry a ThreadName
  // on Windows 10 (74+ bytes): the name at the very end decodes as "" when absent.
  add(c, {1, 2, 3, 4}, {3, 4},
      layout(v2)
          .u8("BasePriority")
          .u8("PagePriority")
          .u8("IoPriority")
          .u8("ThreadFlags")
          .wstr("ThreadName"));

  layout cswitch;
  cswitch.u32("NewThreadID")
      .u32("OldThreadID")
      .i8("NewThreadPriority")
      .i8("OldThreadPriority")
      .u8("PreviousCState")
      .i8("SpareByte")
      .i8("OldThreadWaitReason")
      .i8("OldThreadWaitMode")
      .i8("OldThreadState")
      .i8("OldThreadWaitIdealProcessor")
      .u32("NewThreadWaitTime")
      .u32("Reserved");
  add(c, {36}, {2, 3, 4}, cswitch);
  add(c, {37}, {2}, layout{});
  add(c, {50}, {2},
      layout{}
          .u32("AwakenedThreadID")
          .i8("AdjustReason")
          .i8("AdjustIncrement")
          .i8("Flags")
          .i8("Reserved"));
  add(c, {72}, {2}, layout{}.u32("ProcessID").u32("ThreadID").wstr("ThreadName"));
}

// --- TcpIp (group 6) and UdpIp (group 8): §6.7 ------------------------------------------------

// PID, size, addresses and ports, as every TcpIp/UdpIp V1/V2 event starts.
layout ip_head(bool v6) {
  layout l;
  l.u32("PID").u32("size");
  if (v6) {
    l.ipv6("daddr").ipv6("saddr");
  } else {
    l.ipv4("daddr").ipv4("saddr");
  }
  l.port("dport").port("sport");
  return l;
}

// The TCP options of Connect/Accept.
layout& tcp_options(layout& l) {
  return l.u16("mss")
      .u16("sackopt")
      .u16("tsopt")
      .u16("wsopt")
      .u32("rcvwin")
      .i16("rcvwinscale")
      .i16("sndwinscale");
}

void registry::add_tcp_ip(const class_def& c) {
  add(c, {10, 11, 12, 13, 14, 15}, {0},
      layout{}.ipv4("daddr").ipv4("saddr").port("dport").port("sport").u32("size").u32("PID"));
  // V1 (XP/2003): connid before seqnum.
  add(c, {10}, {1}, ip_head(false).u32("startime").u32("endtime").ptr("connid").u32("seqnum"));
  add(c, {11, 13, 14, 16, 18, 19, 20, 21, 22}, {1}, ip_head(false).ptr("connid").u32("seqnum"));
  {
    layout l = ip_head(false);
    add(c, {12, 15}, {1}, tcp_options(l).ptr("connid").u32("seqnum"));
  }
  add(c, {17}, {1}, layout{}.u32("Proto"));

  // V2 (Vista+): seqnum, then the pointer-sized connid.
  for (bool v6 : {false, true}) {
    const std::uint8_t k = v6 ? 16 : 0;
    add(c, {static_cast<std::uint8_t>(10 + k)}, {2},
        ip_head(v6).u32("startime").u32("endtime").u32("seqnum").ptr("connid"));
    add(c,
        {static_cast<std::uint8_t>(11 + k), static_cast<std::uint8_t>(13 + k),
         static_cast<std::uint8_t>(14 + k), static_cast<std::uint8_t>(16 + k),
         static_cast<std::uint8_t>(18 + k)},
        {2}, ip_head(v6).u32("seqnum").ptr("connid"));
    layout l = ip_head(v6);
    add(c, {static_cast<std::uint8_t>(12 + k), static_cast<std::uint8_t>(15 + k)}, {2},
        tcp_options(l).u32("seqnum").ptr("connid"));
  }
  add(c, {17}, {2}, layout{}.u16("Proto").u16("FailureCode"));
}

void registry::add_udp_ip(const class_def& c) {
  add(c, {10, 11}, {0},
      layout{}
          .ptr("context")
          .ipv4("saddr")
          .port("sport")
          .u16("size")
          .ipv4("daddr")
          .port("dport")
          .u16("dsize"));
  add(c, {10, 11}, {1}, ip_head(false));
  add(c, {10, 11}, {2}, ip_head(false).u32("seqnum").ptr("connid"));
  add(c, {26, 27}, {2}, ip_head(true).u32("seqnum").ptr("connid"));
  add(c, {17}, {2}, layout{}.u16("Proto").u16("FailureCode"));
}

// --- Registry (group 9): §6.6 (no corpus data: layouts from the MOF) -------------------------

void registry::add_registry(const class_def& c) {
  add(c, {10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21}, {0},
      layout{}.ptr("Status").ptr("KeyHandle").i64("ElapsedTime").wstr("KeyName"));
  add(c, {10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22}, {1},
      layout{}.ptr("Status").ptr("KeyHandle").i64("ElapsedTime").u32("Index").wstr("KeyName"));
  add(c, {10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29}, {2},
      layout{}.i64("InitialTime").ntstatus("Status").u32("Index").ptr("KeyHandle").wstr("KeyName"));
}

// --- SystemConfig (group 0x0B) -------------------------------------------------------------

void registry::add_system_config(const class_def& c) {
  layout cpu;
  cpu.u32("MHz")
      .u32("NumberOfProcessors")
      .u32("MemSize")
      .u32("PageSize")
      .u32("AllocationGranularity")
      .wchars("ComputerName", 256);
  add(c, {10}, {0, 1}, layout(cpu).wchars("DomainName", 132).ptr("HyperThreadingFlag"));
  layout cpu_v2 = cpu;
  cpu_v2.wchars("DomainName", 134).ptr("HyperThreadingFlag");
  add(c, {10}, {2}, cpu_v2);
  add(c, {10}, {3},
      layout(cpu_v2)
          .ptr("HighestUserAddress")
          .u16("ProcessorArchitecture")
          .u16("ProcessorLevel")
          .u16("ProcessorRevision")
          .u8("PaeEnabled")
          .u8("NxEnabled")
          .u32("MemorySpeed"));

  add(c, {11}, {0, 1, 2},
      layout{}
          .u32("DiskNumber")
          .u32("BytesPerSector")
          .u32("SectorsPerTrack")
          .u32("TracksPerCylinder")
          .u64("Cylinders")
          .u32("SCSIPort")
          .u32("SCSIPath")
          .u32("SCSITarget")
          .u32("SCSILun")
          .wchars("Manufacturer", 256)
          .u32("PartitionCount")
          .u8("WriteCacheEnabled")
          .u8("Pad")
          .wchars("BootDriveLetter", 3)
          .wchars("Spare", 2));

  layout logdisk;
  logdisk.u64("StartOffset")
      .u64("PartitionSize")
      .u32("DiskNumber")
      .u32("Size")
      .u32("DriveType")
      .wchars("DriveLetterString", 4)
      .u32("Pad1")
      .u32("PartitionNumber")
      .u32("SectorsPerCluster")
      .u32("BytesPerSector")
      .u32("Pad2")
      .i64("NumberOfFreeClusters")
      .i64("TotalNumberOfClusters")
      .wchars("FileSystem", 16)
      .u32("VolumeExt");
  add(c, {12}, {0, 1}, logdisk);
  add(c, {12}, {2}, layout(logdisk).u32("Pad3"));

  add(c, {13}, {0, 1},
      layout{}
          .wchars("NICName", 256)
          .u32("Index")
          .u32("PhysicalAddrLen")
          .wchars("PhysicalAddr", 8)
          .u32("Size")
          .ipv4("IpAddress")
          .ipv4("SubnetMask")
          .ipv4("DhcpServer")
          .ipv4("Gateway")
          .ipv4("PrimaryWinsServer")
          .ipv4("SecondaryWinsServer")
          .ipv4("DnsServer1")
          .ipv4("DnsServer2")
          .ipv4("DnsServer3")
          .ipv4("DnsServer4")
          .u32("Data"));
  add(c, {13}, {2},
      layout{}
          .hex64("PhysicalAddr")
          .u32("PhysicalAddrLen")
          .u32("Ipv4Index")
          .u32("Ipv6Index")
          .wstr("NICDescription")
          .wstr("IpAddresses")
          .wstr("DnsServerAddresses"));

  add(c, {14}, {0, 1, 2},
      layout{}
          .u32("MemorySize")
          .u32("XResolution")
          .u32("YResolution")
          .u32("BitsPerPixel")
          .u32("VRefresh")
          .wchars("ChipType", 256)
          .wchars("DACType", 256)
          .wchars("AdapterString", 256)
          .wchars("BiosString", 256)
          .wchars("DeviceID", 256)
          .hex32("StateFlags"));

  add(c, {15}, {0, 1},
      layout{}
          .wchars("ServiceName", 34)
          .wchars("DisplayName", 256)
          .wchars("ProcessName", 34)
          .u32("ProcessID"));
  layout services;
  services.u32("ProcessID")
      .u32("ServiceState")
      .u32("SubProcessTag")
      .wstr("ServiceName")
      .wstr("DisplayName")
      .wstr("ProcessName");
  add(c, {15}, {2}, services);
  add(c, {15}, {3}, layout(services).wstr("LoadOrderGroup").wstr("SvchostGroup"));

  add(c, {16}, {0, 1, 2},
      layout{}.u8("S1").u8("S2").u8("S3").u8("S4").u8("S5").u8("Pad1").u8("Pad2").u8("Pad3"));
  add(c, {17}, {2},
      layout{}
          .u32("TcbTablePartitions")
          .u32("MaxHashTableSize")
          .u32("MaxUserPort")
          .u32("TcpTimedWaitDelay"));
  add(c, {18}, {2},
      layout{}
          .u16("DiskNumber")
          .u16("BusType")
          .u16("DeviceType")
          .u16("MediaType")
          .u64("StartingOffset")
          .u64("Size")
          .u64("NumberOfFreeBlocks")
          .u64("TotalNumberOfBlocks")
          .u64("NextWritableAddress")
          .u32("NumberOfSessions")
          .u32("NumberOfTracks")
          .u32("BytesPerSector")
          .u16("DiscStatus")
          .u16("LastSessionStatus")
          .wstr("DriveLetter")
          .wstr("FileSystemName")
          .astr("DeviceName")
          .astr("ManufacturerName"));

  layout irq;
  irq.hex64("IRQAffinity");
  add(c, {21}, {0, 1, 2},
      layout(irq).u32("IRQNum").u32("DeviceDescriptionLen").wstr("DeviceDescription"));
  add(c, {21}, {3},
      layout(irq)
          .u16("IRQGroup")
          .u16("Reserved")
          .u32("IRQNum")
          .u32("DeviceDescriptionLen")
          .wstr("DeviceDescription"));

  layout pnp;
  pnp.u32("IDLength")
      .u32("DescriptionLength")
      .u32("FriendlyNameLength")
      .wstr("DeviceID")
      .wstr("DeviceDescription")
      .wstr("FriendlyName");
  add(c, {22}, {0, 1, 2}, pnp);
  add(c, {22}, {3}, layout(pnp).wstr("PdoName"));
  layout pnp_v4;
  pnp_v4.guid_("ClassGuid").u32("UpperFiltersCount").u32("LowerFiltersCount");
  layout pnp_v5 = pnp_v4;
  pnp_v5.u32("DevStatus").u32("DevProblem");
  for (layout* l : {&pnp_v4, &pnp_v5}) {
    l->wstr("DeviceID")
        .wstr("DeviceDescription")
        .wstr("FriendlyName")
        .wstr("PdoName")
        .wstr("ServiceName")
        .wstr("UpperFilters")
        .wstr("LowerFilters");
  }
  add(c, {22}, {4}, pnp_v4);
  add(c, {22}, {5}, pnp_v5);

  add(c, {23}, {2},
      layout{}
          .u32("TargetID")
          .hex32("DeviceType")
          .hex32("DeviceTimingMode")
          .u32("LocationInformationLen")
          .wstr("LocationInformation"));
  // The MOF (SystemConfig_V2_NumaNode): NodeMap is UInt64[NodeCount], one mask per node.
  add(c, {24}, {2}, layout{}.u32("NodeCount").hex64("NodeMap").counted_by("NodeCount"));
  add(c, {25}, {2},
      layout{}
          .wstr("SystemManufacturer")
          .wstr("SystemProductName")
          .wstr("BiosDate")
          .wstr("BiosVersion"));
  add(c, {26}, {2}, layout{}.u32("GroupCount").ptr("Affinity"));
  // The MOF (SystemConfig_V2_ProcNumber): ProcessorNumber is UInt32[ProcessorCount].
  add(c, {27}, {2},
      layout{}.u32("ProcessorCount").u32("ProcessorNumber").counted_by("ProcessorCount"));
  add(c, {28}, {2}, layout{}.u32("MachineDPI").u32("UserDPI"));
  add(c, {29}, {2}, layout{}.hex32("CodeIntegrityInfo"));
  add(c, {30}, {2}, layout{}.guid_("MachineId"));
  {
    layout defrag;
    for (const char* n :
         {"AlignmentClusters", "AvgFreeSpaceSize", "ClustersPerSlab", "FragmentedDirectoryExtents",
          "FragmentedExtents", "FreeSpaceCount", "LargestFreeSpaceSize",
          "LastRunActualPurgeClusters", "LastRunClustersTrimmed", "LastRunFullDefragTime",
          "LastRunTime", "MFTSize", "TotalClusters", "TotalUsedClusters"}) {
      defrag.u64(n);
    }
    for (const char* n : {"AvgFragmentsPerFile",
                          "BytesPerCluster",
                          "DirectoryCount",
                          "FragmentedDirectories",
                          "FragmentedFiles",
                          "FragmentedSpace",
                          "HardwareIssue",
                          "InUseMFTRecords",
                          "InUseSlabs",
                          "LastRunActualPurgeSlabs",
                          "LastRunInitialBackedSlabs",
                          "LastRunPercentFragmentation",
                          "LastRunPinnedSlabs",
                          "LastRunPotentialPurgeSlabs",
                          "LastRunSpaceInefficientSlabs",
                          "LastRunTrimmedSlabs",
                          "LastRunUnknownEvictFailSlabs",
                          "LastRunVolsnapPinnedSlabs",
                          "MFTFragmentCount",
                          "MovableFiles",
                          "TotalMFTRecords",
                          "TotalSlabs",
                          "UnmovableFiles"}) {
      defrag.u32(n);
    }
    defrag.guid_("VolumeId").wstr("VolumePathNames");
    add(c, {31}, {2}, defrag);
  }
  {
    layout mobile;
    for (const char* n :
         {"BootLoaderVersion", "FirmwareRevision", "FriendlyName", "HardwareRevision",
          "Manufacturer", "ManufacturerDisplayName", "ManufacturerModelName",
          "MobileOperatorDisplayName", "MobileOperatorName", "ModelName", "RadioHardwareRevision",
          "RadioSoftwareRevision", "ROMVersion", "SOCVersion", "HardwareVariant"}) {
      mobile.wstr(n);
    }
    add(c, {32}, {2}, mobile);
  }
  add(c, {33}, {2}, layout{}.hex64("UAPInfo").u32("DeviceFamily").u32("DeviceForm"));
  add(c, {34}, {2}, layout{}.wstr("UpdateId").wstr("FlightIdList"));
  add(c, {35}, {2},
      layout{}
          .u32("ProcessorIndex")
          .hex32("FeatureSet")
          .u32("ProcessorSpeed")
          .wchars("ProcessorName", 64)
          .wchars("VendorIdentifier", 16)
          .wchars("ProcessorIdentifier", 128));
  // EVENT_TRACE_TYPE_CONFIG_VIRTUALIZATION and _BOOT (evntrace.h), laid out as the MOF classes
  // SystemConfig_Virtualization and SystemConfig_Boot (root\wmi) say; each checked on the one
  // record of diaghub.kernel.1.etl (4 and 16 bytes).
  add(c, {36}, {2},
      layout{}.u8("VbsEnabled").u8("HvciEnabled").u8("HyperVisorEnabled").u8("Reserved"));
  add(c, {37}, {2},
      layout{}
          .hex64("BootFlags")
          .u32("FirmwareType")
          .u8("SecureBootEnabled")
          .u8("SecureBootCapable")
          .u8("Reserved1")
          .u8("Reserved2"));
}

// --- PerfInfo (group 0x0F): §6.8 --------------------------------------------------------------

void registry::add_perf_info(const class_def& c) {
  // The u16 after Count: flags (bit 0 DPC, bit 1 ISR, bits 3-7 priority) and a rank byte, from
  // which TraceEvent derives ExecutingDPC, ExecutingISR, Priority and Rank.
  add(c, {46}, {2},
      layout{}.ptr("InstructionPointer").u32("ThreadID").u16("Count").hex8("Flags").u8("Rank"));
  add(c, {47}, {2},
      layout{}.ptr("InstructionPointer").u32("ThreadID").u16("ProfileSource").u16("Reserved"));
  // A mark set with the SetMark control code (PERFINFO_MARK_INFORMATION: char Name[]), such as
  // WPR's "Wpr_Initiated_Rundown"; TraceEvent calls the string Value.
  add(c, {34}, {2}, layout{}.astr("Value"));
  // InitialTime is a QPC timestamp, 8 bytes in both widths (TraceEvent reads Routine at 8).
  layout isr;
  isr.u64("InitialTime").ptr("Routine").u8("ReturnValue").u8("Vector").u16("Reserved");
  add(c, {67}, {2}, isr);
  add(c, {50}, {2}, layout(isr).u32("Message"));
  add(c, {51}, {2}, layout{}.ptr("SysCallAddress"));
  add(c, {52}, {2}, layout{}.ntstatus("SysCallNtStatus"));
  add(c, {58}, {2}, layout{});
  add(c, {66, 68, 69}, {2}, layout{}.u64("InitialTime").ptr("Routine"));
  layout interval;
  interval.u32("SampleSource").u32("NewInterval").u32("OldInterval");
  add(c, {72, 73, 74}, {2}, interval);
  add(c, {73, 74}, {3}, layout(interval).wstr("SourceName"));
}

// --- StackWalk (group 0x18): §6.8 -------------------------------------------------------------

void registry::add_stack_walk(const class_def& c) {
  add(c, {32}, {2},
      layout{}.u64("EventTimeStamp").u32("StackProcess").u32("StackThread").pointers("Stack"));
  // A stack logged once under a key (Windows 8+ stack compression).
  add(c, {35, 36}, {2}, layout{}.ptr("StackKey").pointers("Stack"));
  add(c, {37, 38}, {2},
      layout{}.u64("EventTimeStamp").u32("StackProcess").u32("StackThread").ptr("StackKey"));
}

// --- ALPC (group 0x1A) ------------------------------------------------------------------------

void registry::add_alpc(const class_def& c) {
  add(c, {33, 34, 35}, {2}, layout{}.u32("MessageID"));
  add(c, {36}, {2}, layout{}.u32("IsServerPort").astr("PortName"));
  add(c, {37}, {2}, layout{}.u32("Status"));
}

// --- Lost_Event (6a399ae0): real-time sessions ----------------------------------------------

void registry::add_lost_event(const class_def& c) {
  named_ = {{32, ""}};  // TraceEvent: opcode 32 without a name, so the event is "LostEvent"
  add(c, {32}, {0}, layout{});
}

// --- SysConfig (9b79ee91, KernelTraceControl's SysConfigEx; TraceEvent files it under the
// kernel) ---------------------------------------------------------------------------------------

void registry::add_sys_config(const class_def& c) {
  named_ = {{32, "BuildInfo"}, {33, "SystemPaths"}, {34, "UnknownVolume"}, {35, "VolumeMapping"}};
  add(c, {32}, {0}, layout{}.filetime("InstallDate").wstr("BuildLab").wstr("ProductName"));
  add(c, {33}, {0}, layout{}.wstr("SystemDirectory").wstr("SystemWindowsDirectory"));
  add(c, {34}, {0}, layout{}.wstr("Value"));
  add(c, {35}, {0}, layout{}.wstr("NtPath").wstr("DosPath"));
}

// --- KernelTraceControl: ImageID, WinSat, MetaData (§7.2) -----------------------------------

void registry::add_image_id(const class_def& c) {
  named_ = {{0x00, "Info"},    {0x20, "None"},      {0x24, "DbgID_RSDS"}, {0x25, "DbgID_ILRSDS"},
            {0x26, "DbgPPDB"}, {0x28, "DbgDeterm"}, {0x40, "FileVersion"}};
  add(c, {0x00}, {2},
      layout{}
          .ptr("ImageBase")
          .size("ImageSize")
          .u32("ProcessID")
          .u32("TimeDateStamp")
          .wstr("OriginalFileName"));
  add(c, {0x20}, {2}, layout{}.ptr("ImageBase").u32("ProcessID"));
  add(c, {0x24, 0x25}, {2},
      layout{}.ptr("ImageBase").u32("ProcessID").guid_("GuidSig").u32("Age").utf8("PDBFileName"));
  add(c, {0x26}, {2},
      layout{}
          .ptr("ImageBase")
          .u32("ProcessID")
          .u32("TimeDateStamp")
          .u16("MajorVersion")
          .u16("MinorVersion"));
  add(c, {0x28}, {1}, layout{}.ptr("ImageBase").u32("ProcessID"));
  layout version;
  version.u32("ImageSize").u32("TimeDateStamp");
  for (const char* n :
       {"OrigFileName", "FileDescription", "FileVersion", "BinFileVersion", "VerLanguage",
        "ProductName", "CompanyName", "ProductVersion", "FileId", "ProgramId"}) {
    version.wstr(n);
  }
  add(c, {0x40}, {0}, version);
}

void registry::add_win_sat(const class_def& c) {
  // An LZNT1-compressed XML document after a state word and its uncompressed size.
  named_ = {{33, "WinSPR"}, {35, "Metrics"}, {37, "SystemConfig"}};
  add(c, {33, 35, 37}, {0}, layout{}.u32("State").u32("UncompressedSize").blob("CompressedXml"));
}

void registry::add_meta_data(const class_def& c) {
  // A TRACE_EVENT_INFO (§7.1), and a provider GUID + EVENT_MAP_INFO; the schema store reads
  // them, the output shows them as bytes.
  named_ = {{32, "EventInfo"}, {33, "EventMapInfo"}};
  add(c, {32}, {0}, layout{}.blob("EventInfo"));
  add(c, {33}, {0}, layout{}.guid_("ProviderGuid").blob("EventMapInfo"));
}

const registry& the_registry() {
  static const registry r;  // built once; C++ makes the first call thread-safe
  return r;
}

// --- Manifest events whose published template is empty ----------------------------------------

// Microsoft-Windows-DotNETRuntimePrivate: ClrEtwAll.man gives GC/PerHeapHistory (event 4,
// opcode 17) version 2 an empty template; the runtime logs its gc_history_per_heap structure,
// which TraceEvent (GCPerHeapHistoryTraceData) reads by hand. Layout, checked against the 1,394
// such events of the PerfView captures: 5 generations (0, 1, 2, LOH, gen 0 after a second
// pass) of 10 pointer-sized counters, 6 UInt32, then in .NET 4.5.2 a UInt64 ExtraGen0Commit,
// then a 1-byte ClrInstanceID. Both runtimes write version 2, so the payload's size tells them
// apart, as it does for TraceEvent: 25 bytes after the counters in 4.5, 33 in 4.5.2.
constexpr guid clr_private_provider{
    0x763FD754, 0x7086, 0x4DFE, {0x95, 0xEB, 0xC0, 0x1A, 0x46, 0xFA, 0xF4, 0xCA}};
constexpr std::uint16_t gc_per_heap_history_id = 4;
constexpr std::size_t gc_generations = 5;
constexpr std::size_t gc_generation_counters = 10;

event_schema gc_per_heap_history(bool extra_gen0_commit) {
  layout generation;
  for (const char* n :
       {"SizeBefore", "FreeListSpaceBefore", "FreeObjSpaceBefore", "SizeAfter",
        "FreeListSpaceAfter", "FreeObjSpaceAfter", "In", "Out", "Budget", "SurvRate"}) {
    generation.size(n);
  }
  layout fields;
  fields.group("GenData", generation)
      .times(gc_generations)
      .u32("CondemnReasons0")
      .u32("CondemnReasons1")
      .u32("MemoryPressure")
      // Bit 31 says a mechanism was used, the low bits which one (TraceEvent's enums).
      .hex32("ExpandMechanisms")
      .hex32("CompactMechanisms")
      .u32("HeapIndex");
  if (extra_gen0_commit) fields.u64("ExtraGen0Commit");
  fields.u8("ClrInstanceID");
  event_schema s;
  s.source = schema_source::manifest;
  s.provider_guid = clr_private_provider;
  s.provider_name = "Microsoft-Windows-DotNETRuntimePrivate";
  s.id = gc_per_heap_history_id;
  s.version = 2;
  s.opcode = 17;
  s.task = 1;
  s.task_name = "GC";
  s.opcode_name = "PerHeapHistory";
  s.event_name = "GC/PerHeapHistory";
  s.properties = fields.properties();
  s.top_level_count = fields.top_level_count();
  return s;
}

// --- .NET events newer than the CLR manifests of the built-in database --------------------

// The database's CLR manifest (PerfView's ClrEtwAll.man, 2016) predates these events of .NET 5
// to 8. Names as TraceEvent gives them (PerfView's baselines of gcevents.etl and
// gcrundownevents.etl); fields as dotnet/runtime's ClrEtwAll.man and its FireEtw* signatures
// give them. GC/LOHCompact and GC/FitBucketInfo log their Values as the runtime's own C
// structs, padding included (the manifest's struct leaves it out): those two are laid out
// for 64-bit processes only, the only ones the corpus has, and only when the payload's size
// is exactly what its Count says. Checked against every such record of the corpus.
constexpr guid clr_provider{
    0xE13C0D23, 0xCCBC, 0x4E12, {0x93, 0x1B, 0xD9, 0xCC, 0x2E, 0xEE, 0x27, 0xE4}};
constexpr guid clr_rundown_provider{
    0xA669021C, 0xC450, 0x4609, {0xA0, 0x35, 0x5A, 0xF5, 0x9A, 0xF4, 0xDF, 0x18}};

event_schema clr_event(const guid& provider, std::uint16_t id, std::uint16_t task,
                       std::string_view task_name, std::uint8_t opcode,
                       std::string_view opcode_name, const layout& fields) {
  event_schema s;
  s.source = schema_source::manifest;
  s.provider_guid = provider;
  s.provider_name = provider == clr_provider ? "Microsoft-Windows-DotNETRuntime"
                                             : "Microsoft-Windows-DotNETRuntimeRundown";
  s.id = id;
  s.version = 0;
  s.task = task;
  s.opcode = opcode;
  s.task_name = std::string(task_name);
  s.opcode_name = std::string(opcode_name);
  s.event_name = s.task_name + "/" + s.opcode_name;
  s.properties = fields.properties();
  s.top_level_count = fields.top_level_count();
  return s;
}

// GC/LOHCompact (208): per heap, the times (ms) of the plan, compact and relocate phases of a
// large-object-heap compaction and its reference counts.
event_schema gc_loh_compact() {
  layout heap;
  heap.u32("TimePlan")
      .u32("TimeCompact")
      .u32("TimeRelocate")
      .u32("Padding")  // the C struct's, before the pointer-sized counters
      .size("TotalRefs")
      .size("ZeroRefs");
  layout fields;
  fields.u16("ClrInstanceID").u16("Count").group("Values", heap).counted_by("Count");
  return clr_event(clr_provider, 208, 1, "GC", 208, "LOHCompact", fields);
}
constexpr std::size_t loh_compact_head = 4, loh_compact_element = 32;

// GC/FitBucketInfo (209): free-space buckets of a kind (BucketKind 1 = plugs in condemned
// generations, as TraceEvent names it); TotalSize is the sum of the buckets' Size.
event_schema gc_fit_bucket_info() {
  layout bucket;
  bucket.u16("Index").u16("Padding").u32("Count").size("Size");
  layout fields;
  fields.u16("ClrInstanceID")
      .u16("BucketKind")
      .u64("TotalSize")
      .u16("Count")
      .group("Values", bucket)
      .counted_by("Count");
  return clr_event(clr_provider, 209, 1, "GC", 209, "FitBucketInfo", fields);
}
constexpr std::size_t fit_bucket_head = 14, fit_bucket_element = 16;

// Rundown GC/SettingsRundown (10): the GC's configuration, 50 bytes.
event_schema gc_settings_rundown() {
  layout fields;
  fields.u64("HardLimit")
      .u64("LOHThreshold")
      .u64("PhysicalMemoryConfig")
      .u64("Gen0MinBudgetConfig")
      .u64("Gen0MaxBudgetConfig")
      .u32("HighMemPercentConfig")
      .hex32("BitSettings")
      .u16("ClrInstanceID");
  return clr_event(clr_rundown_provider, 10, 40, "GC", 10, "SettingsRundown", fields);
}
constexpr std::size_t gc_settings_size = 50;

// Rundown TieredCompilationRundown/SettingsDCStart (280): 6 bytes; Flags bit 0 QuickJit, bit
// 1 QuickJitForLoops (the manifest's TieredCompilationSettingsFlagsMap).
event_schema tiered_compilation_settings() {
  layout fields;
  fields.u16("ClrInstanceID").hex32("Flags");
  return clr_event(clr_rundown_provider, 280, 31, "TieredCompilationRundown", 11, "SettingsDCStart",
                   fields);
}
constexpr std::size_t tiered_settings_size = 6;

std::uint16_t read_u16(std::span<const std::byte> payload, std::size_t offset) {
  return static_cast<std::uint16_t>(std::to_integer<unsigned>(payload[offset]) |
                                    (std::to_integer<unsigned>(payload[offset + 1]) << 8));
}

}  // namespace

const event_schema* find_builtin_event_names(const guid& provider, std::uint16_t id,
                                             std::uint8_t version) {
  if (version != 0) return nullptr;
  if (provider == clr_provider) {
    static const event_schema loh = gc_loh_compact();
    static const event_schema fit = gc_fit_bucket_info();
    if (id == 208) return &loh;
    if (id == 209) return &fit;
  } else if (provider == clr_rundown_provider) {
    static const event_schema settings = gc_settings_rundown();
    static const event_schema tiered = tiered_compilation_settings();
    if (id == 10) return &settings;
    if (id == 280) return &tiered;
  }
  return nullptr;
}

const event_schema* find_builtin_event_layout(const guid& provider, std::uint16_t id,
                                              std::uint8_t version,
                                              std::span<const std::byte> payload,
                                              std::uint8_t pointer_size) {
  if (pointer_size != 4 && pointer_size != 8) return nullptr;
  const std::size_t payload_size = payload.size();
  if (provider == clr_private_provider && id == gc_per_heap_history_id && version == 2) {
    static const event_schema net45 = gc_per_heap_history(false);
    static const event_schema net452 = gc_per_heap_history(true);
    const std::size_t counters = gc_generations * gc_generation_counters * pointer_size;
    if (payload_size == counters + 6 * 4 + 1) return &net45;
    if (payload_size == counters + 6 * 4 + 8 + 1) return &net452;
    return nullptr;
  }
  const event_schema* known = find_builtin_event_names(provider, id, version);
  if (known == nullptr) return nullptr;
  if (provider == clr_rundown_provider) {
    const std::size_t size = id == 10 ? gc_settings_size : tiered_settings_size;
    return payload_size == size ? known : nullptr;
  }
  // LOHCompact and FitBucketInfo: 64-bit only, and exactly Count elements.
  if (pointer_size != 8) return nullptr;
  const std::size_t head = id == 208 ? loh_compact_head : fit_bucket_head;
  const std::size_t element = id == 208 ? loh_compact_element : fit_bucket_element;
  if (payload_size < head) return nullptr;
  const std::size_t count = read_u16(payload, head - 2);
  return payload_size == head + count * element ? known : nullptr;
}

const event_schema* find_kernel_schema(const guid& event_class, std::uint8_t type,
                                       std::uint16_t version, std::uint8_t pointer_size) {
  if (pointer_size != 4 && pointer_size != 8) return nullptr;
  return the_registry().find(event_class, type, version);
}

std::string_view kernel_task_name(const guid& event_class) noexcept {
  const class_def* c = the_registry().find_class(event_class);
  if (c == nullptr) return {};
  if (c->group >= 0) return kernel_class_name(static_cast<std::uint8_t>(c->group), 0);
  return c->task;
}

std::string_view kernel_class_provider(const guid& event_class) noexcept {
  const class_def* c = the_registry().find_class(event_class);
  if (c == nullptr) return {};
  return c->trace_control ? trace_control_provider : kernel_provider;
}

std::span<const event_schema* const> all_kernel_schemas() { return the_registry().all(); }

}  // namespace etwcat::decode
