// Tests for lib/provider/system_providers.h: groups by name, their kernel flags, the Windows 11
// system providers they stand for.
#include "lib/provider/system_providers.h"

#include <doctest/doctest.h>

#include "lib/base/usage_error.h"
#include "lib/provider/kernel_flags.h"

using namespace etwcat::provider;

TEST_CASE("system_providers: names give the kernel flags of the same events") {
  CHECK(parse_system_providers("Process") == 0x1);
  CHECK(parse_system_providers("process, imageload") == 0x5);
  CHECK(parse_system_providers("FileIo") == parse_kernel_flags("FileIoInit,FileIo,FileName"));
  CHECK(parse_system_providers("Network") == parse_kernel_flags("TcpIp"));
  CHECK(parse_system_providers("Registry,Thread") == parse_kernel_flags("Registry,Thread"));
}

TEST_CASE("system_providers: an unknown group is an error that lists the known ones") {
  try {
    (void)parse_system_providers("Process,Bogus");
    FAIL("no error");
  } catch (const etwcat::usage_error& e) {
    CHECK(std::string(e.what()).starts_with(
        "system providers \"Process,Bogus\": unknown group \"Bogus\" (Process, Thread, "));
  }
}

TEST_CASE("system_providers: each names its Windows 11 system provider") {
  for (const auto& p : system_providers()) {
    CAPTURE(p.name);
    CHECK(p.system_provider_guid != etwcat::guid{});
    CHECK(p.keywords != 0);
    CHECK(p.kernel_flags != 0);
  }
  CHECK(system_providers()[0].system_provider_guid.to_string() ==
        "{151F55DC-467D-471F-83B5-5F889D46FF66}");
}
