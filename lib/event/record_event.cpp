// record_event: record_view -> event (System, ExtendedData, RawData). Kernel names are
// TraceEvent's (KernelTraceEventParser) so that counts line up with PerfView; extended items
// per docs/etl-format.md §4; time per §3 through trace_clock.
#include "lib/event/record_event.h"

#include <array>
#include <charconv>
#include <cstring>
#include <string>
#include <vector>

#include "lib/etl/kernel_groups.h"
#include "lib/etl/layout.h"

namespace etwcat {
namespace {

// --- kernel names -------------------------------------------------------------------------

// TraceEvent spells a few group names differently from the consumer API's class names.
std::string_view group_class_name(std::uint8_t group) noexcept {
  switch (group) {
    case 0x01:
      return "DiskIO";
    case 0x02:
      return "PageFault";
    case 0x04:
      return "FileIO";
    case 0x0B:
      return "SystemConfig";
    case 0x1A:
      return "ALPC";
    case 0x1B:
      return "SplitIo";
    default:
      return etl::kernel_group_name(group);
  }
}

struct type_name {
  std::uint8_t group;
  std::uint8_t type;
  std::string_view name;
};

// (group, type) -> TraceEvent opcode name (KernelTraceEventParser; for events TraceEvent only
// knows through TDH, the MOF EventTypeName). Others print as "Class/Opcode(N)", which is also
// what TraceEvent prints for an opcode it does not know.
constexpr type_name kernel_type_names[] = {
    // EventTrace
    {0x00, 0, "Header"},
    {0x00, 5, "Extension"},
    {0x00, 8, "RundownComplete"},
    {0x00, 32, "EndExtension"},
    {0x00, 64, "DbgIdRSDS"},
    {0x00, 66, "BuildInfo"},
    {0x00, 67, "ProviderBinaryPath"},
    {0x00, 80, "PartitionInfoExtension"},
    // DiskIO
    {0x01, 10, "Read"},
    {0x01, 11, "Write"},
    {0x01, 12, "ReadInit"},
    {0x01, 13, "WriteInit"},
    {0x01, 14, "FlushBuffers"},
    {0x01, 15, "FlushInit"},
    {0x01, 34, "DriverMajorFunctionCall"},
    {0x01, 35, "DriverMajorFunctionReturn"},
    {0x01, 37, "DriverCompletionRoutine"},
    {0x01, 52, "DriverCompleteRequest"},
    {0x01, 53, "DriverCompleteRequestReturn"},
    {0x01, 55, "OpticalRead"},
    {0x01, 56, "OpticalWrite"},
    {0x01, 57, "OpticalFlushBuffers"},
    {0x01, 58, "OpticalReadInit"},
    {0x01, 59, "OpticalWriteInit"},
    {0x01, 60, "OpticalFlushInit"},
    // PageFault / Memory / VirtualMem (see kernel_class_name)
    {0x02, 10, "TransitionFault"},
    {0x02, 11, "DemandZeroFault"},
    {0x02, 12, "CopyOnWrite"},
    {0x02, 13, "GuardPageFault"},
    {0x02, 14, "HardPageFault"},
    {0x02, 15, "AccessViolation"},
    {0x02, 32, "HardFault"},
    {0x02, 98, "Alloc"},
    {0x02, 99, "Free"},
    {0x02, 100, "HeapRangeRundown"},
    {0x02, 101, "HeapRangeCreate"},
    {0x02, 102, "HeapRangeReserve"},
    {0x02, 103, "HeapRangeRelease"},
    {0x02, 104, "HeapRangeDestroy"},
    {0x02, 105, "ImageLoadBacked"},
    // Process; type 10 is Image/Load, logged in the Process group
    {0x03, 1, "Start"},
    {0x03, 2, "Stop"},
    {0x03, 3, "DCStart"},
    {0x03, 4, "DCStop"},
    {0x03, 10, "Load"},
    {0x03, 11, "Terminate"},
    {0x03, 32, "PerfCtr"},
    {0x03, 33, "PerfCtrRundown"},
    {0x03, 39, "Defunct"},
    // FileIO
    {0x04, 0, "Name"},
    {0x04, 32, "FileCreate"},
    {0x04, 35, "FileDelete"},
    {0x04, 36, "FileRundown"},
    {0x04, 37, "MapFile"},
    {0x04, 38, "UnmapFile"},
    {0x04, 39, "MapFileDCStart"},
    {0x04, 40, "MapFileDCStop"},
    {0x04, 64, "Create"},
    {0x04, 65, "Cleanup"},
    {0x04, 66, "Close"},
    {0x04, 67, "Read"},
    {0x04, 68, "Write"},
    {0x04, 69, "SetInfo"},
    {0x04, 70, "Delete"},
    {0x04, 71, "Rename"},
    {0x04, 72, "DirEnum"},
    {0x04, 73, "Flush"},
    {0x04, 74, "QueryInfo"},
    {0x04, 75, "FSControl"},
    {0x04, 76, "OperationEnd"},
    {0x04, 77, "DirNotify"},
    {0x04, 79, "DeletePath"},
    {0x04, 80, "RenamePath"},
    {0x04, 81, "SetLinkPath"},
    // Thread; type 50 is Dispatcher/ReadyThread
    {0x05, 1, "Start"},
    {0x05, 2, "Stop"},
    {0x05, 3, "DCStart"},
    {0x05, 4, "DCStop"},
    {0x05, 36, "CSwitch"},
    {0x05, 37, "CompCS"},
    {0x05, 50, "ReadyThread"},
    {0x05, 62, "Enqueue"},
    {0x05, 63, "Dequeue"},
    {0x05, 72, "SetName"},
    // TcpIp
    {0x06, 10, "Send"},
    {0x06, 11, "Recv"},
    {0x06, 12, "Connect"},
    {0x06, 13, "Disconnect"},
    {0x06, 14, "Retransmit"},
    {0x06, 15, "Accept"},
    {0x06, 16, "Reconnect"},
    {0x06, 17, "Fail"},
    {0x06, 18, "TCPCopy"},
    {0x06, 19, "ARPCopy"},
    {0x06, 20, "FullACK"},
    {0x06, 21, "PartACK"},
    {0x06, 22, "DupACK"},
    {0x06, 26, "SendIPV6"},
    {0x06, 27, "RecvIPV6"},
    {0x06, 28, "ConnectIPV6"},
    {0x06, 29, "DisconnectIPV6"},
    {0x06, 30, "RetransmitIPV6"},
    {0x06, 31, "AcceptIPV6"},
    {0x06, 32, "ReconnectIPV6"},
    {0x06, 34, "TCPCopyIPV6"},
    // UdpIp
    {0x08, 10, "Send"},
    {0x08, 11, "Recv"},
    {0x08, 17, "Fail"},
    {0x08, 26, "SendIPV6"},
    {0x08, 27, "RecvIPV6"},
    // Registry
    {0x09, 10, "Create"},
    {0x09, 11, "Open"},
    {0x09, 12, "Delete"},
    {0x09, 13, "Query"},
    {0x09, 14, "SetValue"},
    {0x09, 15, "DeleteValue"},
    {0x09, 16, "QueryValue"},
    {0x09, 17, "EnumerateKey"},
    {0x09, 18, "EnumerateValueKey"},
    {0x09, 19, "QueryMultipleValue"},
    {0x09, 20, "SetInformation"},
    {0x09, 21, "Flush"},
    {0x09, 22, "KCBCreate"},
    {0x09, 23, "KCBDelete"},
    {0x09, 24, "KCBRundownBegin"},
    {0x09, 25, "KCBRundownEnd"},
    {0x09, 26, "Virtualize"},
    {0x09, 27, "Close"},
    {0x09, 28, "SetSecurity"},
    {0x09, 29, "QuerySecurity"},
    // SystemConfig
    {0x0B, 10, "CPU"},
    {0x0B, 11, "PhyDisk"},
    {0x0B, 12, "LogDisk"},
    {0x0B, 13, "NIC"},
    {0x0B, 14, "Video"},
    {0x0B, 15, "Services"},
    {0x0B, 16, "Power"},
    {0x0B, 17, "Network"},
    {0x0B, 18, "OpticalDisk"},
    {0x0B, 21, "IRQ"},
    {0x0B, 22, "PnP"},
    {0x0B, 23, "IDEChannel"},
    {0x0B, 24, "NumaNode"},
    {0x0B, 25, "Platform"},
    {0x0B, 26, "ProcessorGroup"},
    {0x0B, 27, "ProcessorNumber"},
    {0x0B, 28, "DPI"},
    {0x0B, 29, "CodeIntegrity"},
    {0x0B, 30, "TelemetryConfiguration"},
    {0x0B, 31, "Defragmentation"},
    {0x0B, 32, "MobilePlatform"},
    {0x0B, 33, "DeviceFamily"},
    {0x0B, 34, "FlightIds"},
    {0x0B, 35, "Processors"},
    {0x0B, 36, "Virtualization"},  // the MOF's names: TraceEvent has none
    {0x0B, 37, "Boot"},
    // PerfInfo
    {0x0F, 34, "Mark"},
    {0x0F, 46, "Sample"},
    {0x0F, 47, "PMCSample"},
    {0x0F, 50, "ISR"},
    {0x0F, 51, "SysClEnter"},
    {0x0F, 52, "SysClExit"},
    {0x0F, 58, "DebuggerEnabled"},
    {0x0F, 66, "ThreadedDPC"},
    {0x0F, 67, "ISR"},
    {0x0F, 68, "DPC"},
    {0x0F, 69, "TimerDPC"},
    {0x0F, 72, "SetInterval"},
    {0x0F, 73, "CollectionStart"},
    {0x0F, 74, "CollectionEnd"},
    // Image
    {0x14, 2, "Unload"},
    {0x14, 3, "DCStart"},
    {0x14, 4, "DCStop"},
    {0x14, 10, "Load"},
    {0x14, 33, "KernelBase"},
    {0x14, 34, "HypercallPage"},
    // StackWalk
    {0x18, 32, "Stack"},
    {0x18, 34, "KeyCreate"},
    {0x18, 35, "KeyDelete"},
    {0x18, 36, "KeyRundown"},
    {0x18, 37, "StackKeyKernel"},
    {0x18, 38, "StackKeyUser"},
    // ALPC
    {0x1A, 33, "SendMessage"},
    {0x1A, 34, "ReceiveMessage"},
    {0x1A, 35, "WaitForReply"},
    {0x1A, 36, "WaitForNewMessage"},
    {0x1A, 37, "Unwait"},
    // SplitIo
    {0x1B, 32, "VolMgr"},
};

// "SYSTEM64", … : the header kind as the Classic.HeaderType value.
std::string_view header_type_name(etl::header_kind kind) noexcept {
  using k = etl::header_kind;
  switch (kind) {
    case k::system32:
      return "SYSTEM32";
    case k::system64:
      return "SYSTEM64";
    case k::compact32:
      return "COMPACT32";
    case k::compact64:
      return "COMPACT64";
    case k::perfinfo32:
      return "PERFINFO32";
    case k::perfinfo64:
      return "PERFINFO64";
    case k::full_header32:
      return "FULL_HEADER32";
    case k::full_header64:
      return "FULL_HEADER64";
    case k::instance32:
      return "INSTANCE32";
    case k::instance64:
      return "INSTANCE64";
    case k::event_header32:
      return "EVENT_HEADER32";
    case k::event_header64:
      return "EVENT_HEADER64";
    case k::wpp_message:
      return "MESSAGE";
  }
  return {};
}

// Builds "<prefix><n><suffix>" in a stack buffer and stores it as the event's own name.
void set_numbered_name(event& out, std::string_view prefix, unsigned n, std::string_view suffix) {
  char text[64];
  std::size_t used = 0;
  auto put = [&](std::string_view s) {
    const std::size_t k = std::min(s.size(), sizeof text - used);
    std::memcpy(text + used, s.data(), k);
    used += k;
  };
  put(prefix);
  auto [end, ec] = std::to_chars(text + used, text + sizeof text, n);
  if (ec == std::errc{}) used = static_cast<std::size_t>(end - text);
  put(suffix);
  out.set_event_name_copy({text, used});
}

// EventName of a kernel class event: "Class" (type 0), "Class/Type", "Class/Opcode(N)".
// The kernel events kernel_type_names names, by (group, type): their position in the table and
// their whole "Class/Type" name, made once, so that naming an event is a lookup, not a search
// and a copy.
struct kernel_name_index {
  std::array<std::uint16_t, 65536> position{};  // (group << 8 | type) -> position + 1; 0: none
  std::vector<std::string> full;                // by position

