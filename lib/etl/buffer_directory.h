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
/// loads when it opens the file) is never handed out; the rest are, each once, in file order.
/// Memory: the processors' last places, and the places found ahead of the reader that will
/// take them (a processor that falls behind in the file keeps its places here until asked).
///
///   auto directory = buffer_directory::scan(file);
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

  /// The next buffer of `processor` (after buffer 0), or nothing after its last one.
  std::optional<buffer_place> next(std::uint16_t processor);

 private:
  struct lane {                         // one processor's buffers
    std::uint64_t last = 0;             // offset of its last buffer
    std::vector<buffer_place> waiting;  // found by the walk, not yet taken
    std::size_t taken = 0;              // of `waiting`, those handed out
    bool done = false;                  // its last buffer was handed out (or it has none left)
  };
  std::size_t lane_of(std::uint16_t processor) const noexcept;
  // Reads the next header of the walk and files its buffer; false at the end of the walk.
  bool walk_one();

  std::shared_ptr<const input_file> file_;
  std::vector<std::uint16_t> processors_;
  std::vector<lane> lanes_;        // parallel to processors_
  std::uint64_t end_ = 0;          // where the scan stopped: the walk never goes further
  std::uint64_t walk_offset_ = 0;  // next header the walk reads
  std::uint64_t walk_index_ = 0;   // and its buffer index
  std::optional<error> failure_;
};

}  // namespace etwcat::etl
