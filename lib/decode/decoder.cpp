// decoder: the order in which schema sources are tried, the schema store keyed by identity, and
// learning from the metadata records that merged traces and EventSources carry.
#include "lib/decode/decoder.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "lib/base/byte_cursor.h"
#include "lib/decode/database/builtin_schemas.h"
#include "lib/decode/kernel/kernel_schemas.h"
#include "lib/decode/manifest/manifest.h"
#include "lib/decode/manifest/manifest_assembler.h"
#include "lib/decode/payload_decoder.h"
#include "lib/decode/tdh/event_info.h"
#include "lib/decode/tracelogging/tracelogging.h"
#include "lib/decode/wpp/tmf.h"
#include "lib/decode/wpp/wpp_decoder.h"

namespace etwcat::decode {
namespace {

// Manifest events: provider + id + version. Classic events: class GUID + type + version.
struct schema_key {
  guid id;
  std::uint16_t number = 0;  // event id, or the classic type
  std::uint16_t version = 0;
  bool classic = false;
  friend bool operator==(const schema_key&, const schema_key&) = default;
};

struct schema_key_hash {
  std::size_t operator()(const schema_key& k) const noexcept {
    return guid_hash{}(k.id) ^ (static_cast<std::size_t>(k.number) << 1) ^
           (static_cast<std::size_t>(k.version) << 17) ^ (k.classic ? 0x9E3779B9u : 0u);
  }
};

}  // namespace

struct decoder::state {
  tracelogging_decoder tracelogging;
  payload_decoder payload;
  manifest_assembler event_source_manifests;
  wpp_decoder wpp;
  tmf_library format_files;
  bool have_format_files = false;

  // Schemas in priority order: KernelTraceControl metadata the trace carries, EventSource
  // manifests it carries, then the user's manifests.
  std::unordered_map<schema_key, const event_schema*, schema_key_hash> from_trace;
  manifest_set trace_manifests;
  // One set per --manifest argument, searched in the order given: the first to describe
  // an event wins, so a later, broader collection cannot replace an earlier, exact one.
  std::vector<manifest_set> user_manifests;
  // Events without a schema of their own version: the other version used (or nullptr).
  // Cleared whenever manifests are added.
  mutable std::unordered_map<schema_key, const event_schema*, schema_key_hash> other_versions;
  // The built-in database (builtin_schemas()), one provider at a time as the trace shows it.
  bool use_builtin = true;
  mutable std::unordered_map<guid, std::unique_ptr<manifest_set>, guid_hash> builtin_loaded;
  // The last source (TDH on Windows), and what it answered.
  std::unique_ptr<schema_fallback> fallback;
  mutable std::unordered_map<schema_key, schema_ptr, schema_key_hash> fallback_answers;
  // Owner of the learned schemas; a deque keeps addresses stable as it grows.
  std::deque<event_schema> learned_schemas;
  // Value maps of merged-trace metadata, by provider and name (they may come after the
  // schemas that use them, so properties are resolved when a schema is first used).
  std::unordered_map<guid, std::map<std::string, value_map, std::less<>>, guid_hash> maps;
  std::vector<event_schema*> unresolved;  // learned schemas with map names still unresolved
  std::string scratch;

  // What find() answered for recent manifest-style events, by a hash of the key: records of a
  // few events make up most of a trace, and the full search asks up to four hash tables.
  // Answers of an older generation (a source changed since: changed()) are not used.
  struct answer {
    schema_key key;
    const event_schema* layout = nullptr;
    const event_schema* names = nullptr;
    std::uint64_t generation = 0;  // 0: empty
  };
  mutable std::array<answer, 64> answers{};
  std::uint64_t generation = 1;
  // A schema source changed: every answer find() kept may be wrong now.
  void changed() noexcept {
    ++generation;
    other_versions.clear();
  }

  // The schema that lays out a record's payload, or nullptr. `names` is set to the schema
  // whose names the event gets: a --manifest entry for the exact event when there is one (it
  // names events as their author did, where TDH metadata in merged traces has symbols such as
  // "GarbageCollection/GCAllocationTick"), even one without a template; else the layout's.
  // The layout prefers what the trace carries, which describes exactly what was logged.
  const event_schema* find(const etl::record_view& record, bool classic,
                           const event_schema*& names) const {
    schema_key key;
    key.classic = classic;
    key.id = classic ? record.provider_guid() : record.header_guid();
    key.number = classic ? record.opcode() : record.event_id();
    key.version = record.version();
    if (classic) {
      auto it = from_trace.find(key);
      names = it != from_trace.end() ? it->second : nullptr;
      return names;
    }
    answer& kept = answers[schema_key_hash{}(key) % answers.size()];
    if (kept.generation == generation && kept.key == key) {
      names = kept.names;
      return kept.layout;
    }
    bool keep = true;
    const event_schema* layout = search(key, record, names, keep);
    if (keep) kept = answer{key, layout, names, generation};
    return layout;
  }

