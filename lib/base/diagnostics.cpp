// diagnostics: storage with a cap, and the one-line text form described in style.md.
#include "lib/base/diagnostics.h"

#include <cinttypes>
#include <cstdio>
#include <utility>

namespace etwcat {

std::string format(const diagnostic& d) {
  char where[64];
  if (d.buffer) {
    std::snprintf(where, sizeof where, "offset 0x%" PRIx64 " (buffer %" PRIu64 ")", d.offset,
                  *d.buffer);
  } else {
    std::snprintf(where, sizeof where, "offset 0x%" PRIx64, d.offset);
  }
  std::string line;
  line.reserve(d.file.size() + d.text.size() + 40);
  if (!d.file.empty()) line.append(d.file).append(": ");
  if (!d.whole_file) line.append(where).append(": ");
  line.append(d.text);
  return line;
}

void diagnostics::add(diagnostic d) {
  ++total_;
  ++by_level_[static_cast<std::size_t>(d.level)];
  if (items_.size() < max_stored_) items_.push_back(std::move(d));
}

void diagnostics::clear() noexcept {
  total_ = 0;
  by_level_[0] = by_level_[1] = by_level_[2] = 0;
  items_.clear();
}

}  // namespace etwcat
