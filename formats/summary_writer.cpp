// Text columns for people, or JSON lines whose first member "Type" tells the three shapes
// apart: {"Type":"File","File":…} per input, then {"Type":"Event","Provider":…,"EventName":…,
// "Count":…,"First":…,"Last":…} per event name, then {"Type":"Total","Total":{…}}. "Decoded"
// counts the events whose payload decoded, "Surplus" those of them with bytes left over after
// the last field (DecodeWarning), "DecodeErrors" those that did not fit their schema.
#include "formats/summary_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "formats/json.h"
#include "formats/loss_report.h"
#include "lib/base/time_format.h"

namespace etwcat::formats {
namespace {

std::string time_text(std::uint64_t filetime) {
  char text[rfc3339_length];
  return std::string(format_rfc3339(filetime, text));
}

// "100.0%"; an input without events counts as fully decoded.
std::string share(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? "100.0%"
                    : fmt::format("{:.1f}%",
                                  100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// <0, 0 or >0 as `a` sorts before, with or after `b`, comparing digit runs by their value
// and everything else byte by byte. A digit run meets a non-digit as its first digit would,
// so the order stays consistent. 0 also for equal numbers written differently ("07", "7").
int compare_natural(std::string_view a, std::string_view b) noexcept {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (!is_digit(a[i]) || !is_digit(b[j])) {
      if (a[i] != b[j]) {
        return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]) ? -1 : 1;
      }
      ++i;
      ++j;
      continue;
    }
    // Both at a number: skip leading zeros, then the longer run is larger, else the first
    // differing digit decides; no conversion, so any length works.
    while (i < a.size() && a[i] == '0') ++i;
    while (j < b.size() && b[j] == '0') ++j;
    std::size_t a_end = i, b_end = j;
    while (a_end < a.size() && is_digit(a[a_end])) ++a_end;
    while (b_end < b.size() && is_digit(b[b_end])) ++b_end;
    if (a_end - i != b_end - j) return a_end - i < b_end - j ? -1 : 1;
    if (int c = a.substr(i, a_end - i).compare(b.substr(j, b_end - j)); c != 0) return c;
    i = a_end;
    j = b_end;
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  return 0;
}

// The processes events were written for, most events first (then by ID, then in order seen).
std::vector<const trace::process_info*> busy_processes(const summary& totals) {
  std::vector<const trace::process_info*> out;
  if (totals.processes == nullptr) return out;
  for (const trace::process_info& p : *totals.processes) {
    if (p.events != 0) out.push_back(&p);
  }
  std::stable_sort(out.begin(), out.end(), [](const auto* a, const auto* b) {
    return a->events != b->events ? a->events > b->events : a->id < b->id;
  });
  return out;
}

}  // namespace

bool summary_writer::key_order::less(std::string_view a_provider, std::string_view a_name,
                                     std::string_view b_provider,
                                     std::string_view b_name) noexcept {
  if (int c = compare_natural(a_provider, b_provider); c != 0) return c < 0;
  if (int c = compare_natural(a_name, b_name); c != 0) return c < 0;
  return std::pair(a_provider, a_name) < std::pair(b_provider, b_name);
}

void summary_writer::write(const event& e) {
  char guid_text[38];
  std::string_view provider = e.provider_name;
  if (provider.empty()) {
    e.provider_guid.format_to(guid_text);
    provider = std::string_view(guid_text, sizeof guid_text);
  }
  const std::string_view name = e.event_name();
  lookup_.assign(provider);
  lookup_.push_back('\0');
  lookup_.append(name);
  auto found = index_.find(lookup_);
  if (found == index_.end()) {
    auto it = events_.find(key_view{provider, name});
    if (it == events_.end()) {
      it = events_.emplace(key{std::string(provider), std::string(name)}, stats{}).first;
    }
    found = index_.emplace(lookup_, &it->second).first;
  }
  for (stats* s : {found->second, &source_stats(e.source)}) {
    ++s->count;
    if (e.fully_decoded()) ++s->decoded;
    if (e.has_surplus()) ++s->surplus;
    if (!e.decode_error.empty()) ++s->decode_errors;
    if (e.has_time) {
      s->first = std::min(s->first, e.time_created);
      s->last = std::max(s->last, e.time_created);
    }
  }
}

std::uint64_t summary_writer::total_surplus() const noexcept {
  std::uint64_t n = 0;
  for (const stats& s : sources_) n += s.surplus;
  return n;
}

summary_writer::stats& summary_writer::source_stats(std::uint16_t source) {
  if (source >= sources_.size()) sources_.resize(source + 1u);
  return sources_[source];
}

void summary_writer::finish(const summary& totals) {
  text_buffer& out = sink_.buffer();
  if (format_ == summary_format::jsonl) {
    for (const auto& source : info_.sources) {
      out += "{\"Type\":\"File\",\"File\":";
      append_json_string(out, source.name);
      out += fmt::format(
          ",\"OSBuild\":{},\"Processors\":{},\"PointerSize\":{},\"Buffers\":{},"
          "\"EventsLost\":{},\"BuffersLost\":{},\"StartTime\":\"{}\",\"EndTime\":\"{}\","
          "\"Events\":{},\"Decoded\":{},\"Surplus\":{},\"DecodeErrors\":{}}}\n",
          source.os_build, source.processors, source.pointer_size, source.buffers,
          source.events_lost, source.buffers_lost, time_text(source.start_time),
          time_text(source.end_time), source_stats(source.index).count,
          source_stats(source.index).decoded, source_stats(source.index).surplus,
          source_stats(source.index).decode_errors);
    }
    for (const auto& [k, s] : events_) {
      out += "{\"Type\":\"Event\",\"Provider\":";
      append_json_string(out, k.provider);
      out += ",\"EventName\":";
      append_json_string(out, k.event_name);
      out += fmt::format(",\"Count\":{},\"Decoded\":{}", s.count, s.decoded);
      if (s.surplus != 0) out += fmt::format(",\"Surplus\":{}", s.surplus);
      if (s.decode_errors != 0) out += fmt::format(",\"DecodeErrors\":{}", s.decode_errors);
      if (s.count && s.last) {
        out +=
            fmt::format(",\"First\":\"{}\",\"Last\":\"{}\"", time_text(s.first), time_text(s.last));
      }
      out += "}\n";
    }
    for (const trace::process_info* p : busy_processes(totals)) {
      out += fmt::format("{{\"Type\":\"Process\",\"ProcessID\":{}", p->id);
      if (!p->image_name.empty()) {
        out += ",\"ProcessName\":";
        append_json_string(out, p->image_name);
      }
      out += fmt::format(",\"Events\":{}", p->events);
      if (p->has_parent) out += fmt::format(",\"ParentID\":{}", p->parent_id);
      if (p->start_time != 0) out += fmt::format(",\"Start\":\"{}\"", time_text(p->start_time));
      if (p->end_time != 0) out += fmt::format(",\"End\":\"{}\"", time_text(p->end_time));
      if (!p->command_line.empty()) {
        out += ",\"CommandLine\":";
        append_json_string(out, p->command_line);
      }
      out += "}\n";
    }
    out += fmt::format(
        "{{\"Type\":\"Total\",\"Total\":{{\"Records\":{},\"Events\":{},\"EventsLost\":{},"
        "\"Diagnostics\":{},\"Surplus\":{},\"DecodeErrors\":{}}}}}\n",
        totals.records_read, totals.events_written, totals.events_lost, totals.diagnostics,
        total_surplus(), totals.decode_errors);
    // A live run's loss figures, lost or not: the summary is where a person looks for them.
    if (totals.loss != nullptr) {
      append_loss_json(out, *totals.loss);
      out.push_back('\n');
    }
  } else {
    for (const auto& source : info_.sources) {
      out += fmt::format(
          "{}: OS build {}, {} CPUs, {}-bit, {} buffers, {} events lost, {} buffers lost, "
          "{} .. {}\n",
          source.name, source.os_build, source.processors, source.pointer_size * 8, source.buffers,
          source.events_lost, source.buffers_lost, time_text(source.start_time),
          time_text(source.end_time));
      const stats& s = source_stats(source.index);
      out += fmt::format(
          "{}: {} events, EventData decoded for {} ({}), {} of them with bytes left over, {} "
          "decode errors\n",
          source.name, s.count, s.decoded, share(s.decoded, s.count), s.surplus, s.decode_errors);
    }
    // DECODED is the share decoded, surplus included; SURPLUS and ERRORS are counts.
    out += fmt::format("\n{:>9}  {:>7}  {:>7}  {:>7}  {:<28}  {:<28}  {}\n", "COUNT", "DECODED",
                       "SURPLUS", "ERRORS", "FIRST", "LAST", "PROVIDER / EVENT");
    for (const auto& [k, s] : events_) {
      out += fmt::format("{:>9}  {:>7}  {:>7}  {:>7}  {:<28}  {:<28}  {} / {}\n", s.count,
                         share(s.decoded, s.count), s.surplus, s.decode_errors,
                         s.last ? time_text(s.first) : "-", s.last ? time_text(s.last) : "-",
                         k.provider, k.event_name);
    }
    if (const auto processes = busy_processes(totals); !processes.empty()) {
      // START and END are "-" for a process that ran before the trace began or after it ended.
      out += fmt::format("\n{:>9}  {:>7}  {:<28}  {:<28}  {:<24}  {}\n", "EVENTS", "PID", "START",
                         "END", "PROCESS", "COMMAND LINE");
      for (const trace::process_info* p : processes) {
        std::string command_line;
        for (char c : p->command_line) command_line.push_back(c == '\n' || c == '\r' ? ' ' : c);
        out += fmt::format("{:>9}  {:>7}  {:<28}  {:<28}  {:<24}  {}\n", p->events, p->id,
                           p->start_time ? time_text(p->start_time) : "-",
                           p->end_time ? time_text(p->end_time) : "-",
                           p->image_name.empty() ? "?" : p->image_name, command_line);
      }
      out.push_back('\n');
    }
    out += fmt::format(
        "{:>9}  events in {} records, {} events lost, {} diagnostics, {} with bytes left over, "
        "{} decode errors\n",
        totals.events_written, totals.records_read, totals.events_lost, totals.diagnostics,
        total_surplus(), totals.decode_errors);
    if (totals.loss != nullptr) out += loss_text(*totals.loss) + "\n";
  }
  sink_.flush();
}

}  // namespace etwcat::formats
