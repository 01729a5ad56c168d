// Text columns for people, or JSON lines: {"File":…} per input, then
// {"Provider":…,"EventName":…,"Count":…,"First":…,"Last":…} per event name, then {"Total":…}.
#include "formats/summary_writer.h"

#include <fmt/format.h>

#include "formats/json.h"
#include "lib/base/time_format.h"

namespace etwcat::formats {
namespace {

std::string time_text(std::uint64_t filetime) {
  char text[rfc3339_length];
  return std::string(format_rfc3339(filetime, text));
}

}  // namespace

void summary_writer::write(const event& e) {
  char guid_text[38];
  std::string_view provider = e.provider_name;
  if (provider.empty()) {
    e.provider_guid.format_to(guid_text);
    provider = std::string_view(guid_text, sizeof guid_text);
  }
  auto it = events_.find(key_view{provider, e.event_name()});
  if (it == events_.end()) {
    it = events_.emplace(key{std::string(provider), std::string(e.event_name())}, stats{}).first;
  }
  stats& s = it->second;
  ++s.count;
  if (e.has_time) {
    s.first = std::min(s.first, e.time_created);
    s.last = std::max(s.last, e.time_created);
  }
}

void summary_writer::finish(const summary& totals) {
  std::string& out = sink_.buffer();
  if (format_ == summary_format::jsonl) {
    for (const auto& source : info_.sources) {
      out += "{\"File\":";
      append_json_string(out, source.name);
      out += fmt::format(
          ",\"OSBuild\":{},\"Processors\":{},\"PointerSize\":{},\"Buffers\":{},"
          "\"EventsLost\":{},\"BuffersLost\":{},\"StartTime\":\"{}\",\"EndTime\":\"{}\"}}\n",
          source.os_build, source.processors, source.pointer_size, source.buffers,
          source.events_lost, source.buffers_lost, time_text(source.start_time),
          time_text(source.end_time));
    }
    for (const auto& [k, s] : events_) {
      out += "{\"Provider\":";
      append_json_string(out, k.provider);
      out += ",\"EventName\":";
      append_json_string(out, k.event_name);
      out += fmt::format(",\"Count\":{}", s.count);
      if (s.count && s.last) {
        out +=
            fmt::format(",\"First\":\"{}\",\"Last\":\"{}\"", time_text(s.first), time_text(s.last));
      }
      out += "}\n";
    }
    out += fmt::format(
        "{{\"Total\":{{\"Records\":{},\"Events\":{},\"EventsLost\":{},\"Diagnostics\":{}}}}}\n",
        totals.records_read, totals.events_written, totals.events_lost, totals.diagnostics);
  } else {
    for (const auto& source : info_.sources) {
      out += fmt::format(
          "{}: OS build {}, {} CPUs, {}-bit, {} buffers, {} events lost, {} buffers lost, "
          "{} .. {}\n",
          source.name, source.os_build, source.processors, source.pointer_size * 8, source.buffers,
          source.events_lost, source.buffers_lost, time_text(source.start_time),
          time_text(source.end_time));
    }
    out +=
        fmt::format("\n{:>9}  {:<28}  {:<28}  {}\n", "COUNT", "FIRST", "LAST", "PROVIDER / EVENT");
    for (const auto& [k, s] : events_) {
      out += fmt::format("{:>9}  {:<28}  {:<28}  {} / {}\n", s.count,
                         s.last ? time_text(s.first) : "-", s.last ? time_text(s.last) : "-",
                         k.provider, k.event_name);
    }
    out += fmt::format("{:>9}  events in {} records, {} events lost, {} diagnostics\n",
                       totals.events_written, totals.records_read, totals.events_lost,
                       totals.diagnostics);
  }
  sink_.flush();
}

}  // namespace etwcat::formats
