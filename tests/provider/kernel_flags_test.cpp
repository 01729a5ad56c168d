// Kernel flag names: goetw's, logman's, numbers; unknown names are errors.
#include "lib/provider/kernel_flags.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "lib/base/usage_error.h"

using etwcat::provider::kernel_flags;
using etwcat::provider::parse_kernel_flags;

namespace {
std::string error_of(const std::string& text) {
  try {
    parse_kernel_flags(text);
  } catch (const etwcat::usage_error& e) {
    return e.what();
  }
  return "(no error)";
}
}  // namespace

TEST_CASE("kernel_flags: every goetw name has its EVENT_TRACE_FLAG value") {
  struct row {
    const char* name;
    std::uint32_t value;
  };
  const row goetw[] = {
      {"Process", 0x1},
      {"Thread", 0x2},
      {"ImageLoad", 0x4},
      {"ProcessCounters", 0x8},
      {"CSwitch", 0x10},
      {"DPC", 0x20},
      {"Interrupt", 0x40},
      {"Syscall", 0x80},
      {"DiskIo", 0x100},
      {"DiskIoInit", 0x400},
      {"Dispatcher", 0x800},
      {"MemoryPageFault", 0x1000},
      {"MemoryHardFault", 0x2000},
      {"VirtualAlloc", 0x4000},
      {"FileIoVAmap", 0x8000},
      {"TcpIp", 0x10000},
      {"UdpIp", 0x10000},
      {"Registry", 0x20000},
      {"DbgPrint", 0x40000},
      {"ALPC", 0x100000},
      {"SplitIo", 0x200000},
      {"Driver", 0x800000},
      {"Profile", 0x1000000},
      {"FileIo", 0x2000000},
      {"DiskFileIo", 0x2000200},
      {"FileIoInit", 0x4000000},
      {"NoSysConfig", 0x10000000},
  };
  for (const auto& r : goetw) {
    CAPTURE(r.name);
    CHECK(parse_kernel_flags(r.name) == r.value);
  }
}

TEST_CASE("kernel_flags: logman names, any case") {
  struct row {
    const char* name;
    std::uint32_t value;
  };
  const row logman[] = {
      {"process", 0x1},       {"thread", 0x2},
      {"img", 0x4},           {"proccntr", 0x8},
      {"cswitch", 0x10},      {"dpc", 0x20},
      {"isr", 0x40},          {"syscall", 0x80},
      {"disk", 0x100},        {"file", 0x200},
      {"diskinit", 0x400},    {"dispatcher", 0x800},
      {"pf", 0x1000},         {"hf", 0x2000},
      {"virtalloc", 0x4000},  {"net", 0x10000},
      {"registry", 0x20000},  {"alpc", 0x100000},
      {"splitio", 0x200000},  {"driver", 0x800000},
      {"profile", 0x1000000}, {"fileiocompletion", 0x2000000},
      {"fileio", 0x2000000},  // goetw's FileIo; logman's fileio bit is FileIoInit
      {"IMG", 0x4},           {"Net", 0x10000},
  };
  for (const auto& r : logman) {
    CAPTURE(r.name);
    CHECK(parse_kernel_flags(r.name) == r.value);
  }
}

TEST_CASE("kernel_flags: comma lists OR together, numbers allowed") {
  CHECK(parse_kernel_flags("Process,Thread,ImageLoad") == 0x7);
  CHECK(parse_kernel_flags("process, thread ,img") == 0x7);
  CHECK(parse_kernel_flags("DiskIo,FileIo") == 0x2000100);
  CHECK(parse_kernel_flags("0x10,Process") == 0x11);
  CHECK(parse_kernel_flags("TcpIp,UdpIp") == 0x10000);
}

TEST_CASE("kernel_flags: unknown or empty names are errors") {
  CHECK(error_of("Process,Bogus") ==
        "kernel flags \"Process,Bogus\": unknown flag \"Bogus\" (see `etwcat providers --kernel`)");
  CHECK(error_of("Process,,Thread") == "kernel flags \"Process,,Thread\": empty flag name");
  CHECK(error_of("") == "kernel flags \"\": empty flag name");
}

TEST_CASE("kernel_flags: the table lists names once each") {
  auto table = kernel_flags();
  CHECK(table.size() == 28);
  for (std::size_t i = 0; i < table.size(); ++i) {
    for (std::size_t j = i + 1; j < table.size(); ++j) CHECK(table[i].name != table[j].name);
  }
}

TEST_CASE("#9: every logman name in the table parses back to its own flag") {
  int named = 0;
  for (const auto& flag : kernel_flags()) {
    if (flag.logman_name.empty()) continue;
    ++named;
    CAPTURE(flag.logman_name);
    CHECK(parse_kernel_flags(std::string(flag.logman_name)) == flag.value);
  }
  // logman names 23 flags; its "fileio" (FileIoInit) is left out, as "fileio" is FileIo here.
  CHECK(named == 22);
}

TEST_CASE("#9: the man page's KERNEL FLAGS table is the table, logman column included") {
  std::ifstream man(std::string(ETWCAT_SOURCE_DIR) + "/man/etwcat.1");
  REQUIRE(man);
  std::string line;
  while (std::getline(man, line) && line != ".SH KERNEL FLAGS") {
  }
  while (std::getline(man, line) && line.rfind("Name\t", 0) != 0) {
  }
  REQUIRE(line == "Name\tValue\tlogman");
  std::vector<std::string> rows;
  while (std::getline(man, line) && line != ".fi") rows.push_back(line);
  auto table = kernel_flags();
  REQUIRE(rows.size() == table.size());
  for (std::size_t i = 0; i < table.size(); ++i) {
    char value[16];
    std::snprintf(value, sizeof value, "0x%08X", static_cast<unsigned>(table[i].value));
    std::string want = std::string(table[i].name) + "\t" + value;
    if (!table[i].logman_name.empty()) want += "\t" + std::string(table[i].logman_name);
    CHECK(rows[i] == want);
  }
}
