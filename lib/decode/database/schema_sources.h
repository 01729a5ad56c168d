// schema_sources: what the built-in schema database is made of — public manifests read with the
// manifest reader, Sysmon's own schema converted, merged per provider GUID in a fixed priority —
// so that scripts/schema-db and the test that checks the committed database run the same code.
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/result.h"
#include "lib/decode/manifest/manifest.h"

namespace etwcat::decode {

struct schema_source_file {
  enum class kind {
    manifest,          // an author's manifest: an event without a template has no payload
    dumped_manifests,  // a folder of manifests dumped from a system: templates may be missing
    sysmon_schema,     // Sysmon's manifest.xml (its own format, all schema versions)
  };
  kind type = kind::manifest;
  std::filesystem::path path;
  std::string label;  // how provider origins name it ("microsoft/Tx SystemEvents.man")
};

/// The sources of the built-in database in `provider_data` (a folder laid out as the public
/// provider data is: microsoft-Tx/, microsoft-perfview/, powershell-PowerShell-Native/,
/// sysinternals-SysmonCommon/, lilhoser-etwmanifests-26200.6901/), highest priority first.
std::vector<schema_source_file> builtin_schema_sources(const std::filesystem::path& provider_data);

/// Reads every source and merges providers by GUID: the first source to describe an event
/// (provider, id, version) with a layout wins, names-only entries fill the rest, and
/// declarations and maps are united. Microsoft-Windows-PowerShell events whose dump lacks a
/// template take the template of the same event of PowerShellCore (PowerShell 6+ logs the same
/// events under that provider). Sorted by name. Fails on the first source that does not read.
result<std::vector<std::shared_ptr<const manifest_provider>>> merge_schema_sources(
    std::span<const schema_source_file> sources);

/// Sysmon's schema (SysmonCommon manifest.xml: <manifest schemaversion=…> entries, newest
/// first) as provider Microsoft-Windows-Sysmon: every event version that any schema version
/// declares, with task = event id (named after its template) and the Operational channel.
result<manifest_set> read_sysmon_schema(std::string_view xml, std::string_view origin);

/// The notes a database made from `sources` starts with: what each source is.
std::vector<std::string> schema_source_notes(std::span<const schema_source_file> sources);

}  // namespace etwcat::decode