  // find() for a manifest-style event, the long way. `keep` is set false when the answer
  // depends on the payload, not just the key.
  const event_schema* search(const schema_key& key, const etl::record_view& record,
                             const event_schema*& names, bool& keep) const {
    const auto version = static_cast<std::uint8_t>(record.version());
    const event_schema* user_layout = nullptr;
    for (const manifest_set& set : user_manifests) {
      const manifest_set::lookup found = set.find_event(key.id, key.number, version);
      if (found.schema == nullptr) continue;
      if (names == nullptr) names = found.schema;
      if (found.layout_known) {
        user_layout = found.schema;
        break;
      }
    }
    const event_schema* trace_layout = nullptr;
    if (auto it = from_trace.find(key); it != from_trace.end()) {
      trace_layout = it->second;
    } else {
      const manifest_set::lookup found = trace_manifests.find_event(key.id, key.number, version);
      if (found.schema != nullptr && found.layout_known) trace_layout = found.schema;
      if (found.schema != nullptr && names == nullptr) names = found.schema;
    }
    if (const event_schema* layout = trace_layout != nullptr ? trace_layout : user_layout) {
      if (names == nullptr) names = layout;
      return layout;
    }
    // Last, the built-in database.
    const manifest_set* builtin = builtin_provider(key.id);
    if (builtin != nullptr) {
      const manifest_set::lookup found = builtin->find_event(key.id, key.number, version);
      if (found.schema != nullptr && names == nullptr) names = found.schema;
      if (found.layout_known) return found.schema;
    }
    if (const event_schema* asked = ask_fallback(key, record)) {
      if (names == nullptr) names = asked;
      return asked;
    }
    // Events newer than every manifest above that etwcat knows by name (kernel_schemas.h): laid
    // out when the payload fits the layout exactly, else only named.
    if (const event_schema* known = find_builtin_event_names(key.id, key.number, version)) {
      if (names == nullptr) names = known;
      keep = false;  // laid out only when the payload fits
      return find_builtin_event_layout(key.id, key.number, version, record.payload(),
                                       record.pointer_size());
    }
    // No layout for this version: the nearest other version's, the newest older one first, as
    // newer versions of an event append fields. What is left over becomes the event's surplus,
    // and its DecodeWarning (or DecodeError, from apply()) names the version used.
    auto cached = other_versions.find(key);
    if (cached == other_versions.end()) {
      const event_schema* nearest = nullptr;
      auto try_version = [&](int v) {
        const auto other = static_cast<std::uint8_t>(v);
        auto try_set = [&](const manifest_set& set) {
          const manifest_set::lookup found = set.find_event(key.id, key.number, other);
          if (found.schema != nullptr && found.layout_known) nearest = found.schema;
          return nearest != nullptr;
        };
        if (try_set(trace_manifests)) return true;
        for (const manifest_set& set : user_manifests) {
          if (try_set(set)) return true;
        }
        return builtin != nullptr && try_set(*builtin);
      };
      for (int v = version - 1; v >= 0 && !try_version(v);) --v;
      for (int v = version + 1; nearest == nullptr && v <= 0xFF; ++v) try_version(v);
      cached = other_versions.emplace(key, nearest).first;
    }
    if (names == nullptr) names = cached->second;
    return cached->second;
  }

  // The fallback's schema for an event, asked once per identity.
  const event_schema* ask_fallback(const schema_key& key, const etl::record_view& record) const {
    if (!fallback) return nullptr;
    auto it = fallback_answers.find(key);
    if (it == fallback_answers.end())
      it = fallback_answers.emplace(key, fallback->find(record)).first;
    return it->second.get();
  }

