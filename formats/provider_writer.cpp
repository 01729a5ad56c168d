// Text columns are padded to the widest name, as logman's listings are.
#include "formats/provider_writer.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "formats/json.h"
#include "lib/provider/kernel_flags.h"
#include "lib/provider/known_providers.h"

namespace etwcat::formats {

void append_provider_json(text_buffer& out, const provider::provider& parsed) {
  out += "{\"Name\":";
  append_json_string(out, parsed.name);
  out += ",\"Guid\":\"";
  out += parsed.id.to_string();
  out += "\",\"Level\":";
  out += std::to_string(parsed.level);
  out += ",\"MatchAnyKeyword\":\"";
  append_hex(out, parsed.match_any_keyword);
  out += "\",\"MatchAllKeyword\":\"";
  append_hex(out, parsed.match_all_keyword);
  out += "\",\"EventIds\":[";
  for (std::size_t i = 0; i < parsed.event_ids.size(); ++i) {
    if (i) out.push_back(',');
    out += std::to_string(parsed.event_ids[i]);
  }
  out += "],\"ExcludeEventIds\":";
  out += parsed.exclude_event_ids ? "true" : "false";
  out.push_back('}');
}

void append_provider_text(text_buffer& out, const provider::provider& parsed) {
  // The names the provider-string parser accepts for these levels.
  constexpr std::string_view level_names[] = {"critical", "error", "warning", "information",
                                              "verbose"};
  auto line = [&out](std::string_view key, std::string_view value) {
    out += fmt::format("{:<18}{}\n", fmt::format("{}:", key), value);
  };
  if (!parsed.name.empty()) line("Name", parsed.name);
  line("Guid", parsed.id.to_string());
  line("Level", parsed.level >= 1 && parsed.level <= 5
                    ? fmt::format("{} ({})", parsed.level, level_names[parsed.level - 1])
                    : std::to_string(parsed.level));
  text_buffer hex;
  append_hex(hex, parsed.match_any_keyword);
  line("MatchAnyKeyword", hex.view());
  hex.clear();
  append_hex(hex, parsed.match_all_keyword);
  line("MatchAllKeyword", hex.view());
  line(parsed.exclude_event_ids ? "ExcludeEventIds" : "EventIds",
       parsed.event_ids.empty() ? "all" : fmt::format("{}", fmt::join(parsed.event_ids, ",")));
}

std::string format_known_providers(listing_format format) {
  text_buffer out;
  auto table = provider::known_providers();
  if (format == listing_format::jsonl) {
    for (const auto& entry : table) {
      out += "{\"Name\":";
      append_json_string(out, entry.name);
      out += ",\"Guid\":\"" + entry.id.to_string() + "\",\"Description\":";
      append_json_string(out, entry.description);
      out += "}\n";
    }
    return out.str();
  }
  std::size_t width = 0;
  for (const auto& entry : table) width = std::max(width, entry.name.size());
  for (const auto& entry : table) {
    out +=
        fmt::format("{:<{}}  {}  {}\n", entry.name, width, entry.id.to_string(), entry.description);
  }
  return out.str();
}

std::string format_kernel_flags(listing_format format) {
  text_buffer out;
  auto table = provider::kernel_flags();
  if (format == listing_format::jsonl) {
    for (const auto& flag : table) {
      out += "{\"Name\":";
      append_json_string(out, flag.name);
      out += ",\"Value\":\"";
      append_hex(out, flag.value);
      out += "\"";
      if (!flag.logman_name.empty()) {
        out += ",\"Logman\":";
        append_json_string(out, flag.logman_name);
      }
      out += ",\"Description\":";
      append_json_string(out, flag.description);
      out += "}\n";
    }
    return out.str();
  }
  for (const auto& flag : table) {
    out += fmt::format("{:<16} 0x{:08X}  {:<17} {}\n", flag.name, flag.value,
                       flag.logman_name.empty() ? "-" : flag.logman_name, flag.description);
  }
  return out.str();
}

}  // namespace etwcat::formats
