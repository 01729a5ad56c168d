// Flag values are EVENT_TRACE_FLAG_* from evntrace.h; names follow goetw,
// the logman column follows `logman query providers "Windows Kernel Trace"`.
#include "lib/provider/kernel_flags.h"

#include <string>

#include "lib/base/ascii.h"
#include "lib/base/usage_error.h"
#include "lib/provider/go_number.h"

namespace etwcat::provider {
namespace {

// logman spells FILE_IO_INIT "fileio"; here "FileIo" is FILE_IO (0x2000000),
// as goetw, xperf and krabsetw have it, so "fileio" names FileIo and FileIoInit
// keeps an empty logman column: showing "fileio" there would name the wrong bit.
constexpr kernel_flag table[] = {
    {"Process", 0x00000001, "process", "process start/end"},
    {"Thread", 0x00000002, "thread", "thread start/end"},
    {"ImageLoad", 0x00000004, "img", "image (DLL/EXE) load/unload"},
    {"ProcessCounters", 0x00000008, "proccntr", "process counters"},
    {"CSwitch", 0x00000010, "cswitch", "context switches"},
    {"DPC", 0x00000020, "dpc", "deferred procedure calls"},
    {"Interrupt", 0x00000040, "isr", "interrupts"},
    {"Syscall", 0x00000080, "syscall", "system calls"},
    {"DiskIo", 0x00000100, "disk", "disk I/O"},
    {"FileName", 0x00000200, "file", "file names (file details)"},
    {"DiskIoInit", 0x00000400, "diskinit", "disk I/O start"},
    {"Dispatcher", 0x00000800, "dispatcher", "dispatcher (ready thread)"},
    {"MemoryPageFault", 0x00001000, "pf", "all page faults"},
    {"MemoryHardFault", 0x00002000, "hf", "hard page faults"},
    {"VirtualAlloc", 0x00004000, "virtalloc", "virtual memory allocations"},
    {"FileIoVAmap", 0x00008000, "", "file mapping (VA map)"},
    {"TcpIp", 0x00010000, "net", "TCP/IP send/receive"},
    {"UdpIp", 0x00010000, "", "UDP (same bit as TcpIp)"},
    {"Registry", 0x00020000, "registry", "registry calls"},
    {"DbgPrint", 0x00040000, "", "DbgPrint output"},
    {"ALPC", 0x00100000, "alpc", "ALPC messages"},
    {"SplitIo", 0x00200000, "splitio", "split I/O"},
    {"Driver", 0x00800000, "driver", "driver delays"},
    {"Profile", 0x01000000, "profile", "sampled CPU profile"},
    {"FileIo", 0x02000000, "fileiocompletion", "file I/O (completion)"},
    {"DiskFileIo", 0x02000200, "", "file I/O with file names"},
    {"FileIoInit", 0x04000000, "", "file I/O start (logman: fileio)"},
    {"NoSysConfig", 0x10000000, "", "no system configuration rundown"},
};

}  // namespace

std::span<const kernel_flag> kernel_flags() noexcept { return table; }

std::uint32_t parse_kernel_flags(std::string_view list) {
  std::uint32_t flags = 0;
  std::size_t start = 0;
  while (true) {
    std::size_t comma = list.find(',', start);
    std::string_view name =
        list.substr(start, comma == std::string_view::npos ? comma : comma - start);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name.empty()) {
      throw usage_error("kernel flags \"" + std::string(list) + "\": empty flag name");
    }
    const kernel_flag* found = nullptr;
    for (const auto& flag : table) {
      if (equals_ignoring_case(flag.name, name) ||
          (!flag.logman_name.empty() && equals_ignoring_case(flag.logman_name, name))) {
        found = &flag;
        break;
      }
    }
    if (found) {
      flags |= found->value;
    } else if (auto number = parse_go_uint(name, 32)) {
      flags |= static_cast<std::uint32_t>(*number);
    } else {
      throw usage_error("kernel flags \"" + std::string(list) + "\": unknown flag \"" +
                        std::string(name) + "\" (see `etwcat providers --kernel`)");
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return flags;
}

}  // namespace etwcat::provider