  // The built-in database's schemas of one provider, read the first time the provider is seen;
  // nullptr when the database does not know it (or built-in schemas are off).
  const manifest_set* builtin_provider(const guid& provider) const {
    if (!use_builtin) return nullptr;
    auto it = builtin_loaded.find(provider);
    if (it == builtin_loaded.end()) {
      std::unique_ptr<manifest_set> set;
      if (const schema_database::entry* entry = builtin_schemas().find(provider)) {
        // Every block of the shipped database loads (tests/decode/database): a block that did
        // not would leave the provider to the other sources, as an unknown one.
        auto loaded = builtin_schemas().load(*entry);
        if (loaded) {
          set = std::make_unique<manifest_set>();
          set->add(std::move(loaded).value());
        }
      }
      it = builtin_loaded.emplace(provider, std::move(set)).first;
    }
    return it->second.get();
  }

  void learn(event_schema schema) {
    schema_key key;
    key.classic = schema.source == schema_source::mof;
    key.id = key.classic ? schema.event_guid : schema.provider_guid;
    key.number = key.classic ? schema.opcode : schema.id;
    key.version = schema.version;
    event_schema& stored = learned_schemas.emplace_back(std::move(schema));
    from_trace[key] = &stored;
    ++generation;
    for (const property& p : stored.properties) {
      if (!p.map_name.empty() && p.map == nullptr) {
        // Its maps may have arrived already (they come once per provider, not per event).
        unresolved.push_back(&stored);
        resolve_maps();
        break;
      }
    }
  }

  // Points properties at value maps that have arrived since the schema was learned.
  void resolve_maps() {
    std::erase_if(unresolved, [&](event_schema* schema) {
      bool complete = true;
      auto provider = maps.find(schema->provider_guid);
      for (property& p : schema->properties) {
        if (p.map_name.empty() || p.map != nullptr) continue;
        if (provider != maps.end()) {
          if (auto it = provider->second.find(p.map_name); it != provider->second.end()) {
            p.map = &it->second;
            continue;
          }
        }
        complete = false;
      }
      return complete;
    });
  }

  void learn_from_metadata_record(const etl::record_view& record, event& out) {
    if (record.opcode() == event_info_opcode) {
      auto schema = read_event_info(record.payload());
      if (schema.ok()) {
        learn(std::move(schema).value());
      } else {
        out.decode_error = "TRACE_EVENT_INFO: " + schema.failure().message;
      }
    } else if (record.opcode() == event_map_info_opcode) {
      auto map = read_event_map_info(record.payload());
      if (map.ok()) {
        auto& [provider, value_map] = map.value();
        maps[provider].insert_or_assign(value_map.name, std::move(value_map));
        if (!unresolved.empty()) resolve_maps();
      } else {
        out.decode_error = "EVENT_MAP_INFO: " + map.failure().message;
      }
    }
  }

  // Names from a schema.
  static void name(const event_schema& schema, event& out) {
    if (!schema.provider_name.empty() && out.provider_name.empty()) {
      out.provider_name = schema.provider_name;
    }
    if (!schema.event_name.empty()) out.set_event_name(schema.event_name);
    if (!schema.level_name.empty()) out.level_name = schema.level_name;
    if (!schema.task_name.empty()) out.task_name = schema.task_name;
    if (!schema.opcode_name.empty()) out.opcode_name = schema.opcode_name;
    if (!schema.channel_name.empty()) out.channel_name = schema.channel_name;
    if (out.keyword_names.empty()) {
      for (const std::string& k : schema.keyword_names) out.keyword_names.push_back(k);
    }
  }

  // Applies a schema: names, then the payload.
  void apply(const event_schema& schema, const etl::record_view& record, event& out) {
    apply(schema, schema, record, out);
  }
  void apply(const event_schema& schema, const event_schema& names, const etl::record_view& record,
             event& out) {
    name(names, out);
    if (payload.decode(schema, record.payload(), record.pointer_size(), out.data,
                       out.decode_error)) {
      out.payload_decoded = true;
    } else if (schema.source != schema_source::kernel && schema.version != record.version()) {
      // Say which schema was applied, so that the error is not read as damage.
      // Built on the stack: this runs for every event of a newer version.
      char prefix[64];
      char* end = prefix;
      auto put = [&](std::string_view text) { end = std::copy(text.begin(), text.end(), end); };
      put("version ");
      end = std::to_chars(end, prefix + 8 + 5, schema.version).ptr;
      put(" schema applied to version ");
      end = std::to_chars(end, prefix + sizeof prefix - 2, record.version()).ptr;
      put(": ");
      out.decode_error.insert(0, prefix, static_cast<std::size_t>(end - prefix));
    }
  }

