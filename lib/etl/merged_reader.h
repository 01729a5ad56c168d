// merged_reader: the records of one or more .etl files as one trace in time order, as ETW's
// own consumer delivers them: per file, the per-processor buffer streams are merged by
// timestamp (etl-format.md §1.6); across files, by absolute time (§3).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <vector>

#include "lib/base/diagnostics.h"
#include "lib/base/input_file.h"
#include "lib/base/result.h"
#include "lib/etl/buffer_directory.h"
#include "lib/etl/file_reader.h"
#include "lib/etl/record_view.h"
#include "lib/etl/trace_clock.h"

namespace etwcat::etl {

/// Reads several files as one trace. Each file's log-file header record comes first (in the
/// order the files were given), then every other record in order of absolute time; records
/// with equal times keep file order (stable). Memory: two buffers per processor per file.
/// Time: one heap step per record, and each buffer header read a fixed number of times however
/// many processors a file has (buffer_directory); each file is open once.
///
///   diagnostics diags;
///   merged_reader trace = merged_reader::open(paths, diags);
///   record_view r;
///   while (trace.next(r)) { auto& clock = trace.clock(trace.file()); }
class merged_reader {
 public:
  /// Opens every file. One that cannot be opened (missing, empty, not ETL) is reported to
  /// `diags` with its name and offset, and the others are read all the same. Damage found
  /// later goes to `diags` too, which must outlive the reader.
  static merged_reader open(std::span<const std::filesystem::path> paths, diagnostics& diags);
  /// The same over files already open (null entries: files that could not be opened, whose
  /// error the caller has told). Each file is read through its one open handle.
  static merged_reader open(std::span<const std::shared_ptr<const input_file>> files,
                            diagnostics& diags);

  /// The next record in time order; false at the end of every file. `out` stays valid until
  /// the next call.
  bool next(record_view& out);

  /// Index (into the paths given to open()) of the file of the record last returned.
  std::size_t file() const noexcept { return current_file_; }
  /// The same, as trace::record_source names it.
  std::uint16_t current_source() const noexcept {
    return static_cast<std::uint16_t>(current_file_);
  }
  /// The clock of the file of the record last returned.
  const trace_clock& current_clock() const noexcept { return files_[current_file_].clock; }
  std::size_t file_count() const noexcept { return files_.size(); }
  /// False for a file that could not be opened (its error is in the diagnostics).
  bool opened(std::size_t file) const noexcept { return files_[file].opened; }
  const logfile_header& header(std::size_t file) const noexcept { return files_[file].header; }
  const trace_clock& clock(std::size_t file) const noexcept { return files_[file].clock; }
  /// Bytes of the inputs read so far: per file, the end of the furthest buffer any of its
  /// processors' readers has reached. For progress; reaches the files' sizes at their ends.
  std::uint64_t bytes_read() const noexcept;

 private:
  struct file_state {
    logfile_header header;  // empty when the file could not be opened
    trace_clock clock;
    bool opened = false;
    std::unique_ptr<buffer_directory> directory;  // its readers' buffers (a stable address)
  };
  // One processor's buffers of one file, with its current (not yet returned) record.
  struct stream {
    file_reader reader;
    std::size_t file = 0;
    record_view current;
    std::uint64_t last_timestamp = 0;  // for records without one (some WPP records)
    std::uint64_t order_key = 0;       // filetime, or 0 for a file's header record
  };

  merged_reader() = default;
  bool advance(stream& s);                                    // loads s.current; false at end
  bool earlier(std::size_t a, std::size_t b) const noexcept;  // heap order of two streams

  std::vector<file_state> files_;
  std::vector<stream> streams_;
  std::vector<std::size_t> heap_;   // indices into streams_, earliest record on top
  std::size_t pending_ = SIZE_MAX;  // stream whose record was returned last: advance it first
  std::size_t current_file_ = 0;
};

}  // namespace etwcat::etl
