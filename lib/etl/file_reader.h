// file_reader: streams the records of one .etl file in file order, one buffer at a time,
// decompressing compressed buffers and reporting damage as diagnostics. Spec:
// docs/etl-format.md §1 (buffers, record walk, compression) and §8.3 (partial files).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lib/base/diagnostics.h"
#include "lib/base/input_file.h"
#include "lib/base/result.h"
#include "lib/etl/buffer_directory.h"
#include "lib/etl/logfile_header.h"
#include "lib/etl/record_view.h"

namespace etwcat::etl {

/// The buffer the reader is in: what its WMI_BUFFER_HEADER says, and where it is. A merger
/// that restores time order groups buffers by `processor` and sorts them by `sequence_number`
/// (§1.6).
struct buffer_info {
  std::uint64_t index = 0;            // 0-based, in file order
  std::uint64_t file_offset = 0;      // of the buffer header
  std::uint32_t disk_size = 0;        // BufferSize: bytes on disk, header included
  std::uint32_t data_end = 0;         // end of record data used (Offset, clamped), from start
  std::uint64_t sequence_number = 0;  // SequenceNumber
  std::uint64_t timestamp = 0;        // TimeStamp (flush time; unreliable in relogged files)
  std::uint16_t processor = 0;        // CPU that filled it
  std::uint16_t flags = 0;            // buffer_flag:: bits
  std::uint16_t type = 0;             // buffer_type
  bool compressed = false;
};

/// A path as UTF-8 text, for messages.
std::string display_name(const std::filesystem::path& path);

/// Reads one .etl file. Records come out in file order, which is time order only within one
/// buffer. Memory use is bounded by two buffers (at most ~16 MB each), whatever the file size.
///
///   diagnostics diags;
///   auto reader = file_reader::open("trace.etl", diags);
///   if (!reader) { /* reader.failure().message, .offset */ }
///   record_view r;
///   while (reader.value().next(r)) { /* r.kind(), r.payload() … */ }
///   // damage found on the way is in diags
class file_reader {
 public:
  /// Opens `path` and reads its log-file header (record 0 of buffer 0). Fails, with the byte
  /// offset of the problem, for an unreadable, empty or non-ETL file. Damage later in the
  /// file is not an open() failure: next() reports it to `diags`, which must outlive the reader.
  [[nodiscard]] static result<file_reader> open(const std::filesystem::path& path,
                                                diagnostics& diags);
  /// The same over a file already open, which several readers may share.
  [[nodiscard]] static result<file_reader> open(std::shared_ptr<const input_file> file,
                                                diagnostics& diags);

  file_reader(file_reader&&) noexcept = default;
  file_reader& operator=(file_reader&&) noexcept = default;
  file_reader(const file_reader&) = delete;
  file_reader& operator=(const file_reader&) = delete;

  /// The next record, starting with the log-file header record itself. False at the end of
  /// the file (or when damage leaves no way to find the next buffer). `out` stays valid until
  /// the next call. Damaged records and buffers are reported to the diagnostics and skipped.
  bool next(record_view& out);

  const logfile_header& header() const noexcept { return header_; }

  /// Limits this reader to the buffers one processor filled, in file order, so that a merger
  /// can restore time order (§1.6) with one reader per processor. Damage inside other
  /// processors' buffers is left to their readers; damage that concerns the whole file (a bad
  /// buffer header, a missing end) is reported only when `report_file_damage` is set, so that
  /// several readers of one file report it once. That reader walks every buffer header; the
  /// others, given the file's `directory`, go straight from one of their buffers to the next.
  /// Call right after open().
  void only_processor(std::uint16_t processor, bool report_file_damage,
                      buffer_directory* directory = nullptr);
  /// Follow mode, for a file a session is still writing: at the end of the file next()
  /// returns false without ending the reader, and a later call reads what has been added
  /// since. A buffer is read only once all of it is there (sessions write whole buffers);
  /// the end of the file is never damage.
  void follow(bool on) noexcept { follow_ = on; }
  /// True when a complete buffer starts at `offset` of `file` (or an impossible header does,
  /// which the reader reports as damage). For waiting on a growing file.
  static bool buffer_complete(const input_file& file, std::uint64_t offset);
  /// The buffer of the record last returned by next().
  const buffer_info& buffer() const noexcept { return buffer_; }
  /// The file name used in diagnostics (the path as given to open()).
  const std::string& name() const noexcept { return name_; }

  std::uint64_t buffers_read() const noexcept { return buffers_read_; }
  std::uint64_t records_read() const noexcept { return records_read_; }

 private:
  file_reader() = default;

  enum class load_result { loaded, skipped, end_of_file };
  load_result load_next_buffer();
  void finish_buffer();
  void report(severity level, std::uint64_t offset, const std::string& text);
  std::uint64_t record_file_offset(std::size_t offset_in_buffer) const noexcept;
  std::string record_place(std::size_t offset_in_buffer) const;

  // Reads up to `n` bytes at the read position and moves past them; fewer only at the end of
  // the file. A read error ends the file and is reported: by this reader when the bytes are
  // its own (a buffer body), by the file-damage reader when every reader reads them (a header).
  std::size_t read_some(char* out, std::size_t n, bool whole_file);

  std::shared_ptr<const input_file> file_;  // shared with the other readers of the file
  std::uint64_t read_offset_ = 0;           // where the next read_some() reads
  std::string name_;
  diagnostics* diags_ = nullptr;
  logfile_header header_;

  std::vector<char> raw_;            // the current buffer as on disk (reused)
  std::vector<std::byte> unpacked_;  // header + decompressed data of a compressed buffer
  std::span<const std::byte> data_;  // current buffer from its start to its data end
  std::size_t position_ = 0;         // of the next record in data_
  bool in_buffer_ = false;
  buffer_info buffer_;

  std::uint64_t next_buffer_offset_ = 0;
  std::uint64_t next_buffer_index_ = 0;
  std::uint64_t truncated_at_ = 0;  // file size, when the current buffer is cut short
  bool truncated_ = false;
  bool done_ = false;
  bool follow_ = false;
  bool done_reading_ = false;  // a read error ended the file
  std::uint64_t buffers_read_ = 0;
  bool filtered_ = false;                  // only buffers of `processor_` are read
  buffer_directory* directory_ = nullptr;  // where they are, when the merger has one
  std::uint16_t processor_ = 0;
  bool report_file_damage_ = true;
  std::uint64_t records_read_ = 0;
};

}  // namespace etwcat::etl