  kernel_name_index() {
    full.resize(std::size(kernel_type_names));
    for (std::size_t i = 0; i < std::size(kernel_type_names); ++i) {
      const type_name& t = kernel_type_names[i];
      auto& at = position[std::size_t{t.group} << 8 | t.type];
      if (at != 0) continue;  // the first entry wins, as the search did
      at = static_cast<std::uint16_t>(i + 1);
      full[i] = std::string(kernel_class_name(t.group, t.type)) + "/" + std::string(t.name);
    }
  }
};

const kernel_name_index& kernel_names() {
  static const kernel_name_index index;  // built in place (static storage, not the stack)
  return index;
}

void name_kernel_event(event& out, std::uint8_t group, std::uint8_t type) {
  const std::string_view cls = kernel_class_name(group, type);
  if (cls.empty()) {
    char prefix[32];
    std::size_t used = 0;
    std::memcpy(prefix, "Group(", 6);
    used = 6;
    auto [end, ec] = std::to_chars(prefix + used, prefix + sizeof prefix, unsigned{group});
    used = static_cast<std::size_t>(end - prefix);
    std::memcpy(prefix + used, ")/Opcode(", 9);
    used += 9;
    set_numbered_name(out, {prefix, used}, type, ")");
    return;
  }
  if (type == 0) {
    out.set_event_name(cls);  // the static class name itself
    return;
  }
  const kernel_name_index& names = kernel_names();
  if (const std::uint16_t at = names.position[std::size_t{group} << 8 | type]; at != 0) {
    out.set_event_name(names.full[at - 1]);  // static: lives as long as the program
    return;
  }
  char text[64];
  std::size_t used = 0;
  std::memcpy(text, cls.data(), cls.size());
  used = cls.size();
  text[used++] = '/';
  std::memcpy(text + used, "Opcode(", 7);
  set_numbered_name(out, {text, used + 7}, type, ")");
}

// The kernel group whose class GUID is `g` (relogged kernel events arrive as FULL headers).
// --- extended items -------------------------------------------------------------------------

std::uint64_t read_u64(std::span<const std::byte> data, std::size_t at) noexcept {
  std::uint64_t v = 0;
  for (std::size_t k = 8; k-- > 0;) v = v << 8 | static_cast<std::uint64_t>(data[at + k]);
  return v;
}

std::uint32_t read_u32(std::span<const std::byte> data, std::size_t at) noexcept {
  std::uint32_t v = 0;
  for (std::size_t k = 4; k-- > 0;) v = v << 8 | static_cast<std::uint32_t>(data[at + k]);
  return v;
}

// Items whose data does not have the documented size go to other_items, so nothing is lost.
void add_extended_item(const etl::extended_item& item, event& out) {
  namespace x = etl::ext_type;
  const auto data = item.data;
  switch (item.type) {
    case x::related_activityid:
      if (data.size() == 16) {
        out.related_activity_id = guid::from_bytes(data.first<16>());
        out.has_related_activity_id = true;
        return;
      }
      break;
    case x::sid: {
      char text[event::max_sid_text];
      if (const std::string_view s = format_sid(data, text); !s.empty()) {
        out.set_sid(s);
        return;
      }
      break;
    }
    case x::ts_id:
      if (data.size() == 4) {
        out.terminal_session_id = read_u32(data, 0);
        out.has_terminal_session_id = true;
        return;
      }
      break;
    case x::stack_trace32:
    case x::stack_trace64: {
      const std::uint8_t width = item.type == x::stack_trace32 ? 4 : 8;
      if (data.size() >= 8 && !out.has_stack_trace) {
        out.stack.match_id = read_u64(data, 0);
        out.stack.pointer_size = width;
        // A torn last address is dropped rather than printed half.
        const std::size_t frames = (data.size() - 8) / width;
        out.stack.frames = data.subspan(8, frames * width);
        out.has_stack_trace = true;
        return;
      }
      break;
    }
    case x::stack_key32:
      if (data.size() >= 12) {
        out.stack_key_item = {read_u64(data, 0), read_u32(data, 8)};
        out.has_stack_key = true;
        return;
      }
      break;
    case x::stack_key64:
      if (data.size() >= 16) {
        out.stack_key_item = {read_u64(data, 0), read_u64(data, 8)};
        out.has_stack_key = true;
        return;
      }
      break;
    case x::event_key:
      if (data.size() == 8) {
        out.event_key = read_u64(data, 0);
        out.has_event_key = true;
        return;
      }
      break;
    case x::process_start_key:
      if (data.size() == 8) {
        out.process_start_key = read_u64(data, 0);
        out.has_process_start_key = true;
        return;
      }
      break;
    case x::container_id: {
      // ANSI text, NUL-terminated or not.
      std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
      while (!text.empty() && text.back() == '\0') text.remove_suffix(1);
      out.container_id = text;
      out.has_container_id = true;
      return;
    }
    case x::prov_traits: {
      // The trace names its TraceLogging provider here (§5.2): u16 size, then the UTF-8 name,
      // NUL-terminated. The traits after it describe the provider, not the event.
      if (data.size() > 2) {
        std::string_view rest(reinterpret_cast<const char*>(data.data()) + 2, data.size() - 2);
        const std::size_t end = rest.find('\0');
        if (end != std::string_view::npos && end > 0) out.provider_name = rest.substr(0, end);
      }
      return;
    }
    case x::event_schema_tl:
      // TraceLogging event metadata describes the payload; the decoders read it from the
      // record, the output leaves it out.
      return;
    default:
      break;
  }
  out.other_items.push_back({item.type, data});
}

}  // namespace

std::string_view kernel_class_name(std::uint8_t group, std::uint8_t type) noexcept {
  if (group == etl::kernel_group::process && type == 10) return "Image";
  if (group == etl::kernel_group::memory) {
    // TraceEvent files group 2 under "Memory" (the hard fault: PerfView baseline of
    // net.4.5.2.x64.etl) and VirtualAlloc under "VirtualMem". Types 10-15 keep "PageFault"
    // until tests/event/record_event_test.cpp follows TraceEvent there too.
    if (type == 98 || type == 99) return "VirtualMem";
    if (type == 32 || type >= 100) return "Memory";
  }
  // ReadyThread is logged in the Thread group; TraceEvent gives it a class of its own.
  if (group == etl::kernel_group::thread && type == 50) return "Dispatcher";
  return group_class_name(group);
}

std::string_view kernel_type_name(std::uint8_t group, std::uint8_t type) noexcept {
  const std::uint16_t at = kernel_names().position[std::size_t{group} << 8 | type];
  return at != 0 ? kernel_type_names[at - 1].name : std::string_view();
}

std::string_view standard_level_name(std::uint8_t level) noexcept {
  static constexpr std::array<std::string_view, 6> names = {"",        "Critical",    "Error",
                                                            "Warning", "Information", "Verbose"};
  return level < names.size() ? names[level] : std::string_view{};
}

std::string_view format_sid(std::span<const std::byte> sid, std::span<char> out) noexcept {
  // Revision u8, SubAuthorityCount u8, IdentifierAuthority 48-bit big-endian, then u32 LE
  // sub-authorities; text form as ConvertSidToStringSid writes it.
  if (sid.size() < 8) return {};
  const unsigned count = static_cast<unsigned>(sid[1]);
  if (count > 15 || sid.size() < 8 + 4 * std::size_t{count}) return {};
  std::uint64_t authority = 0;
  for (int i = 2; i < 8; ++i) authority = authority << 8 | static_cast<std::uint64_t>(sid[i]);

  char* p = out.data();
  char* const end = out.data() + out.size();
  auto put_text = [&](std::string_view s) {
    if (static_cast<std::size_t>(end - p) < s.size()) return false;
    std::memcpy(p, s.data(), s.size());
    p += s.size();
    return true;
  };
  auto put_number = [&](std::uint64_t v, int base) {
    auto [next, ec] = std::to_chars(p, end, v, base);
    if (ec != std::errc{}) return false;
    p = next;
    return true;
  };
  if (!put_text("S-") || !put_number(static_cast<std::uint64_t>(sid[0]), 10) || !put_text("-")) {
    return {};
  }
  // Authorities of 2^32 and above are written in hex, as Windows does.
  if (authority >= (std::uint64_t{1} << 32)) {
    if (!put_text("0x")) return {};
    char* digits = p;
    if (!put_number(authority, 16)) return {};
    for (char* c = digits; c < p; ++c) {
      if (*c >= 'a' && *c <= 'f') *c = static_cast<char>(*c - 'a' + 'A');
    }
  } else if (!put_number(authority, 10)) {
    return {};
  }
  for (unsigned i = 0; i < count; ++i) {
    if (!put_text("-") || !put_number(read_u32(sid, 8 + 4 * std::size_t{i}), 10)) return {};
  }
  return {out.data(), static_cast<std::size_t>(p - out.data())};
}

void fill_event(const etl::record_view& record, const etl::trace_clock& clock, event& out) {
  using k = etl::header_kind;
  out.clear();
  const k kind = record.kind();

  if (record.has_timestamp()) {
    out.has_time = true;
    out.time_created = clock.filetime(record.timestamp());
  }
  if (record.has_thread_and_process()) {
    out.has_process_and_thread = true;
    out.process_id = record.process_id();
    out.thread_id = record.thread_id();
  }
  out.processor_id = record.processor_index();
  if (record.has_cpu_times()) {
    // The same 8 bytes are one ProcessorTime in private sessions and with NO_CPUTIME; only
    // EVENT_HEADER says which (classic headers in private sessions are not told apart yet).
    constexpr std::uint16_t processor_time_flags =
        etl::event_header_flag::private_session | etl::event_header_flag::no_cputime;
    const bool is_event_header = kind == k::event_header32 || kind == k::event_header64;
    if (is_event_header && (record.flags() & processor_time_flags) != 0) {
      out.cpu_times = cpu_time_kind::processor;
      out.processor_time = record.processor_time();
    } else {
      out.cpu_times = cpu_time_kind::kernel_user;
      out.kernel_time = record.kernel_time();
      out.user_time = record.user_time();
    }
  }
  out.raw_data = record.payload();

  switch (kind) {
    case k::system32:
    case k::system64:
    case k::compact32:
    case k::compact64:
    case k::perfinfo32:
    case k::perfinfo64: {
      out.provider_name = kernel_provider_name;
      out.provider_guid = etl::kernel_group_guid(record.group(), record.opcode());
      out.has_version = out.has_opcode = true;
      out.version = record.version();
      out.opcode = record.opcode();
      out.is_classic = out.has_group = true;
      out.group = record.group();
      out.group_name = group_class_name(record.group());
      out.classic_type = record.opcode();
      out.header_type = header_type_name(kind);
      name_kernel_event(out, record.group(), record.opcode());
      break;
    }
    case k::full_header32:
    case k::full_header64:
    case k::instance32:
    case k::instance64: {
      out.provider_guid = record.header_guid();
      out.has_version = out.has_opcode = out.has_level = true;
      out.version = record.version();
      out.opcode = record.opcode();
      out.level = record.level();
      out.level_name = standard_level_name(record.level());
      out.is_classic = true;
      out.classic_type = record.opcode();
      out.header_type = header_type_name(kind);
      if (const auto kernel = etl::kernel_group_of_class(out.provider_guid)) {
        const std::uint8_t group = *kernel;
        // A kernel event in a classic header (relogged or merged files): name it as one.
        out.provider_name = kernel_provider_name;
        out.has_group = true;
        out.group = group;
        out.group_name = group_class_name(group);
        name_kernel_event(out, group, record.opcode());
      } else {
        set_numbered_name(out, "EventType(", record.opcode(), ")");
      }
      break;
    }
    case k::event_header32:
    case k::event_header64: {
      const etl::event_descriptor& d = record.descriptor();
      out.provider_guid = record.header_guid();
      out.has_event_id = out.has_version = out.has_level = out.has_task = out.has_opcode =
          out.has_keywords = out.has_channel = true;
      out.event_id = d.id;
      out.version = d.version;
      out.level = d.level;
      out.level_name = standard_level_name(d.level);
      out.task = d.task;
      out.opcode = d.opcode;
      out.keywords = d.keyword;
      out.channel = d.channel;
      const guid activity = record.activity_id();
      if (activity != guid{}) {
        out.has_activity_id = true;
        out.activity_id = activity;
      }
      for (const etl::extended_item& item : record.extended_items()) add_extended_item(item, out);
      // Without a schema there is no task name yet; decoders that find one rename the event.
      set_numbered_name(out, "EventID(", d.id, ")");
      break;
    }
    case k::wpp_message: {
      // The message GUID stands for the provider until a TMF names it; the message number is
      // the event's id within that GUID.
      out.provider_guid = record.header_guid();
      out.has_event_id = true;
      out.event_id = record.message_number();
      set_numbered_name(out, "EventID(", record.message_number(), ")");
      break;
    }
  }
}

}  // namespace etwcat
