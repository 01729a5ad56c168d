// Live sessions: elsewhere than Windows they fail with a clear message; on
// Windows the ETW API tests (suite etw_api) run, except under Wine.
#include "lib/live/session.h"

#include <doctest/doctest.h>

#include "lib/provider/registered_providers.h"

using etwcat::live::session;

#ifndef _WIN32
TEST_CASE("session: outside Windows, start and stop say live tracing needs Windows") {
  CHECK_FALSE(etwcat::live::live_tracing_supported());
  auto started = session::start({});
  REQUIRE_FALSE(started.ok());
  CHECK(started.failure().message ==
        "live tracing needs Windows (ETW); on this system read .etl files with `etwcat dump`");
  CHECK_FALSE(session::stop_by_name("etwcat").ok());
  CHECK_FALSE(etwcat::provider::registered_providers_available());
}
#else
TEST_SUITE("etw_api") {
  TEST_CASE("registered_providers: TDH knows Microsoft-Windows-Kernel-Process") {
    auto id = etwcat::provider::find_registered_provider("microsoft-windows-kernel-process");
    REQUIRE(id);
    CHECK(id->to_string() == "{22FB2CD6-0E7B-422B-A0C7-2FAD1FD0E716}");
    CHECK_FALSE(etwcat::provider::find_registered_provider("no-such-provider-etwcat"));
  }

  TEST_CASE("session: stopping a session that does not exist reports the Win32 error") {
    auto stopped = session::stop_by_name("etwcat-no-such-session");
    REQUIRE_FALSE(stopped.ok());
    CHECK(stopped.failure().message.find("stopping session \"etwcat-no-such-session\" failed") ==
          0);
  }
}

TEST_CASE("session: on Windows live tracing is compiled in") {
  CHECK(etwcat::live::live_tracing_supported());
  CHECK(etwcat::provider::registered_providers_available());
}
#endif
