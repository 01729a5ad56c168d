// follow_reader: the records of an .etl file that a session is still writing, as they arrive,
// like `tail -f`. A session in sequential file mode appends whole buffers; each is read once
// it is complete, in file order (time order holds within each processor's buffers; across
// processors, buffers arrive as they fill). Between arrivals the reader sleeps, and asks
// `keep_waiting` whether to go on: the command answers no after Ctrl-C.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "lib/base/diagnostics.h"
#include "lib/base/input_file.h"
#include "lib/base/result.h"
#include "lib/etl/file_reader.h"
#include "lib/etl/record_view.h"
#include "lib/etl/trace_clock.h"

namespace etwcat::etl {

class follow_reader {
 public:
  using keep_waiting = std::function<bool()>;

  /// Opens `file`, waiting for its first buffer (the log-file header) while `wait()` is true.
  /// Fails as file_reader::open() does for a file that is not ETL, and when waiting ends
  /// before a first buffer arrives. Damage found later goes to `diags`, which must outlive
  /// the reader.
  static result<follow_reader> open(
      std::shared_ptr<const input_file> file, diagnostics& diags, keep_waiting wait,
      std::chrono::milliseconds poll = std::chrono::milliseconds(200));

  /// The next record; at the end of what is written, waits for more while `wait()` is true.
  /// False once it is not. `out` stays valid until the next call.
  bool next(record_view& out);

  const trace_clock& current_clock() const noexcept { return clock_; }
  std::uint16_t current_source() const noexcept { return 0; }
  const logfile_header& header() const noexcept { return reader_.header(); }

 private:
  follow_reader(file_reader reader, keep_waiting wait, std::chrono::milliseconds poll)
      : reader_(std::move(reader)), clock_(reader_.header()), wait_(std::move(wait)), poll_(poll) {}

  file_reader reader_;
  trace_clock clock_;
  keep_waiting wait_;
  std::chrono::milliseconds poll_;
};

}  // namespace etwcat::etl
