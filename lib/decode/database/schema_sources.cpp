// schema_sources: reading and merging the public schema sources of the built-in database.
#include "lib/decode/database/schema_sources.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "lib/base/ascii.h"
#include "lib/base/diagnostics.h"
#include "lib/base/input_file.h"
#include "lib/base/path_text.h"
#include "lib/decode/manifest/xml_reader.h"

namespace etwcat::decode {

namespace {

void append_xml_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(c);
    }
  }
}

// One provider being merged: events by (id, version), declarations and maps by identity.
struct merged_provider {
  manifest_provider provider;
  std::map<std::pair<std::uint16_t, std::uint8_t>, std::pair<event_schema, bool>> events;
  std::vector<std::string> origins;
};

void add_declarations(std::vector<declaration>& into, const std::vector<declaration>& from) {
  for (const declaration& d : from) {
    const bool known = std::any_of(into.begin(), into.end(), [&](const declaration& have) {
      return have.value == d.value && have.task == d.task;
    });
    if (!known) into.push_back(d);
  }
}

// Copies a map the recipient lacks, so an event's map names stay resolvable in its provider.
void add_maps(std::vector<value_map>& into, const std::vector<value_map>& from) {
  for (const value_map& m : from) {
    const bool known = std::any_of(into.begin(), into.end(),
                                   [&](const value_map& have) { return have.name == m.name; });
    if (!known) into.push_back(m);
  }
}

void merge_into(merged_provider& m, const manifest_provider& p, std::string_view label) {
  if (m.origins.empty()) {
    m.provider.id = p.id;
    m.provider.name = p.name;
  }
  m.origins.push_back(std::string(label) + (label.ends_with('/') ? p.origin : ""));
  add_declarations(m.provider.keywords, p.keywords);
  add_declarations(m.provider.levels, p.levels);
  add_declarations(m.provider.channels, p.channels);
  add_declarations(m.provider.tasks, p.tasks);
  add_declarations(m.provider.opcodes, p.opcodes);
  add_maps(m.provider.maps, p.maps);
  for (const auto* list : {&p.events, &p.untemplated}) {
    const bool layout = list == &p.events;
    for (const event_schema& s : *list) {
      auto [it, added] = m.events.try_emplace({s.id, s.version}, s, layout);
      // A layout from a later source still beats names alone.
      if (!added && layout && !it->second.second) it->second = {s, true};
    }
  }
}

// Windows PowerShell's dumped manifest lacks most templates; PowerShell 6+ logs the same events
// (same ids) under PowerShellCore, whose author manifest has them.
void borrow_templates(merged_provider& recipient, const merged_provider& donor) {
  for (auto& [key, entry] : recipient.events) {
    auto& [schema, layout] = entry;
    if (layout) continue;
    const event_schema* best = nullptr;
    for (const auto& [donor_key, donor_entry] : donor.events) {
      if (donor_key.first != key.first || !donor_entry.second) continue;
      // The same version, else the newest one.
      if (best == nullptr || donor_key.second == key.second ||
          (best->version != key.second && donor_key.second > best->version)) {
        best = &donor_entry.first;
      }
    }
    if (best == nullptr) continue;
    schema.properties = best->properties;
    schema.top_level_count = best->top_level_count;
    layout = true;
    for (const property& p : best->properties) {
      if (p.map_name.empty()) continue;
      for (const value_map& map : donor.provider.maps) {
        if (map.name == p.map_name) add_maps(recipient.provider.maps, {map});
      }
    }
  }
  recipient.origins.push_back("templates of PowerShellCore");
}

constexpr std::string_view powershell_guid = "{A0C1853B-5C40-4B15-8766-3CF1C58F985A}";
constexpr std::string_view powershell_core_guid = "{F90714A8-5509-434A-BF6D-B1624C8A19A2}";

