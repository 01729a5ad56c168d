// buffer_directory: where each processor's buffers lie in one .etl file, found by a single walk
// over the buffer headers as the per-processor readers ask for them. A merger that reads k
// processors' buffers then reads each header a fixed number of times, not k times (§1.6).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "lib/base/input_file.h"
#include "lib/base/result.h"

namespace etwcat::etl {

/// One buffer: where its header starts, and its 0-based place among the file's buffers.
struct buffer_place {
  std::uint64_t offset = 0;
  std::uint64_t index = 0;
};

/// The buffers of one file by processor. Buffer 0 (the log-file header's, which every reader
/// loads when it opens the file) is never handed out; the rest are, each once, in file order,
/// to the processors a reader serve()s. Memory: a slot per processor, and 16 bytes per place
/// found ahead of the reader that will take it (a served processor that falls behind in the
/// file keeps its places here until asked): bytes the file holds, never what it claims.
///
///   auto directory = buffer_directory::scan(file);
///   directory.serve(processor);
///   while (auto place = directory.next(processor)) { /* read the buffer at place->offset */ }
class buffer_directory {
 public:
  /// Walks the buffer headers once (72 bytes read per buffer) to learn which processors filled
  /// buffers and where each one's last buffer is. The walk stops quietly at the first
  /// impossible header (readers report that damage); a read error stops it too, and is kept.
  static buffer_directory scan(std::shared_ptr<const input_file> file);

  /// The processors, ascending.
  std::span<const std::uint16_t> processors() const noexcept { return processors_; }
  /// The read error that ended the scan early: buffers after it are not known.
  const std::optional<error>& failure() const noexcept { return failure_; }

  /// Files places for `processor` from now on; call for every reader before any next().
  /// Others' places are passed over, so that a processor nobody asks about costs nothing.
  void serve(std::uint16_t processor) noexcept;
  /// The next buffer of a served `processor` (after buffer 0), or nothing after its last one.
  std::optional<buffer_place> next(std::uint16_t processor);

  /// Buffer headers read so far, by the scan and by next()'s walk: at most twice the buffers.
  std::uint64_t headers_read() const noexcept { return headers_read_; }

 private:
  struct lane {                         // one processor's buffers
    std::uint64_t last = 0;             // offset of its last buffer
    std::vector<buffer_place> waiting;  // found by the walk, not yet taken
    std::size_t taken = 0;              // of `waiting`, those handed out
    bool served = false;                // a reader takes its places
    bool done = false;                  // its last buffer was handed out (or it has none left)
  };
  // Reads the next header of the walk and files its buffer; false at the end of the walk.
  bool walk_one();

  std::shared_ptr<const input_file> file_;
  std::vector<std::uint16_t> processors_;
  std::vector<lane> lanes_;  // parallel to processors_
  // Processor -> index in lanes_, for every processor a header can name (0..0x7FF).
  std::vector<std::uint16_t> lane_of_;
  std::uint64_t end_ = 0;          // where the scan stopped: the walk never goes further
  std::uint64_t walk_offset_ = 0;  // next header the walk reads
  std::uint64_t walk_index_ = 0;   // and its buffer index
  std::uint64_t headers_read_ = 0;
  std::optional<error> failure_;
};

}  // namespace etwcat::etl
