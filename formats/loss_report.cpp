#include "formats/loss_report.h"

#include <fmt/format.h>

#include "formats/json.h"

namespace etwcat::formats {

std::string loss_text(const session_loss& loss) {
  const std::string filtered =
      loss.filtered == 0 ? std::string()
                         : fmt::format(" ({} of other processes left out)", loss.filtered);
  if (!loss.any()) {
    return fmt::format("session {}: {} events delivered, {} written{}, none lost", loss.session,
                       loss.delivered, loss.written, filtered);
  }
  std::string text =
      fmt::format("session {}: {} events delivered, {} written{}; LOST:", loss.session,
                  loss.delivered, loss.written, filtered);
  auto add = [&text, first = true](std::uint64_t count, std::string_view what) mutable {
    if (count == 0) return;
    text += fmt::format("{} {} {}", first ? "" : ",", count, what);
    first = false;
  };
  add(loss.events_lost, "events lost by ETW (EventsLost)");
  add(loss.real_time_buffers_lost, "real-time buffers lost (RealTimeBuffersLost)");
  add(loss.log_buffers_lost, "log-file buffers lost (LogBuffersLost)");
  add(loss.lost_event_notices, "lost-event notices from ETW");
  add(loss.lost_buffer_notices, "lost-buffer notices from ETW");
  add(loss.dropped_by_queue, "events dropped because etwcat's queue was full (a slow reader)");
  add(loss.too_large, "events over 64 KB not taken");
  return text;
}

void append_loss_json(text_buffer& out, const session_loss& loss) {
  out += "{\"Type\":\"Loss\",\"Session\":";
  append_json_string(out, loss.session);
  out += fmt::format(
      ",\"Delivered\":{},\"Written\":{},\"Filtered\":{},\"EventsLost\":{},\"RealTimeBuffersLost\":{"
      "},"
      "\"LogBuffersLost\":{},"
      "\"LostEventNotices\":{},\"LostBufferNotices\":{},\"DroppedByQueue\":{},\"TooLarge\":{}}}",
      loss.delivered, loss.written, loss.filtered, loss.events_lost, loss.real_time_buffers_lost,
      loss.log_buffers_lost, loss.lost_event_notices, loss.lost_buffer_notices,
      loss.dropped_by_queue, loss.too_large);
}

}  // namespace etwcat::formats