// Decimal or 0x-hex, as Sysmon writes event numbers ("1", "0xf001").
std::optional<unsigned> small_number(std::string_view text) {
  int base = 10;
  if (text.starts_with("0x") || text.starts_with("0X")) {
    base = 16;
    text.remove_prefix(2);
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// Sysmon's level words.
std::string_view winmeta_level_name(std::string_view level) {
  if (level == "Error") return "win:Error";
  if (level == "Warning") return "win:Warning";
  if (level == "Critical") return "win:Critical";
  if (level == "Verbose") return "win:Verbose";
  return "win:Informational";
}

// "<provider name> <guid>.xml", as the dumped set names its files.
std::optional<std::pair<std::string, guid>> name_from_file(const std::filesystem::path& file) {
  const std::string stem = path_to_utf8(file.stem());
  const auto space = stem.rfind(' ');
  if (space == std::string::npos) return std::nullopt;
  const auto id = guid::parse(std::string_view(stem).substr(space + 1));
  if (!id) return std::nullopt;
  return std::pair{stem.substr(0, space), *id};
}

// Each file of a dumped set on its own: some dumps lost the provider's name and GUID (written
// as "" and the null GUID), which the file name still has.
result<std::vector<std::shared_ptr<const manifest_provider>>> read_dumped_manifests(
    const std::filesystem::path& folder) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->path().extension() == ".xml") files.push_back(it->path());
  }
  if (ec) return error{"cannot list " + path_to_utf8(folder) + ": " + ec.message(), 0};
  std::sort(files.begin(), files.end());
  std::vector<std::shared_ptr<const manifest_provider>> out;
  for (const auto& file : files) {
    auto set = read_manifest_file(file);
    if (!set) return error{path_to_utf8(file) + ": " + set.failure().message, set.failure().offset};
    for (const auto& p : set.value().providers()) {
      if (p->id != guid{}) {
        out.push_back(p);
        continue;
      }
      const auto named = name_from_file(file);
      if (!named) return error{path_to_utf8(file) + ": provider without a GUID", 0};
      auto fixed = std::make_shared<manifest_provider>(*p);
      fixed->name = named->first;
      fixed->id = named->second;
      for (auto* list : {&fixed->events, &fixed->untemplated}) {
        for (event_schema& s : *list) {
          s.provider_guid = fixed->id;
          s.provider_name = fixed->name;
        }
      }
      out.push_back(std::move(fixed));
    }
  }
  return out;
}

}  // namespace

std::vector<schema_source_file> builtin_schema_sources(const std::filesystem::path& data) {
  using k = schema_source_file::kind;
  return {
      {k::manifest, data / "microsoft-Tx" / "SystemEvents.man", "microsoft/Tx SystemEvents.man"},
      {k::manifest, data / "microsoft-Tx" / "HTTP_Server.man", "microsoft/Tx HTTP_Server.man"},
      {k::manifest, data / "microsoft-Tx" / "IE_Client.man", "microsoft/Tx IE_Client.man"},
      {k::manifest, data / "microsoft-perfview" / "ClrEtwAll.man",
       "microsoft/perfview ClrEtwAll.man"},
      {k::manifest, data / "powershell-PowerShell-Native" / "PowerShell.Core.Instrumentation.man",
       "PowerShell/PowerShell-Native PowerShell.Core.Instrumentation.man"},
      {k::sysmon_schema, data / "sysinternals-SysmonCommon" / "manifest.xml",
       "Sysinternals/SysmonCommon manifest.xml"},
      {k::dumped_manifests, data / "lilhoser-etwmanifests-26200.6901",
       "lilhoser/etwmanifests 26200.6901/"},
  };
}

std::vector<std::string> schema_source_notes(std::span<const schema_source_file> sources) {
  std::vector<std::string> notes{
      "Provider schemas built into etwcat. Generated by scripts/schema-db; do not edit.",
      "Format: docs/schema-database.md. Sources, highest priority first (licences: "
      "data/LICENSES):"};
  for (const auto& s : sources) notes.push_back("  " + s.label);
  return notes;
}

