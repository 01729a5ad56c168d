// The built-in provider table, checked against the providers' own manifests.
#include "lib/provider/known_providers.h"

#include <doctest/doctest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "tests/support/corpus.h"
#include "tests/support/decoding.h"

using etwcat::guid;
using etwcat::provider::find_known_provider;
using etwcat::provider::known_providers;

TEST_CASE("known_providers: the issue's named providers are there") {
  CHECK(known_providers().size() >= 30);
  CHECK(find_known_provider("Microsoft-Windows-Kernel-Process")->id.to_string() ==
        "{22FB2CD6-0E7B-422B-A0C7-2FAD1FD0E716}");
  CHECK(find_known_provider("Microsoft-Windows-Kernel-File")->id.to_string() ==
        "{EDD08927-9CC4-4E65-B970-C2560FB5C289}");
  CHECK(find_known_provider("Microsoft-Windows-Kernel-Network")->id.to_string() ==
        "{7DD42A49-5329-4832-8DFD-43D979153A88}");
  CHECK(find_known_provider("Microsoft-Windows-Kernel-Registry")->id.to_string() ==
        "{70EB4F03-C1DE-4F73-A051-33D13D5413BD}");
  CHECK(find_known_provider("Microsoft-Windows-Sysmon")->id.to_string() ==
        "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}");
  CHECK(find_known_provider("PowerShellCore")->id.to_string() ==
        "{F90714A8-5509-434A-BF6D-B1624C8A19A2}");
  CHECK(find_known_provider("no-such-provider") == nullptr);
  CHECK(find_known_provider(*guid::parse("e13c0d23-ccbc-4e12-931b-d9cc2eee27e4"))->name ==
        "Microsoft-Windows-DotNETRuntime");
}

TEST_CASE("known_providers: names and GUIDs are unique") {
  std::set<std::string> names;
  std::set<guid> ids;
  for (const auto& entry : known_providers()) {
    CHECK(names.insert(std::string(entry.name)).second);
    CHECK(ids.insert(entry.id).second);
  }
}

TEST_SUITE("provider-data") {
  // The Windows 11 manifest dump names each file "<provider name> <guid>.xml".
  TEST_CASE("known_providers: name and GUID agree with the Windows 11 manifests") {
    namespace fs = std::filesystem;
    fs::path dir = fs::path(ETWCAT_SOURCE_DIR) / ".." / "shared" / "provider-data" /
                   "lilhoser-etwmanifests-26200.6901";
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      MESSAGE("no provider-data beside the source tree: test skipped");
      return;
    }
    int checked = 0;
    for (const auto& entry : known_providers()) {
      std::string lower_guid = entry.id.to_string().substr(1, 36);
      for (auto& c : lower_guid) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      fs::path manifest = dir / (std::string(entry.name) + " " + lower_guid + ".xml");
      if (fs::exists(manifest, ec)) ++checked;
    }
    // These ship no manifest in that dump: Sysmon and PowerShellCore have their own, the kernel
    // logger none, and the private and stress CLR providers are in ClrEtwAll.man (below).
    const std::set<std::string> elsewhere = {
        "Microsoft-Windows-Sysmon", "PowerShellCore", "Windows Kernel Trace",
        "Microsoft-Windows-DotNETRuntimePrivate", "Microsoft-Windows-DotNETRuntimeStress"};
    for (const auto& name : elsewhere) CHECK(find_known_provider(name) != nullptr);
    CHECK(checked == static_cast<int>(known_providers().size() - elsewhere.size()));
  }

  TEST_CASE("#9: the CLR providers of ClrEtwAll.man are built in, with its GUIDs") {
    namespace fs = std::filesystem;
    fs::path man = fs::path(ETWCAT_SOURCE_DIR) / ".." / "shared" / "provider-data" /
                   "microsoft-perfview" / "ClrEtwAll.man";
    std::ifstream in(man);
    if (!in) {
      MESSAGE("no provider-data beside the source tree: test skipped");
      return;
    }
    std::stringstream text;
    text << in.rdbuf();
    const std::string xml = text.str();
    // <provider name="…" guid="{…}": the name and GUID attributes come first, in that order.
    std::map<std::string, std::string> providers;
    for (std::size_t at = xml.find("<provider name=\""); at != std::string::npos;
         at = xml.find("<provider name=\"", at + 1)) {
      std::size_t name = at + 16;
      std::size_t name_end = xml.find('"', name);
      std::size_t id = xml.find("guid=\"", name_end) + 6;
      providers[xml.substr(name, name_end - name)] = xml.substr(id, xml.find('"', id) - id);
    }
    CHECK(providers.size() == 4);
    for (const auto& [name, id] : providers) {
      const auto& provider_name = name;  // clang 14 cannot capture a structured binding
      CAPTURE(provider_name);
      const auto* known = find_known_provider(name);
      REQUIRE(known != nullptr);
      CHECK(known->id == *guid::parse(id));
    }
  }
}

TEST_SUITE("corpus") {
  // `etwcat dump` names a provider the record does not name from this table.
  TEST_CASE("#9: every provider of the PerfView .NET capture has a name") {
    ETWCAT_REQUIRE_CORPUS();
    etwcat::decode::decoder decoder;
    // The table is what names them when no schema does.
    decoder.use_builtin_schemas(false);
    std::map<std::string, std::uint64_t> unnamed;
    std::uint64_t clr_private = 0;
    etwcat::testing::decode_capture(
        decoder, "perfview/net.4.5.2.x64.etl", [&](const auto&, const etwcat::event& e) {
          if (!e.provider_name.empty()) return;
          const auto* known = find_known_provider(e.provider_guid);
          if (!known) {
            ++unnamed[e.provider_guid.to_string()];
          } else if (known->name == "Microsoft-Windows-DotNETRuntimePrivate") {
            ++clr_private;
          }
        });
    CHECK(unnamed.empty());
    for (const auto& [id, count] : unnamed) MESSAGE(id << " unnamed: " << count);
    CHECK(clr_private == 1627);
  }

  TEST_CASE("#9: the WinRM capture is named Microsoft-Windows-WinRM") {
    ETWCAT_REQUIRE_CORPUS();
    etwcat::decode::decoder decoder;
    std::uint64_t winrm = 0;
    etwcat::testing::decode_capture(decoder, "tx/WsRm01.etl",
                                    [&](const auto&, const etwcat::event& e) {
                                      const auto* known = find_known_provider(e.provider_guid);
                                      if (known && known->name == "Microsoft-Windows-WinRM")
                                        ++winrm;
                                    });
    CHECK(winrm == 70);
  }
}
