// provider_catalog: every provider etwcat knows of, from every source — the built-in schema
// database, the table of well-known providers, Windows 11's system providers, --manifest files
// and, on Windows, the providers registered with TDH — for `etwcat providers` to list, search
// and describe.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/guid.h"
#include "lib/base/result.h"
#include "lib/decode/manifest/manifest.h"

namespace etwcat::provider {

struct catalog_entry {
  guid id;
  std::string name;                  // the first source's name
  std::vector<std::string> sources;  // "built-in", "registered (manifest)", "manifest X.man", …
};

class provider_catalog {
 public:
  /// The built-in database, the well-known table and the Windows 11 system providers; on
  /// Windows also the registered providers.
  static provider_catalog standard();

  /// Adds the providers of a manifest (set) given with --manifest; `file` names the source.
  /// Their details come before any other source's.
  void add_manifests(std::shared_ptr<const decode::manifest_set> set, std::string_view file);

  /// Entries whose name or GUID matches `pattern`, by name: a glob ('*', '?') matched against
  /// the whole name or GUID, else a substring of either; ASCII case ignored. "" matches all.
  std::vector<const catalog_entry*> match(std::string_view pattern) const;
  /// The entry named exactly `name_or_guid` (case ignored), or nullptr.
  const catalog_entry* find(std::string_view name_or_guid) const;
  std::span<const catalog_entry> entries() const noexcept { return entries_; }

  /// What the provider declares and which events it writes: from --manifest files, else from
  /// TDH on Windows, else from the built-in database or the system-provider table. An error
  /// says which sources were asked.
  result<std::shared_ptr<const decode::manifest_provider>> details(const guid& id) const;

 private:
  void add(const guid& id, std::string_view name, std::string source);

  std::vector<catalog_entry> entries_;
  std::vector<std::shared_ptr<const decode::manifest_set>> manifests_;
};

}  // namespace etwcat::provider
