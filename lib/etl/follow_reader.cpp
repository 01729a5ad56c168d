#include "lib/etl/follow_reader.h"

#include <thread>

namespace etwcat::etl {

result<follow_reader> follow_reader::open(std::shared_ptr<const input_file> file,
                                          diagnostics& diags, keep_waiting wait,
                                          std::chrono::milliseconds poll) {
  // A session creates its file before it flushes the first buffer: wait for that one whole,
  // so that a buffer still being written is not taken for a truncated file.
  while (!file_reader::buffer_complete(*file, 0)) {
    if (!wait()) {
      return error{
          "no complete buffer was written to it while waiting (--follow waits for the "
          "session's first buffer)",
          0};
    }
    std::this_thread::sleep_for(poll);
  }
  auto reader = file_reader::open(std::move(file), diags);
  if (!reader) return reader.failure();
  reader.value().follow(true);
  return follow_reader(std::move(reader.value()), std::move(wait), poll);
}

bool follow_reader::next(record_view& out) {
  for (;;) {
    if (reader_.next(out)) return true;
    if (!wait_()) return false;
    std::this_thread::sleep_for(poll_);
  }
}

}  // namespace etwcat::etl