result<manifest_set> read_sysmon_schema(std::string_view xml, std::string_view origin) {
  auto doc = xml_document::parse(xml);
  if (!doc) return error{std::string(origin) + ":" + doc.failure().message, doc.failure().offset};
  // Every (event, version) once, from the newest schema that has it (they are newest first).
  std::map<std::pair<unsigned, unsigned>, xml_element> events;
  {
    xml_element manifests = doc.value().root();  // <manifests>
    for (xml_element manifest : manifests.children()) {
      if (manifest.local_name() != "manifest") continue;
      xml_element list = manifest.child("events");
      if (!list) continue;
      for (xml_element e : list.children()) {
        if (e.local_name() != "event") continue;
        const auto id = e.attribute_or_empty("value");
        const auto version = e.attribute_or_empty("version");
        const auto i = small_number(id), v = small_number(version);
        if (!i || !v || *i > 0xFFFF || *v > 0xFF) {
          return error{std::string(origin) + ": event value=\"" + std::string(id) +
                           "\" version=\"" + std::string(version) + "\" is not an event number",
                       e.offset()};
        }
        events.try_emplace({*i, *v}, e);
      }
    }
  }
  // Written as an instrumentation manifest, so the manifest reader maps types and names.
  std::string out =
      "<instrumentationManifest><instrumentation><events>"
      "<provider name=\"Microsoft-Windows-Sysmon\" guid=\"{5770385F-C22A-43E0-BF4C-06F5698FFBD9}\">"
      "<channels><channel name=\"Microsoft-Windows-Sysmon/Operational\" chid=\"c\" value=\"16\"/>"
      "</channels><tasks>";
  std::set<unsigned> tasks;
  for (const auto& [key, e] : events) {
    if (!tasks.insert(key.first).second) continue;
    std::string name(e.attribute_or_empty("template"));
    if (auto rule = e.attribute_or_empty("rulename"); !rule.empty()) {
      name += " (rule: " + std::string(rule) + ")";
    }
    out += "<task name=\"t" + std::to_string(key.first) + "\" value=\"" +
           std::to_string(key.first) + "\" message=\"";
    append_xml_escaped(out, name);
    out += "\"/>";
  }
  out += "</tasks><templates>";
  for (const auto& [key, e] : events) {
    out +=
        "<template tid=\"e" + std::to_string(key.first) + "v" + std::to_string(key.second) + "\">";
    for (xml_element d : e.children()) {
      if (d.local_name() != "data") continue;
      out += "<data name=\"";
      append_xml_escaped(out, d.attribute_or_empty("name"));
      out += "\" inType=\"";
      append_xml_escaped(out, d.attribute_or_empty("inType"));
      out += "\"";
      if (auto o = d.attribute("outType")) {
        out += " outType=\"";
        append_xml_escaped(out, *o);
        out += "\"";
      }
      out += "/>";
    }
    out += "</template>";
  }
  out += "</templates><events>";
  for (const auto& [key, e] : events) {
    const auto id = std::to_string(key.first), version = std::to_string(key.second);
    out += "<event value=\"" + id + "\" version=\"" + version + "\" level=\"" +
           std::string(winmeta_level_name(e.attribute_or_empty("level"))) + "\" task=\"t" + id +
           "\" channel=\"c\" template=\"e" + id + "v" + version + "\"/>";
  }
  out += "</events></provider></events></instrumentation></instrumentationManifest>";
  manifest_options options;
  options.missing_template_means_empty = true;
  auto set = read_manifest(out, origin, options);
  if (!set) return set.failure();
  return set;
}

result<std::vector<std::shared_ptr<const manifest_provider>>> merge_schema_sources(
    std::span<const schema_source_file> sources) {
  std::map<guid, merged_provider> merged;
  for (const schema_source_file& source : sources) {
    result<manifest_set> set = manifest_set();
    if (source.type == schema_source_file::kind::dumped_manifests) {
      auto read = read_dumped_manifests(source.path);
      if (!read) return read.failure();
      for (const auto& p : read.value()) merge_into(merged[p->id], *p, source.label);
      continue;
    }
    if (source.type == schema_source_file::kind::sysmon_schema) {
      auto bytes = read_whole_file(source.path);
      if (!bytes) return error{path_to_utf8(source.path) + ": " + bytes.failure().message, 0};
      set = read_sysmon_schema(bytes.value(), source.label);
    } else {
      manifest_options options;
      options.missing_template_means_empty = true;
      set = read_manifest_file(source.path, options);
    }
    if (!set) {
      return error{path_to_utf8(source.path) + ": " + set.failure().message, set.failure().offset};
    }
    for (const auto& p : set.value().providers()) merge_into(merged[p->id], *p, source.label);
  }

  const auto ps = merged.find(*guid::parse(powershell_guid));
  const auto core = merged.find(*guid::parse(powershell_core_guid));
  if (ps != merged.end() && core != merged.end()) borrow_templates(ps->second, core->second);

  std::vector<std::shared_ptr<const manifest_provider>> out;
  for (auto& [id, m] : merged) {
    auto p = std::make_shared<manifest_provider>(std::move(m.provider));
    for (std::size_t i = 0; i < m.origins.size(); ++i) {
      p->origin += (i == 0 ? "" : "; ") + m.origins[i];
    }
    for (auto& [key, entry] : m.events) {
      (entry.second ? p->events : p->untemplated).push_back(std::move(entry.first));
    }
    // Copied schemas point at their source's maps: point them at this provider's.
    for (event_schema& s : p->events) {
      for (property& prop : s.properties) {
        prop.map = nullptr;
        for (const value_map& map : p->maps) {
          if (!prop.map_name.empty() && map.name == prop.map_name) prop.map = &map;
        }
      }
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace etwcat::decode
