// decoder: turns the payload of any record into EventData, choosing the schema source in a
// fixed order — TraceLogging metadata in the record, schemas the trace carries (KernelTrace-
// Control metadata of merged traces, EventSource manifests), instrumentation manifests given
// by the user, the built-in schema database, the built-in kernel layouts, WPP format files — and
// learns from the metadata records as they stream past. One decoder serves one trace (all its
// files); the same code serves .etl files and live sessions.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>

#include "lib/base/diagnostics.h"
#include "lib/base/result.h"
#include "lib/decode/schema.h"
#include "lib/etl/record_view.h"
#include "lib/event/event.h"

namespace etwcat::decode {

/// A last source of schemas, for events that no other source describes: on Windows, TDH with
/// the machine's registered manifests and MOF classes. The decoder asks once per event
/// identity (provider or class, id or type, version) and keeps the answer, nullptr included.
class schema_fallback {
 public:
  virtual ~schema_fallback() = default;
  /// The schema of `record`'s event, or nullptr.
  virtual schema_ptr find(const etl::record_view& record) = 0;
};

class decoder {
 public:
  decoder();
  ~decoder();
  decoder(decoder&&) noexcept;
  decoder& operator=(decoder&&) noexcept;

  /// Reads an instrumentation manifest, or every *.man and *.xml file of a folder.
  /// Returns how many event schemas it added.
  /// Files of a folder that do not read go to `diags` and are skipped.
  result<std::size_t> add_manifests(const std::filesystem::path& file_or_folder,
                                    diagnostics& diags);
  /// Whether the built-in schema database (lib/decode/database/builtin_schemas.h) is searched,
  /// after the trace's own schemas and the manifests added; on by default.
  void use_builtin_schemas(bool use);
  /// Asks `fallback` for manifest events whose own version no other source lays out (before
  /// trying another version's layout), and for classic events without a built-in layout.
  void use_fallback(std::unique_ptr<schema_fallback> fallback);
  /// Reads the WPP format files (*.tmf) of a folder (or one file). Returns the messages added.
  result<std::size_t> add_format_files(const std::filesystem::path& file_or_folder);

  /// Decodes the payload of `record` into `out`, which fill_event() filled from the same
  /// record: EventData, the event's name and, when the schema knows them, the provider, level,
  /// task, opcode, channel and keyword names. When the payload does not fit the schema,
  /// `out.decode_error` says where, and what decoded is kept. Allocates nothing once the
  /// schemas in use are cached.
  void decode(const etl::record_view& record, event& out);

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace etwcat::decode
