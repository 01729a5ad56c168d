// manifest: reads instrumentation manifests (the XML that mc.exe compiles, that --manifest
// names, and that EventSource logs into its traces) into event_schemas: one per <event>, with
// levels, tasks, opcodes, keywords and channels resolved through the provider's declarations
// and winmeta, messages through the string table, and templates into TDH-shaped properties
// (docs/etl-format.md §7). Names follow docs/output-schema.md "Names".
//
// Naming rules, checked against TraceEvent's baselines:
// * task, opcode, level and keyword names are TDH's: the declaration's message from the
//   (en-US) string table, else its name; so ClrEtwAll's task GarbageCollection with opcode
//   GCAllocationTick is "GC/AllocationTick". winmeta's opcodes and levels use winmeta's texts
//   ("Start", "DCStop", "Information"). The channel name is the channel's name attribute
//   ("Microsoft-Windows-HttpService/Trace"), as Event Log XML shows it.
// * event_name is "Task/Opcode", the task alone for opcode 0, "EventID(N)" without a task.
// * `keywords` is the OR of the event's declared keywords; mc.exe also sets a bit per channel
//   (bit 63 for the first), which records carry but this mask does not.
// Tolerated in dumps taken from live systems: references to undeclared levels (the level then
// stays 0 and unnamed) and task messages that point at the wrong strings (see read_tasks).
// Undeclared tasks, opcodes, keywords, channels and unknown types are errors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lib/base/diagnostics.h"
#include "lib/base/guid.h"
#include "lib/base/result.h"
#include "lib/decode/schema.h"

namespace etwcat::decode {

/// How to read a manifest.
struct manifest_options {
  /// An event without a template has no payload only in a complete manifest (one its author
  /// wrote, or an EventSource manifest). Dumps taken from a running system drop templates
  /// (lilhoser's Windows 11 set lacks them for 72% of events, payloads included), so by default
  /// such events go to manifest_provider::untemplated, where their names are known but their
  /// layout is not. Set this for manifests known to be complete.
  bool missing_template_means_empty = false;
  /// Recorded in every schema.
  schema_source source = schema_source::manifest;
};

/// A declaration of a provider: a keyword, level, channel, task or opcode.
struct declaration {
  std::uint64_t value = 0;  // the keyword's mask; the level, channel, task or opcode number
  std::string name;         // as the manifest names it ("WINEVENT_KEYWORD_PROCESS", "win:Start")
  std::string display;      // TDH's name for it: its message, else its name
  std::uint16_t task = 0;   // opcodes declared inside a task: that task's value; else 0
  friend bool operator==(const declaration&, const declaration&) = default;
};

/// One <provider>. Immutable once read and shared by every set that holds it, so that the
/// `map` pointers of its properties stay valid as long as anyone holds the provider.
struct manifest_provider {
  std::string name;
  guid id;
  std::string origin;           // the file (or "EventSource manifest") it came from
  std::vector<value_map> maps;  // <valueMap>/<bitMap>, in declaration order
  /// What the provider declares, in declaration order; for listings and for resolving keyword
  /// and level names in provider strings. Events carry their own resolved names.
  std::vector<declaration> keywords, levels, channels, tasks, opcodes;
  std::vector<event_schema> events;  // payload layout known
  /// Events whose template is missing or not found (see manifest_options): names, level,
  /// task, opcode, keywords and message are right, but `properties` is empty and says
  /// NOTHING about the payload. Not for decoding.
  std::vector<event_schema> untemplated;
};

/// The providers of one or more manifests, with a lookup by (provider, id, version) that does
/// not allocate.
class manifest_set {
 public:
  /// An event of the set, and whether its payload layout is known.
  struct lookup {
    const event_schema* schema = nullptr;  // nullptr: no such event
    bool layout_known = false;             // false: an `untemplated` event, names only
  };

  /// The schema of an event whose payload layout is known, or nullptr.
  const event_schema* find(const guid& provider, std::uint16_t id,
                           std::uint8_t version) const noexcept;
  /// Any event of the set, including those whose template is unknown.
  lookup find_event(const guid& provider, std::uint16_t id, std::uint8_t version) const noexcept;
  /// find() as a shared pointer that keeps the provider (and the value maps the properties
  /// point to) alive after the set is gone.
  schema_ptr find_shared(const guid& provider, std::uint16_t id, std::uint8_t version) const;

  /// The provider's name, or "" when the set does not know the GUID.
  std::string_view provider_name(const guid& provider) const noexcept;
  const manifest_provider* find_provider(const guid& provider) const noexcept;
  std::span<const std::shared_ptr<const manifest_provider>> providers() const noexcept {
    return providers_;
  }

  /// Adds a provider; one with the same GUID already here is replaced (newer manifests win).
  void add(std::shared_ptr<const manifest_provider> provider);
  /// Adds every provider of `other`, as add() does.
  void merge(const manifest_set& other);

  bool empty() const noexcept { return providers_.empty(); }
  /// Events of all providers: those with a known layout plus the untemplated ones.
  std::size_t event_count() const noexcept;
  std::size_t untemplated_count() const noexcept;
  std::size_t map_count() const noexcept;

 private:
  struct event_key {
    guid provider;
    std::uint16_t id = 0;
    std::uint8_t version = 0;
    friend bool operator==(const event_key&, const event_key&) = default;
  };
  struct key_hash {
    std::size_t operator()(const event_key& k) const noexcept;
  };
  struct entry {
    const event_schema* schema = nullptr;
    bool layout_known = false;
    std::uint32_t provider = 0;  // index in providers_
  };
  void index(std::uint32_t slot);
  void unindex(std::uint32_t slot);

  std::vector<std::shared_ptr<const manifest_provider>> providers_;
  std::unordered_map<guid, std::uint32_t, guid_hash> by_guid_;
  std::unordered_map<event_key, entry, key_hash> events_;
};

/// The name a manifest gives an event: "Task/Opcode", the task alone for opcode 0,
/// "Task/Opcode(N)" for an unnamed opcode, "EventID(N)" without a task.
std::string task_opcode_event_name(const event_schema& schema);

/// Reads the manifest in `xml` (UTF-8). `origin` names it in errors and in
/// manifest_provider::origin. Errors are one line, "origin:line:column: what", e.g.
/// "HTTP_Server.man:531:17: event 2 version 0 field Url: unknown inType \"win:Foo\"".
///
///   auto set = read_manifest(text, "HTTP_Server.man");
///   if (const event_schema* s = set.value().find(http_guid, 2, 0)) { /* s->properties … */ }
[[nodiscard]] result<manifest_set> read_manifest(std::string_view xml, std::string_view origin,
                                                 const manifest_options& options = {});

/// Reads a manifest file: UTF-8, or UTF-16 with a byte-order mark.
[[nodiscard]] result<manifest_set> read_manifest_file(const std::filesystem::path& path,
                                                      const manifest_options& options = {});

/// Reads every *.man and *.xml file directly in `directory`, in name order; a provider GUID
/// seen again replaces the earlier one. A file that does not read is reported to `diags`
/// (file, offset, "line:column: what") and skipped; fails only when the directory cannot be
/// listed.
[[nodiscard]] result<manifest_set> read_manifest_directory(const std::filesystem::path& directory,
                                                           diagnostics& diags,
                                                           const manifest_options& options = {});

}  // namespace etwcat::decode
