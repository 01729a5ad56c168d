// session_writer: running sessions as `etwcat sessions` and `etwcat stop` print them — a table
// (or a block for one session) for people, one JSON object per session for scripts.
#pragma once

#include <span>
#include <string>

#include "lib/base/text_buffer.h"
#include "lib/live/session.h"

namespace etwcat::formats {

/// The log-file mode as words: "real-time, sequential file", "circular file, system logger".
std::string mode_text(std::uint32_t log_file_mode);

/// One row per session under a header line; "no sessions run" for none.
std::string sessions_table(std::span<const live::session_statistics> sessions);

/// A few "key: value" lines about one session (after `etwcat stop`).
std::string session_details(const live::session_statistics& session);

/// Appends {"Name":…,"LogFile":…,"Mode":[…],"BufferSizeKB":…,…} without a newline.
void append_session_json(text_buffer& out, const live::session_statistics& session);

}  // namespace etwcat::formats
