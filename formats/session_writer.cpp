#include "formats/session_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <utility>

#include "formats/json.h"

namespace etwcat::formats {
namespace {

struct mode_name {
  std::uint32_t bit;
  std::string_view json;  // as a script reads it
  std::string_view text;  // as a person reads it
};
// EVENT_TRACE_*_MODE, in the order a person reads them.
constexpr mode_name mode_names[] = {
    {live::log_file_mode::real_time, "RealTime", "real-time"},
    {live::log_file_mode::file_sequential, "Sequential", "sequential file"},
    {live::log_file_mode::file_circular, "Circular", "circular file"},
    {live::log_file_mode::file_new_file, "NewFile", "new file at each size limit"},
    {live::log_file_mode::file_append, "Append", "appended file"},
    {live::log_file_mode::file_preallocate, "Preallocate", "preallocated"},
    {live::log_file_mode::buffering, "Buffering", "in memory only"},
    {live::log_file_mode::private_logger, "PrivateLogger", "private"},
    {live::log_file_mode::system_logger, "SystemLogger", "system logger"},
    {live::log_file_mode::independent_session, "Independent", "independent"},
};

}  // namespace

std::string mode_text(std::uint32_t mode) {
  std::string text;
  for (const auto& m : mode_names) {
    if ((mode & m.bit) == 0) continue;
    if (!text.empty()) text += ", ";
    text += m.text;
  }
  return text.empty() ? fmt::format("0x{:X}", mode) : text;
}

std::string sessions_table(std::span<const live::session_statistics> sessions) {
  if (sessions.empty()) return "no sessions run\n";
  std::size_t width = 4;  // "NAME"
  for (const auto& s : sessions) width = std::max(width, s.name.size());
  std::string out = fmt::format("{:<{}}  {:>9}  {:>7}  {:>11}  {:<28}  {}\n", "NAME", width,
                                "BUFFERS", "SIZE KB", "EVENTS LOST", "MODE", "LOG FILE");
  for (const auto& s : sessions) {
    out += fmt::format("{:<{}}  {:>9}  {:>7}  {:>11}  {:<28}  {}\n", s.name, width, s.buffers,
                       s.buffer_size_kb, s.events_lost, mode_text(s.log_file_mode),
                       s.log_file.empty() ? "-" : s.log_file);
  }
  return out;
}

std::string session_details(const live::session_statistics& s) {
  std::string providers;
  for (const auto& p : s.providers) {
    providers += fmt::format("provider:               {} {} level {} keywords 0x{:X}/0x{:X}\n",
                             p.id.to_string(), p.name.empty() ? "-" : p.name, p.level,
                             p.match_any_keyword, p.match_all_keyword);
  }
  return fmt::format(
             "session:                {}\n"
             "log file:               {}\n"
             "mode:                   {}\n"
             "buffers:                {} of {} KB\n"
             "buffers written:        {}\n"
             "events lost:            {}\n"
             "log buffers lost:       {}\n"
             "real-time buffers lost: {}\n",
             s.name, s.log_file.empty() ? "-" : s.log_file, mode_text(s.log_file_mode), s.buffers,
             s.buffer_size_kb, s.buffers_written, s.events_lost, s.log_buffers_lost,
             s.real_time_buffers_lost) +
         providers;
}

void append_session_json(text_buffer& out, const live::session_statistics& s) {
  out += "{\"Name\":";
  append_json_string(out, s.name);
  if (!s.log_file.empty()) {
    out += ",\"LogFile\":";
    append_json_string(out, s.log_file);
  }
  out += ",\"Mode\":[";
  bool first = true;
  for (const auto& m : mode_names) {
    if ((s.log_file_mode & m.bit) == 0) continue;
    if (!std::exchange(first, false)) out.push_back(',');
    out += fmt::format("\"{}\"", m.json);
  }
  out += fmt::format(
      "],\"BufferSizeKB\":{},\"Buffers\":{},\"BuffersWritten\":{},\"EventsLost\":{},"
      "\"LogBuffersLost\":{},\"RealTimeBuffersLost\":{}}}",
      s.buffer_size_kb, s.buffers, s.buffers_written, s.events_lost, s.log_buffers_lost,
      s.real_time_buffers_lost);
  out.pop_back();  // the object's '}': Providers follow (none: [])
  out += ",\"Providers\":[";
  for (std::size_t i = 0; i < s.providers.size(); ++i) {
    const auto& p = s.providers[i];
    if (i != 0) out.push_back(',');
    out += "{";
    if (!p.name.empty()) {
      out += "\"Name\":";
      append_json_string(out, p.name);
      out.push_back(',');
    }
    out +=
        fmt::format("\"Guid\":\"{}\",\"Level\":{},\"MatchAnyKeyword\":", p.id.to_string(), p.level);
    append_json_string(out, fmt::format("0x{:X}", p.match_any_keyword));
    out += ",\"MatchAllKeyword\":";
    append_json_string(out, fmt::format("0x{:X}", p.match_all_keyword));
    out.push_back('}');
  }
  out += "]}";
}

}  // namespace etwcat::formats