  // An EventSource's own manifest (event 0xFFFE): printed like any event, and once all its
  // chunks are in, the schemas of that provider's other events.
  void decode_manifest_event(const etl::record_view& record, event& out) {
    apply(manifest_data_schema(), record, out);
    auto assembled = event_source_manifests.add(record.header_guid(), record.payload());
    if (assembled && assembled->ok()) {
      trace_manifests.merge(assembled->value());
      changed();
    } else if (assembled && out.decode_error.empty()) {
      out.decode_error = "EventSource manifest: " + assembled->failure().message;
    }
    if (out.provider_name.empty()) {
      out.provider_name = trace_manifests.provider_name(record.header_guid());
    }
  }
};

decoder::decoder() : state_(std::make_unique<state>()) {}
decoder::~decoder() = default;
decoder::decoder(decoder&&) noexcept = default;
decoder& decoder::operator=(decoder&&) noexcept = default;

result<std::size_t> decoder::add_manifests(const std::filesystem::path& file_or_folder,
                                           diagnostics& diags) {
  std::error_code ec;
  auto set = std::filesystem::is_directory(file_or_folder, ec)
                 ? read_manifest_directory(file_or_folder, diags)
                 : read_manifest_file(file_or_folder);
  if (!set.ok()) return set.failure();
  const std::size_t added = set.value().event_count();
  state_->user_manifests.push_back(std::move(set).value());
  state_->changed();
  return added;
}

void decoder::use_builtin_schemas(bool use) {
  state_->use_builtin = use;
  state_->builtin_loaded.clear();
  state_->changed();
}

void decoder::use_fallback(std::unique_ptr<schema_fallback> fallback) {
  state_->fallback = std::move(fallback);
  state_->fallback_answers.clear();
  state_->changed();
}

result<std::size_t> decoder::add_format_files(const std::filesystem::path& file_or_folder) {
  std::error_code ec;
  auto added = std::filesystem::is_directory(file_or_folder, ec)
                   ? state_->format_files.add_directory(file_or_folder)
                   : state_->format_files.add_file(file_or_folder);
  if (added.ok()) state_->have_format_files = true;
  return added;
}

void decoder::decode(const etl::record_view& record, event& out) {
  state& s = *state_;
  const etl::header_kind kind = record.kind();
  if (kind == etl::header_kind::event_header32 || kind == etl::header_kind::event_header64) {
    if (s.tracelogging.decode(record, out)) return;  // the record described itself
    if (record.event_id() == manifest_event_id && record.opcode() == manifest_event_opcode) {
      s.decode_manifest_event(record, out);
      return;
    }
    const event_schema* names = nullptr;
    if (const event_schema* schema = s.find(record, false, names)) {
      s.apply(*schema, *names, record, out);
    } else if (names != nullptr) {
      state::name(*names, out);
    }
  } else if (kind == etl::header_kind::wpp_message) {
    s.wpp.decode(record, s.have_format_files ? &s.format_files : nullptr, out);
  } else {
    // Classic: kernel groups and MOF classes (FULL/INSTANCE headers).
    if (record.provider_guid() == event_metadata_guid) s.learn_from_metadata_record(record, out);
    const event_schema* names = nullptr;  // for classic events, the layout's own
    const event_schema* schema = s.find(record, true, names);
    if (schema == nullptr) {
      schema = find_kernel_schema(record.provider_guid(), record.opcode(), record.version(),
                                  record.pointer_size());
    }
    if (schema == nullptr && s.fallback) {
      schema_key key;
      key.classic = true;
      key.id = record.provider_guid();
      key.number = record.opcode();
      key.version = record.version();
      schema = s.ask_fallback(key, record);
    }
    if (schema != nullptr) {
      s.apply(*schema, record, out);
    } else if (std::string_view task = kernel_task_name(record.provider_guid()); !task.empty()) {
      // A known class, an unknown type: TraceEvent's "SysConfig/Opcode(37)".
      char name[64];
      const std::size_t n = std::min<std::size_t>(task.size(), 40);
      std::copy_n(task.data(), n, name);
      char* end = name + n;
      constexpr std::string_view opcode = "/Opcode(";
      end = std::copy(opcode.begin(), opcode.end(), end);
      end = std::to_chars(end, name + sizeof name - 1, record.opcode()).ptr;
      *end++ = ')';
      out.set_event_name_copy(std::string_view(name, static_cast<std::size_t>(end - name)));
      if (out.provider_name.empty())
        out.provider_name = kernel_class_provider(record.provider_guid());
    }
  }
}

}  // namespace etwcat::decode
