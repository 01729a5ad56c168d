// loss_report: a live session's loss figures (session_loss) as people and scripts read them —
// the line on stderr at the end of every live run, and the {"Type":"Loss"} JSON line.
#pragma once

#include <string>

#include "formats/event_writer.h"
#include "lib/base/text_buffer.h"

namespace etwcat::formats {

/// One line: "session S: 1200 events delivered, 1200 written, none lost", or what was lost.
std::string loss_text(const session_loss& loss);

/// Appends {"Type":"Loss","Session":…,"Delivered":…,"Written":…,…} without a newline.
void append_loss_json(text_buffer& out, const session_loss& loss);

}  // namespace etwcat::formats
