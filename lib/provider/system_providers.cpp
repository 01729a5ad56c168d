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

}  // namespace

std::span<const system_provider> system_providers() noexcept { return table; }

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
