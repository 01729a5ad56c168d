// Flags from evntrace.h's EVENT_TRACE_FLAG_*; system-provider GUIDs and keywords from the
// Windows SDK's evntrace.h (docs/etw-api.md §4.4, "=flag" equivalences).
#include "lib/provider/system_providers.h"

#include <string>

#include "lib/base/ascii.h"
#include "lib/base/usage_error.h"

namespace etwcat::provider {
namespace {

constexpr guid process_provider{
    0x151f55dc, 0x467d, 0x471f, {0x83, 0xb5, 0x5f, 0x88, 0x9d, 0x46, 0xff, 0x66}};
constexpr guid io_provider{
    0x3d5c43e3, 0x0f1c, 0x4202, {0xb8, 0x17, 0x17, 0x4c, 0x00, 0x70, 0xdc, 0x79}};
constexpr guid registry_provider{
    0x16156bd9, 0xfab4, 0x4cfa, {0xa2, 0x32, 0x89, 0xd1, 0x09, 0x90, 0x58, 0xe3}};
constexpr guid memory_provider{
    0x82958ca9, 0xb6cd, 0x47f8, {0xa3, 0xa8, 0x03, 0xae, 0x85, 0xa4, 0xbc, 0x24}};
constexpr guid scheduler_provider{
    0x599a2a76, 0x4d91, 0x4910, {0x9a, 0xc7, 0x7d, 0x33, 0xf2, 0xe9, 0x7a, 0x6c}};
constexpr guid profile_provider{
    0xbfeb0324, 0x1cee, 0x496f, {0xa4, 0x09, 0x2a, 0xc2, 0xb4, 0x8a, 0x63, 0x22}};
constexpr guid alpc_provider{
    0xfcb9baaf, 0xe529, 0x4980, {0x92, 0xe9, 0xce, 0xd1, 0xa6, 0xaa, 0xdf, 0xdf}};
constexpr guid syscall_provider{
    0x434286f7, 0x6f1b, 0x45bb, {0xb3, 0x7e, 0x95, 0xf6, 0x23, 0x04, 0x6c, 0x7c}};
constexpr guid interrupt_provider{
    0xd4bbee17, 0xb545, 0x4888, {0x85, 0x8b, 0x74, 0x41, 0x69, 0x01, 0x5b, 0x25}};

constexpr system_provider table[] = {
    {"Process", 0x00000001, process_provider, 0x1, "process start/end"},
    {"Thread", 0x00000002, process_provider, 0x800, "thread start/end"},
    {"ImageLoad", 0x00000004, process_provider, 0x1000, "DLL/EXE load and unload"},
    // The requests (create, read, write, …) are FILE_IO_INIT; FILE_IO is their completion.
    {"FileIo", 0x04000000 | 0x02000000 | 0x00000200, io_provider, 0x400 | 0x10 | 0x4,
     "file I/O requests and completions, with file names"},
    {"DiskIo", 0x00000300, io_provider, 0x1 | 0x4, "disk I/O, with file names"},
    {"Registry", 0x00020000, registry_provider, 0x1, "registry calls"},
    {"Network", 0x00010000, io_provider, 0x200, "TCP/IP and UDP send, receive, connect"},
    {"Memory", 0x00001000 | 0x00004000, memory_provider, 0x4 | 0x400, "page faults, VirtualAlloc"},
    {"ContextSwitch", 0x00000010, scheduler_provider, 0x200, "context switches"},
    {"Cpu", 0x01000000, profile_provider, 0x1, "sampled CPU profile"},
    {"Alpc", 0x00100000, alpc_provider, 0x1, "ALPC messages"},
    {"Syscall", 0x00000080, syscall_provider, 0x1, "system calls"},
    {"Interrupt", 0x00000040 | 0x00000020, interrupt_provider, 0x1 | 0x4, "interrupts and DPCs"},
};

// Windows 11's system providers and their keywords, from the SDK's evntrace.h (docs/etw-api.md
// §4.4; the keyword names are the SYSTEM_<PROVIDER>_KW_<NAME> macros).
const windows_system_provider windows_table[] = {
    {"SystemAlpcProviderGuid",
     {0xfcb9baaf, 0xe529, 0x4980, {0x92, 0xe9, 0xce, 0xd1, 0xa6, 0xaa, 0xdf, 0xdf}},
     {{"SYSTEM_ALPC_KW_GENERAL", 0x1}}},
    {"SystemConfigProviderGuid",
     {0xfef3a8b6, 0x318d, 0x4b67, {0xa9, 0x6a, 0x3b, 0x0f, 0x6b, 0x8f, 0x18, 0xfe}},
     {{"SYSTEM_CONFIG_KW_SYSTEM", 0x1},
      {"SYSTEM_CONFIG_KW_GRAPHICS", 0x2},
      {"SYSTEM_CONFIG_KW_STORAGE", 0x4},
      {"SYSTEM_CONFIG_KW_NETWORK", 0x8},
      {"SYSTEM_CONFIG_KW_SERVICES", 0x10},
      {"SYSTEM_CONFIG_KW_PNP", 0x20},
      {"SYSTEM_CONFIG_KW_OPTICAL", 0x40}}},
    {"SystemCpuProviderGuid",
     {0xc6c5265f, 0xeae8, 0x4650, {0xaa, 0xe4, 0x9d, 0x48, 0x60, 0x3d, 0x85, 0x10}},
     {{"SYSTEM_CPU_KW_CONFIG", 0x1},
      {"SYSTEM_CPU_KW_CACHE_FLUSH", 0x2},
      {"SYSTEM_CPU_KW_SPEC_CONTROL", 0x4},
      {"SYSTEM_CPU_KW_DOMAIN_CHANGE", 0x8}}},
    {"SystemHypervisorProviderGuid",
     {0xbafa072a, 0x918a, 0x4bed, {0xb6, 0x22, 0xbc, 0x15, 0x20, 0x97, 0x09, 0x8f}},
     {{"SYSTEM_HYPERVISOR_KW_PROFILE", 0x1},
      {"SYSTEM_HYPERVISOR_KW_CALLOUTS", 0x2},
      {"SYSTEM_HYPERVISOR_KW_VTL_CHANGE", 0x4}}},
    {"SystemInterruptProviderGuid",
     {0xd4bbee17, 0xb545, 0x4888, {0x85, 0x8b, 0x74, 0x41, 0x69, 0x01, 0x5b, 0x25}},
     {{"SYSTEM_INTERRUPT_KW_GENERAL", 0x1},
      {"SYSTEM_INTERRUPT_KW_CLOCK_INTERRUPT", 0x2},
      {"SYSTEM_INTERRUPT_KW_DPC", 0x4},
      {"SYSTEM_INTERRUPT_KW_DPC_QUEUE", 0x8},
      {"SYSTEM_INTERRUPT_KW_WDF_DPC", 0x10},
      {"SYSTEM_INTERRUPT_KW_WDF_INTERRUPT", 0x20},
      {"SYSTEM_INTERRUPT_KW_IPI", 0x40}}},
    {"SystemIoProviderGuid",
     {0x3d5c43e3, 0x0f1c, 0x4202, {0xb8, 0x17, 0x17, 0x4c, 0x00, 0x70, 0xdc, 0x79}},
     {{"SYSTEM_IO_KW_DISK", 0x1},
      {"SYSTEM_IO_KW_DISK_INIT", 0x2},
      {"SYSTEM_IO_KW_FILENAME", 0x4},
      {"SYSTEM_IO_KW_SPLIT", 0x8},
      {"SYSTEM_IO_KW_FILE", 0x10},
      {"SYSTEM_IO_KW_OPTICAL", 0x20},
      {"SYSTEM_IO_KW_OPTICAL_INIT", 0x40},
      {"SYSTEM_IO_KW_DRIVERS", 0x80},
      {"SYSTEM_IO_KW_CC", 0x100},
      {"SYSTEM_IO_KW_NETWORK", 0x200},
      {"SYSTEM_IO_KW_FILE_INIT", 0x400},
      {"SYSTEM_IO_KW_TIMER", 0x800}}},
    {"SystemIoFilterProviderGuid",
     {0xfbd09363, 0x9e22, 0x4661, {0xb8, 0xbf, 0xe7, 0xa3, 0x4b, 0x53, 0x5b, 0x8c}},
     {{"SYSTEM_IOFILTER_KW_GENERAL", 0x1},
      {"SYSTEM_IOFILTER_KW_INIT", 0x2},
      {"SYSTEM_IOFILTER_KW_FASTIO", 0x4},
      {"SYSTEM_IOFILTER_KW_FAILURE", 0x8}}},
    {"SystemLockProviderGuid",
     {0x721ddfd3, 0xdacc, 0x4e1e, {0xb2, 0x6a, 0xa2, 0xcb, 0x31, 0xd4, 0x70, 0x5a}},
     {{"SYSTEM_LOCK_KW_SPINLOCK", 0x1},
      {"SYSTEM_LOCK_KW_SPINLOCK_COUNTERS", 0x2},
      {"SYSTEM_LOCK_KW_SYNC_OBJECTS", 0x4}}},
    {"SystemMemoryProviderGuid",
     {0x82958ca9, 0xb6cd, 0x47f8, {0xa3, 0xa8, 0x03, 0xae, 0x85, 0xa4, 0xbc, 0x24}},
     {{"SYSTEM_MEMORY_KW_GENERAL", 0x1},
      {"SYSTEM_MEMORY_KW_HARD_FAULTS", 0x2},
      {"SYSTEM_MEMORY_KW_ALL_FAULTS", 0x4},
      {"SYSTEM_MEMORY_KW_POOL", 0x8},
      {"SYSTEM_MEMORY_KW_MEMINFO", 0x10},
      {"SYSTEM_MEMORY_KW_PFSECTION", 0x20},
      {"SYSTEM_MEMORY_KW_MEMINFO_WS", 0x40},
      {"SYSTEM_MEMORY_KW_HEAP", 0x80},
      {"SYSTEM_MEMORY_KW_WS", 0x100},
      {"SYSTEM_MEMORY_KW_CONTMEM_GEN", 0x200},
      {"SYSTEM_MEMORY_KW_VIRTUAL_ALLOC", 0x400},
      {"SYSTEM_MEMORY_KW_FOOTPRINT", 0x800},
      {"SYSTEM_MEMORY_KW_SESSION", 0x1000},
      {"SYSTEM_MEMORY_KW_REFSET", 0x2000},
      {"SYSTEM_MEMORY_KW_VAMAP", 0x4000},
      {"SYSTEM_MEMORY_KW_NONTRADEABLE", 0x8000}}},
    {"SystemObjectProviderGuid",
     {0xfebd7460, 0x3d1d, 0x47eb, {0xaf, 0x49, 0xc9, 0xee, 0xb1, 0xe1, 0x46, 0xf2}},
     {{"SYSTEM_OBJECT_KW_GENERAL", 0x1}, {"SYSTEM_OBJECT_KW_HANDLE", 0x2}}},
    {"SystemPowerProviderGuid",
     {0xc134884a, 0x32d5, 0x4488, {0x80, 0xe5, 0x14, 0xed, 0x7a, 0xbb, 0x82, 0x69}},
     {{"SYSTEM_POWER_KW_GENERAL", 0x1},
      {"SYSTEM_POWER_KW_HIBER_RUNDOWN", 0x2},
      {"SYSTEM_POWER_KW_PROCESSOR_IDLE", 0x4},
      {"SYSTEM_POWER_KW_IDLE_SELECTION", 0x8},
      {"SYSTEM_POWER_KW_PPM_EXIT_LATENCY", 0x10}}},
    {"SystemProcessProviderGuid",
     {0x151f55dc, 0x467d, 0x471f, {0x83, 0xb5, 0x5f, 0x88, 0x9d, 0x46, 0xff, 0x66}},
     {{"SYSTEM_PROCESS_KW_GENERAL", 0x1},
      {"SYSTEM_PROCESS_KW_INSWAP", 0x2},
      {"SYSTEM_PROCESS_KW_FREEZE", 0x4},
      {"SYSTEM_PROCESS_KW_PERF_COUNTER", 0x8},
      {"SYSTEM_PROCESS_KW_WAKE_COUNTER", 0x10},
      {"SYSTEM_PROCESS_KW_WAKE_DROP", 0x20},
      {"SYSTEM_PROCESS_KW_WAKE_EVENT", 0x40},
      {"SYSTEM_PROCESS_KW_DEBUG_EVENTS", 0x80},
      {"SYSTEM_PROCESS_KW_DBGPRINT", 0x100},
      {"SYSTEM_PROCESS_KW_JOB", 0x200},
      {"SYSTEM_PROCESS_KW_WORKER_THREAD", 0x400},
      {"SYSTEM_PROCESS_KW_THREAD", 0x800},
      {"SYSTEM_PROCESS_KW_LOADER", 0x1000}}},
    {"SystemProfileProviderGuid",
     {0xbfeb0324, 0x1cee, 0x496f, {0xa4, 0x09, 0x2a, 0xc2, 0xb4, 0x8a, 0x63, 0x22}},
     {{"SYSTEM_PROFILE_KW_GENERAL", 0x1}, {"SYSTEM_PROFILE_KW_PMC_PROFILE", 0x2}}},
    {"SystemRegistryProviderGuid",
     {0x16156bd9, 0xfab4, 0x4cfa, {0xa2, 0x32, 0x89, 0xd1, 0x09, 0x90, 0x58, 0xe3}},
     {{"SYSTEM_REGISTRY_KW_GENERAL", 0x1},
      {"SYSTEM_REGISTRY_KW_HIVE", 0x2},
      {"SYSTEM_REGISTRY_KW_NOTIFICATION", 0x4}}},
    {"SystemSchedulerProviderGuid",
     {0x599a2a76, 0x4d91, 0x4910, {0x9a, 0xc7, 0x7d, 0x33, 0xf2, 0xe9, 0x7a, 0x6c}},
     {{"SYSTEM_SCHEDULER_KW_XSCHEDULER", 0x1},
      {"SYSTEM_SCHEDULER_KW_DISPATCHER", 0x2},
      {"SYSTEM_SCHEDULER_KW_KERNEL_QUEUE", 0x4},
      {"SYSTEM_SCHEDULER_KW_SHOULD_YIELD", 0x8},
      {"SYSTEM_SCHEDULER_KW_ANTI_STARVATION", 0x10},
      {"SYSTEM_SCHEDULER_KW_LOAD_BALANCER", 0x20},
      {"SYSTEM_SCHEDULER_KW_AFFINITY", 0x40},
      {"SYSTEM_SCHEDULER_KW_PRIORITY", 0x80},
      {"SYSTEM_SCHEDULER_KW_IDEAL_PROCESSOR", 0x100},
      {"SYSTEM_SCHEDULER_KW_CONTEXT_SWITCH", 0x200},
      {"SYSTEM_SCHEDULER_KW_COMPACT_CSWITCH", 0x400},
      {"SYSTEM_SCHEDULER_KW_SCHEDULE_THREAD", 0x800},
      {"SYSTEM_SCHEDULER_KW_READY_QUEUE", 0x1000},
      {"SYSTEM_SCHEDULER_KW_CPU_PARTITION", 0x2000},
      {"SYSTEM_SCHEDULER_KW_THREAD_FEEDBACK_READ", 0x4000},
      {"SYSTEM_SCHEDULER_KW_WORKLOAD_CLASS_UPDATE", 0x8000},
      {"SYSTEM_SCHEDULER_KW_AUTOBOOST", 0x10000}}},
    {"SystemSyscallProviderGuid",
     {0x434286f7, 0x6f1b, 0x45bb, {0xb3, 0x7e, 0x95, 0xf6, 0x23, 0x04, 0x6c, 0x7c}},
     {{"SYSTEM_SYSCALL_KW_GENERAL", 0x1}}},
    {"SystemTimerProviderGuid",
     {0x4f061568, 0xe215, 0x499f, {0xab, 0x2e, 0xed, 0xa0, 0xae, 0x89, 0x0a, 0x5b}},
     {{"SYSTEM_TIMER_KW_GENERAL", 0x1}, {"SYSTEM_TIMER_KW_CLOCK_TIMER", 0x2}}},
};

}  // namespace

std::span<const system_provider> system_providers() noexcept { return table; }

std::span<const windows_system_provider> windows_system_providers() noexcept {
  return windows_table;
}

std::uint32_t parse_system_providers(std::string_view list) {
  std::uint32_t flags = 0;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = list.find(',', start);
    std::string_view name =
        list.substr(start, comma == std::string_view::npos ? comma : comma - start);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    const system_provider* found = nullptr;
    for (const auto& p : table) {
      if (equals_ignoring_case(p.name, name)) found = &p;
    }
    if (found == nullptr) {
      std::string known;
      for (const auto& p : table) known += (known.empty() ? "" : ", ") + std::string(p.name);
      throw usage_error("system providers \"" + std::string(list) + "\": unknown group \"" +
                        std::string(name) + "\" (" + known + ")");
    }
    flags |= found->kernel_flags;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return flags;
}

}  // namespace etwcat::provider
