// The provider catalog: globs, the sources it unites, and where details come from.
#include "lib/provider/provider_catalog.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "lib/decode/database/builtin_schemas.h"
#include "lib/provider/known_providers.h"
#include "lib/provider/system_providers.h"
#include "tests/support/decoding.h"

using namespace etwcat;

TEST_CASE("provider_catalog: the standard catalog unites its sources by GUID") {
  const auto catalog = provider::provider_catalog::standard();
  // Every provider of the built-in database, the well-known table and the system providers.
  CHECK(catalog.entries().size() >= decode::builtin_schemas().providers().size());
  for (const auto& k : provider::known_providers()) {
    const auto* e = catalog.find(k.id.to_string());
    REQUIRE(e != nullptr);
    CHECK(std::find(e->sources.begin(), e->sources.end(), "well-known") != e->sources.end());
  }
  for (const auto& s : provider::windows_system_providers()) {
    const auto* e = catalog.find(s.name);
    REQUIRE(e != nullptr);
    CHECK(e->id == s.id);
  }
  // A name in both the database and the table is one entry with both sources.
  const auto* kp = catalog.find("MICROSOFT-WINDOWS-KERNEL-PROCESS");
  REQUIRE(kp != nullptr);
  CHECK(kp->sources == std::vector<std::string>{"built-in", "well-known"});
  const auto found = catalog.match("22fb2cd6");
  REQUIRE(found.size() == 1);
  CHECK(found[0] == kp);
}

TEST_CASE("provider_catalog: system providers are described by their keywords") {
  const auto catalog = provider::provider_catalog::standard();
  const auto* e = catalog.find("SystemProcessProviderGuid");
  REQUIRE(e != nullptr);
  auto details = catalog.details(e->id);
  REQUIRE(details.ok());
  const auto& keywords = details.value()->keywords;
  REQUIRE(keywords.size() == 13);
  CHECK(keywords.back().name == "SYSTEM_PROCESS_KW_LOADER");
  CHECK(keywords.back().value == 0x1000);
}

TEST_SUITE("corpus") {
  TEST_CASE("provider_catalog: --manifest files describe their providers first") {
    ETWCAT_REQUIRE_CORPUS();
    auto set =
        decode::read_manifest_file(testing::provider_data_file("microsoft-Tx/HTTP_Server.man"));
    REQUIRE(set.ok());
    auto catalog = provider::provider_catalog::standard();
    catalog.add_manifests(std::make_shared<const decode::manifest_set>(std::move(set).value()),
                          "HTTP_Server.man");
    const auto* e = catalog.find("Microsoft-Windows-HttpService");
    REQUIRE(e != nullptr);
    REQUIRE(e->sources.size() >= 2);
    CHECK(e->sources.front() == "built-in");
    CHECK(e->sources.back() == "manifest HTTP_Server.man");
    auto details = catalog.details(e->id);
    REQUIRE(details.ok());
    CHECK(details.value()->origin == "HTTP_Server.man");
    // Without the file, the built-in database answers: the same manifest first, then the
    // Windows 11 set's newer versions.
    auto builtin = provider::provider_catalog::standard().details(e->id);
    REQUIRE(builtin.ok());
    CHECK(builtin.value()->origin.starts_with("microsoft/Tx HTTP_Server.man; lilhoser/"));
    CHECK(builtin.value()->events.size() > details.value()->events.size());
  }
}

TEST_CASE("provider_catalog: an unknown GUID has no details, and says where it looked") {
  const auto catalog = provider::provider_catalog::standard();
  auto details = catalog.details(*guid::parse("{11111111-2222-3333-4444-555555555555}"));
  REQUIRE_FALSE(details.ok());
  CHECK(details.failure().message.starts_with(
      "no schema of {11111111-2222-3333-4444-555555555555} in the --manifest files or the "
      "built-in database"));
}
