// schema_database: providers' schemas (names, declarations, value maps, event layouts) stored as
// compact text — the built-in database that lets a plain `logman` capture decode with no
// --manifest, and any database written by write_schema_database. The format is line-based and
// documented in docs/schema-database.md. Opening reads only the index; a provider's block is
// parsed the first time it is asked for, so a run pays for the providers its trace uses.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lib/base/guid.h"
#include "lib/base/result.h"
#include "lib/decode/manifest/manifest.h"

namespace etwcat::decode {

class schema_database {
 public:
  /// One provider of the index. `name` points into the database text.
  struct entry {
    guid id;
    std::string_view name;
    std::size_t offset = 0;  // of its block in the text
    std::size_t length = 0;
  };

  schema_database() = default;

  /// Reads the index of `text`, which must outlive the database (the built-in one is static).
  /// `origin` names the database in errors: "origin: line N: what".
  static result<schema_database> open(std::string_view text, std::string_view origin);

  /// Every provider, in the database's order (by name).
  std::span<const entry> providers() const noexcept { return entries_; }
  const entry* find(const guid& provider) const noexcept;
  /// By name, ignoring case.
  const entry* find_by_name(std::string_view name) const noexcept;

  /// Parses one provider's block: its declarations, maps and events, with properties pointing
  /// at the provider's own maps. Not cached here (see builtin_schemas for the cache).
  result<std::shared_ptr<const manifest_provider>> load(const entry& provider) const;

  /// The comment lines at the top of the text (sources, versions), without their '#'.
  std::span<const std::string_view> notes() const noexcept { return notes_; }
  bool empty() const noexcept { return entries_.empty(); }

 private:
  std::string_view text_;
  std::string origin_;
  std::vector<entry> entries_;
  std::vector<std::string_view> notes_;
  std::unordered_map<guid, std::size_t, guid_hash> by_guid_;
};

/// Writes `providers` as a database text (docs/schema-database.md), sorted by name then GUID.
/// `notes` become the comment lines at the top. Messages are not stored: no output uses them.
/// Reading the text back with schema_database gives providers equal to these, messages apart.
std::string write_schema_database(
    std::span<const std::shared_ptr<const manifest_provider>> providers,
    std::span<const std::string> notes);

}  // namespace etwcat::decode
