// Listings of the provider catalog. Columns are padded to the widest entry, as logman's are.
#include "formats/provider_catalog_writer.h"

#include <fmt/format.h>

#include <algorithm>

#include "formats/json.h"
#include "lib/provider/system_providers.h"

namespace etwcat::formats {

namespace {

std::string hex(std::uint64_t value) {
  text_buffer out;
  append_hex(out, value);
  return out.str();
}

std::string joined(const std::vector<std::string>& items, std::string_view separator) {
  text_buffer out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out.str();
}

// Where a size comes from, as a manifest would say it: "count=3", "count=FrameCount".
std::string size_text(const std::vector<decode::property>& props, decode::size_source from,
                      std::uint16_t value) {
  using decode::size_source;
  switch (from) {
    case size_source::none:
      return "";
    case size_source::fixed:
      return std::to_string(value);
    case size_source::property:
      return value < props.size() ? props[value].name : "field " + std::to_string(value);
    case size_source::remaining:
      return "rest";
  }
  return "";
}

void append_field_text(text_buffer& out, const std::vector<decode::property>& props,
                       std::size_t index, int depth) {
  const decode::property& p = props[index];
  std::string line(static_cast<std::size_t>(6 + 2 * depth), ' ');
  if (p.is_struct) {
    line += fmt::format("{}  struct", p.name);
  } else {
    line += fmt::format("{:<28} {}", p.name, decode::in_type_name(p.in));
    if (p.out != decode::out_type::none) line += " -> " + decode::out_type_name(p.out);
  }
  const std::string count = size_text(props, p.count_from, p.count);
  if (!count.empty() && (p.count_from != decode::size_source::fixed || p.count != 1)) {
    line += "  count=" + count;
  }
  const std::string length = size_text(props, p.length_from, p.length);
  if (!length.empty()) line += "  length=" + length;
  if (!p.map_name.empty()) line += "  map=" + p.map_name;
  out += line;
  out.push_back('\n');
  if (p.is_struct) {
    for (std::size_t m = 0; m < p.member_count; ++m) {
      const std::size_t member = std::size_t{p.first_member} + m;
      if (member < props.size() && member != index)
        append_field_text(out, props, member, depth + 1);
    }
  }
}

void append_field_json(text_buffer& out, const std::vector<decode::property>& props,
                       std::size_t index, int depth) {
  const decode::property& p = props[index];
  out += "{\"Name\":";
  append_json_string(out, p.name);
  if (p.is_struct) {
    out += ",\"Members\":[";
    for (std::size_t m = 0; m < p.member_count && depth < 8; ++m) {
      const std::size_t member = std::size_t{p.first_member} + m;
      if (member >= props.size() || member == index) continue;
      if (m > 0) out.push_back(',');
      append_field_json(out, props, member, depth + 1);
    }
    out.push_back(']');
  } else {
    out += ",\"InType\":";
    append_json_string(out, decode::in_type_name(p.in));
    if (p.out != decode::out_type::none) {
      out += ",\"OutType\":";
      append_json_string(out, decode::out_type_name(p.out));
    }
  }
  const std::string count = size_text(props, p.count_from, p.count);
  if (!count.empty() && (p.count_from != decode::size_source::fixed || p.count != 1)) {
    out += ",\"Count\":";
    append_json_string(out, count);
  }
  const std::string length = size_text(props, p.length_from, p.length);
  if (!length.empty()) {
    out += ",\"Length\":";
    append_json_string(out, length);
  }
  if (!p.map_name.empty()) {
    out += ",\"Map\":";
    append_json_string(out, p.map_name);
  }
  out.push_back('}');
}

void append_declarations_json(text_buffer& out, std::string_view key,
                              const std::vector<decode::declaration>& list, bool mask) {
  out += ",\"";
  out += key;
  out += "\":[";
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += "{\"Name\":";
    append_json_string(out, list[i].name);
    if (list[i].display != list[i].name) {
      out += ",\"Display\":";
      append_json_string(out, list[i].display);
    }
    if (mask) {
      out += ",\"Mask\":\"" + hex(list[i].value) + "\"";
    } else {
      out += ",\"Value\":" + std::to_string(list[i].value);
    }
    if (key == "Opcodes" && list[i].task != 0) out += ",\"Task\":" + std::to_string(list[i].task);
    out.push_back('}');
  }
  out.push_back(']');
}

void append_declarations_text(text_buffer& out, std::string_view title,
                              const std::vector<decode::declaration>& list, bool mask) {
  if (list.empty()) return;
  out += fmt::format("{}:\n", title);
  for (const auto& d : list) {
    std::string value = mask ? fmt::format("0x{:016X}", d.value) : std::to_string(d.value);
    if (title == "Opcodes" && d.task != 0) value = fmt::format("{}/{}", d.task, value);
    out += fmt::format("  {:<20} {}", value, d.name);
    if (d.display != d.name && !d.display.empty()) out += "  (" + d.display + ")";
    out.push_back('\n');
  }
}

}  // namespace

std::string format_catalog(std::span<const provider::catalog_entry* const> entries,
                           listing_format format) {
  text_buffer out;
  if (format == listing_format::jsonl) {
    for (const auto* e : entries) {
      out += "{\"Name\":";
      append_json_string(out, e->name);
      out += ",\"Guid\":\"" + e->id.to_string() + "\",\"Sources\":[";
      for (std::size_t i = 0; i < e->sources.size(); ++i) {
        if (i > 0) out.push_back(',');
        append_json_string(out, e->sources[i]);
      }
      out += "]}\n";
    }
    return out.str();
  }
  std::size_t width = 0;
  for (const auto* e : entries) width = std::max(width, e->name.size());
  for (const auto* e : entries) {
    out += fmt::format("{:<{}}  {}  {}\n", e->name, width, e->id.to_string(),
                       joined(e->sources, ", "));
  }
  return out.str();
}

std::string format_provider_details(const decode::manifest_provider& p,
                                    const provider::catalog_entry* entry, listing_format format) {
  std::vector<const decode::event_schema*> events;
  for (const auto& s : p.events) events.push_back(&s);
  for (const auto& s : p.untemplated) events.push_back(&s);
  std::sort(events.begin(), events.end(), [](const auto* a, const auto* b) {
    return a->id != b->id ? a->id < b->id : a->version < b->version;
  });
  const auto layout_known = [&](const decode::event_schema* s) {
    return s >= p.events.data() && s < p.events.data() + p.events.size();
  };

  text_buffer out;
  if (format == listing_format::jsonl) {
    out += "{\"Type\":\"Provider\",\"Name\":";
    append_json_string(out, p.name);
    out += ",\"Guid\":\"" + p.id.to_string() + "\"";
    if (entry != nullptr) {
      out += ",\"Sources\":[";
      for (std::size_t i = 0; i < entry->sources.size(); ++i) {
        if (i > 0) out.push_back(',');
        append_json_string(out, entry->sources[i]);
      }
      out.push_back(']');
    }
    out += ",\"Schema\":";
    append_json_string(out, p.origin);
    append_declarations_json(out, "Keywords", p.keywords, true);
    append_declarations_json(out, "Levels", p.levels, false);
    append_declarations_json(out, "Channels", p.channels, false);
    append_declarations_json(out, "Tasks", p.tasks, false);
    append_declarations_json(out, "Opcodes", p.opcodes, false);
    out += "}\n";
    for (const auto* s : events) {
      out += "{\"Type\":\"Event\",\"Id\":" + std::to_string(s->id) +
             ",\"Version\":" + std::to_string(s->version) + ",\"EventName\":";
      append_json_string(out, s->event_name);
      out += ",\"Level\":" + std::to_string(s->level);
      if (!s->level_name.empty()) {
        out += ",\"LevelName\":";
        append_json_string(out, s->level_name);
      }
      out += ",\"Task\":" + std::to_string(s->task);
      if (!s->task_name.empty()) {
        out += ",\"TaskName\":";
        append_json_string(out, s->task_name);
      }
      out += ",\"Opcode\":" + std::to_string(s->opcode);
      if (!s->opcode_name.empty()) {
        out += ",\"OpcodeName\":";
        append_json_string(out, s->opcode_name);
      }
      out += ",\"Keywords\":\"" + hex(s->keywords) + "\",\"KeywordNames\":[";
      for (std::size_t i = 0; i < s->keyword_names.size(); ++i) {
        if (i > 0) out.push_back(',');
        append_json_string(out, s->keyword_names[i]);
      }
      out += "]";
      if (!s->channel_name.empty()) {
        out += ",\"Channel\":";
        append_json_string(out, s->channel_name);
      }
      if (layout_known(s)) {
        out += ",\"Fields\":[";
        for (std::size_t i = 0; i < s->top_level_count && i < s->properties.size(); ++i) {
          if (i > 0) out.push_back(',');
          append_field_json(out, s->properties, i, 0);
        }
        out += "]";
      } else {
        // Not "no fields": the source lost the template (a dump of a running system).
        out += ",\"Fields\":null";
      }
      out += "}\n";
    }
    return out.str();
  }

  out += fmt::format("{:<10}{}\n{:<10}{}\n", "Name:", p.name, "Guid:", p.id.to_string());
  if (entry != nullptr) out += fmt::format("{:<10}{}\n", "Sources:", joined(entry->sources, ", "));
  out += fmt::format("{:<10}{}\n", "Schema:", p.origin);
  append_declarations_text(out, "Keywords", p.keywords, true);
  append_declarations_text(out, "Levels", p.levels, false);
  append_declarations_text(out, "Channels", p.channels, false);
  append_declarations_text(out, "Tasks", p.tasks, false);
  append_declarations_text(out, "Opcodes", p.opcodes, false);
  if (!events.empty()) out += fmt::format("Events ({}):\n", events.size());
  for (const auto* s : events) {
    out += fmt::format("  {} v{}  {}", s->id, s->version, s->event_name);
    if (!s->level_name.empty()) out += "  level=" + s->level_name;
    if (s->keywords != 0) {
      out += "  keywords=" + hex(s->keywords);
      if (!s->keyword_names.empty()) out += " (" + joined(s->keyword_names, ", ") + ")";
    }
    if (!s->channel_name.empty()) out += "  channel=" + s->channel_name;
    out.push_back('\n');
    if (!layout_known(s)) {
      out += "      (template unknown: the source lost it)\n";
      continue;
    }
    for (std::size_t i = 0; i < s->top_level_count && i < s->properties.size(); ++i) {
      append_field_text(out, s->properties, i, 0);
    }
  }
  return out.str();
}

std::string format_system_providers(listing_format format) {
  text_buffer out;
  for (const auto& p : provider::windows_system_providers()) {
    if (format == listing_format::jsonl) {
      out += "{\"Name\":";
      append_json_string(out, p.name);
      out += ",\"Guid\":\"" + p.id.to_string() + "\",\"Keywords\":[";
      for (std::size_t i = 0; i < p.keywords.size(); ++i) {
        if (i > 0) out.push_back(',');
        out += "{\"Name\":";
        append_json_string(out, p.keywords[i].name);
        out += ",\"Mask\":\"" + hex(p.keywords[i].mask) + "\"}";
      }
      out += "]}\n";
      continue;
    }
    out += fmt::format("{}  {}\n", p.name, p.id.to_string());
    for (const auto& k : p.keywords) out += fmt::format("  0x{:08X}  {}\n", k.mask, k.name);
  }
  return out.str();
}

}  // namespace etwcat::formats
