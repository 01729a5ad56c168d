// file_reader: buffer loop (stride = BufferSize, §1.1), record walk (end = Offset, 8-byte
// alignment, 0xFFFFFFFF end marker, §1.4), XPRESS buffers (§1.5), damage handling (§8.3).
#include "lib/etl/file_reader.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "lib/base/byte_cursor.h"
#include "lib/base/path_text.h"
#include "lib/etl/xpress.h"

namespace etwcat::etl {
namespace {

std::string printf_string(const char* fmt, auto... args) {
  char text[256];
  std::snprintf(text, sizeof text, fmt, args...);
  return text;
}

}  // namespace

std::string display_name(const std::filesystem::path& path) { return path_to_utf8(path); }

std::size_t file_reader::read_some(char* out, std::size_t n, bool whole_file) {
  if (n == 0 || done_reading_) return 0;
  auto got = file_->read_at(read_offset_, std::span(out, n));
  if (!got) {
    done_reading_ = true;
    // Every reader of the file reads each buffer header: one of them tells.
    if (!whole_file || report_file_damage_) {
      report(severity::error, got.failure().offset,
             "cannot read: " + got.failure().message +
                 (filtered_ ? printf_string("; the rest of processor %u's buffers is not read",
                                            unsigned{processor_})
                            : std::string("; the rest of the file is not read")));
    }
    return 0;
  }
  read_offset_ += got.value();
  return got.value();
}

result<file_reader> file_reader::open(const std::filesystem::path& path, diagnostics& diags) {
  auto file = input_file::open(path);
  if (!file) return error{file.failure().message, 0};
  return open(std::move(file.value()), diags);
}

result<file_reader> file_reader::open(std::shared_ptr<const input_file> file, diagnostics& diags) {
  file_reader reader;
  reader.name_ = file->name();
  reader.diags_ = &diags;
  reader.file_ = std::move(file);

  // Look at the first buffer header before trusting it: an empty or foreign file must fail
  // open() with a clear message, not become a diagnostic.
  wmi_buffer_header first{};
  char head[sizeof first];
  auto read = reader.file_->read_at(0, head);
  if (!read) return error{"cannot read: " + read.failure().message, read.failure().offset};
  const std::size_t got = read.value();
  if (got == 0) return error{"empty file (0 bytes), not an ETL file", 0};
  if (got < sizeof head) {
    return error{printf_string("not an ETL file: %zu bytes, shorter than one %zu-byte buffer "
                               "header",
                               got, sizeof head),
                 0};
  }
  (void)read_at(std::as_bytes(std::span(head)), 0, first);
  if (first.buffer_size < buffer_header_size + sizeof(system_trace_header) ||
      first.buffer_size > max_buffer_size) {
    return error{printf_string("not an ETL file: first buffer size %" PRIu32 " is outside %zu..%zu",
                               first.buffer_size, buffer_header_size + sizeof(system_trace_header),
                               max_buffer_size),
                 0};
  }

  // Load buffer 0 through the normal path, then require a log-file header as its record 0.
  // Its damage is the open() failure's to tell, not a diagnostic.
  diagnostics first_buffer;
  reader.diags_ = &first_buffer;
  const load_result loaded = reader.load_next_buffer();
  reader.diags_ = &diags;
  if (loaded == load_result::loaded) {
    for (const diagnostic& d : first_buffer.items()) diags.add(d);
  } else {
    // Its error says why (a warning, such as lost-buffer flags, is not the reason).
    for (const diagnostic& d : first_buffer.items()) {
      if (d.level == severity::error) {
        return error{"not an ETL file: the first buffer cannot be read: " + d.text, d.offset};
      }
    }
    return error{"not an ETL file: the first buffer cannot be read", 0};
  }
  const auto frame = frame_record(reader.data_.subspan(reader.position_));
  const bool fits = frame.state == record_frame::status::ok && frame.size >= frame.min_size &&
                    reader.position_ + frame.size <= reader.data_.size();
  // Cut short only if what is there begins a record: a known marker, its end past the file's.
  const bool begins_record =
      frame.state == record_frame::status::short_data ||
      (frame.state == record_frame::status::ok && frame.size >= frame.min_size);
  if (!fits && reader.truncated_ && begins_record) {
    // A valid buffer header, cut before its first record ends: an ETL file, cut short.
    return error{printf_string("truncated ETL file: it ends after %" PRIu64
                               " bytes, inside its first %" PRIu32
                               "-byte buffer, before the end of the log-file header record",
                               reader.truncated_at_, first.buffer_size),
                 reader.truncated_at_};
  }
  if (!fits) {
    return error{printf_string("not an ETL file: no log-file header record at offset 0x%zx "
                               "(marker 0x%08" PRIx32 ")",
                               reader.position_, frame.marker),
                 reader.position_};
  }
  record_view first_record;
  record_origin origin;
  origin.file_offset = reader.position_;
  if (auto bad = first_record.parse(reader.data_.subspan(reader.position_, frame.size), origin)) {
    return error{"not an ETL file: " + bad->message, reader.position_ + bad->offset};
  }
  auto header = parse_logfile_header(first_record);
  if (!header) {
    return error{"not an ETL file: " + header.failure().message,
                 reader.position_ + header.failure().offset};
  }
  reader.header_ = std::move(header.value());
  return reader;
}

void file_reader::only_processor(std::uint16_t processor, bool report_file_damage,
                                 buffer_directory* directory) {
  filtered_ = true;
  processor_ = processor;
  report_file_damage_ = report_file_damage;
  directory_ = report_file_damage ? nullptr : directory;
  if (directory_ != nullptr) directory_->serve(processor);
  if (in_buffer_ && buffer_.processor != processor) {
    in_buffer_ = false;  // buffer 0, loaded by open(), belongs to another reader
    truncated_ = false;
    // Its memory too: with many processors, a copy of buffer 0 each would add up.
    std::vector<char>().swap(raw_);
    std::vector<std::byte>().swap(unpacked_);
    data_ = {};
  }
}

void file_reader::report(severity level, std::uint64_t offset, const std::string& text) {
  diags_->report(level, name_, offset, text, buffer_.index);
}

std::uint64_t file_reader::record_file_offset(std::size_t offset_in_buffer) const noexcept {
  // A record in a compressed buffer has no file offset of its own: point at its buffer.
  return buffer_.compressed ? buffer_.file_offset : buffer_.file_offset + offset_in_buffer;
}

std::string file_reader::record_place(std::size_t offset_in_buffer) const {
  return buffer_.compressed
             ? printf_string(" (at 0x%zx of the decompressed buffer)", offset_in_buffer)
             : std::string();
}

bool file_reader::buffer_complete(const input_file& file, std::uint64_t offset) {
  char raw[buffer_header_size];
  auto got = file.read_at(offset, raw);
  if (!got || got.value() != sizeof raw) return false;
  wmi_buffer_header h{};
  (void)read_at(std::as_bytes(std::span(raw)), 0, h);
  // An impossible size is damage, which the reader reports; waiting would never end.
  const bool compressed = (h.buffer_flag & buffer_flag::compressed) != 0;
  const std::size_t limit = compressed ? max_compressed_buffer_size : max_buffer_size;
  if (h.buffer_size < buffer_header_size || h.buffer_size > limit) return true;
  char last[1];
  auto tail = file.read_at(offset + h.buffer_size - 1, last);
  return tail && tail.value() == 1;
}

file_reader::load_result file_reader::load_next_buffer() {
  if (done_) return load_result::end_of_file;
  if (directory_ != nullptr) {
    // Straight to this processor's next buffer: the others' headers are not this reader's.
    const auto place = directory_->next(processor_);
    if (!place) {
      done_ = true;
      return load_result::end_of_file;
    }
    next_buffer_offset_ = place->offset;
    next_buffer_index_ = place->index;
  }
  const std::uint64_t at = next_buffer_offset_;
  // Not yet written (whole): the end for now, not for good.
  if (follow_ && !buffer_complete(*file_, at)) return load_result::end_of_file;
  buffer_ = buffer_info{};
  buffer_.index = next_buffer_index_;
  buffer_.file_offset = at;

  // Header: 72 bytes, or a clean end of file. raw_ only grows: resizing it down and up again
  // for every buffer zero-filled 64 KB each time.
  if (raw_.size() < buffer_header_size) raw_.resize(buffer_header_size);
  read_offset_ = at;
  const std::size_t got = read_some(raw_.data(), buffer_header_size, true);
  if (done_reading_) {  // a read error, reported: not a short file
    done_ = true;
    return load_result::end_of_file;
  }
  if (got == 0) {
    done_ = true;
    // A file cut exactly between buffers looks complete; only the header's count tells. One
    // cut inside the buffer before this one (or a stride past the end) is that buffer's
    // reader's to report, as a cut buffer: one problem, one line.
    char last[1];
    const auto before =
        at == 0 ? result<std::size_t>(std::size_t{1}) : file_->read_at(at - 1, last);
    const bool ends_here = before && before.value() == 1;
    if (ends_here && buffers_read_ < header_.buffers_written && report_file_damage_) {
      report(severity::warning, at,
             printf_string("file ends after %" PRIu64 " buffers, but its header says %" PRIu32
                           " were written; the rest is missing",
                           buffers_read_, header_.buffers_written));
    }
    return load_result::end_of_file;
  }
  if (got < buffer_header_size) {
    done_ = true;
    if (report_file_damage_)
      report(severity::error, at,
             printf_string("file ends %zu bytes into a %zu-byte buffer header; "
                           "truncated file, last buffer lost",
                           got, buffer_header_size));
    return load_result::end_of_file;
  }
  wmi_buffer_header h{};
  (void)read_at(std::as_bytes(std::span(raw_)), 0, h);
  buffer_.disk_size = h.buffer_size;
  buffer_.sequence_number = h.sequence_number;
  buffer_.timestamp = h.timestamp;
  buffer_.processor = buffer_processor(h);
  buffer_.flags = h.buffer_flag;
  buffer_.type = h.buffer_type;
  buffer_.compressed = (h.buffer_flag & buffer_flag::compressed) != 0;

  // The stride to the next buffer is BufferSize; if it is impossible there is no next buffer
  // to find, so the rest of the file is given up rather than guessed at.
  const std::size_t limit = buffer_.compressed ? max_compressed_buffer_size : max_buffer_size;
  if (h.buffer_size < buffer_header_size || h.buffer_size > limit) {
    done_ = true;
    if (report_file_damage_)
      report(severity::error, at,
             printf_string("buffer size %" PRIu32 " is outside %zu..%zu; rest of file skipped",
                           h.buffer_size, buffer_header_size, limit));
    return load_result::end_of_file;
  }
  next_buffer_offset_ = at + h.buffer_size;
  ++next_buffer_index_;
  ++buffers_read_;
  if (filtered_ && buffer_.processor != processor_) {
    return load_result::skipped;  // another processor's buffer: its reader reads it
  }

  // Body. A short read means the file was cut inside this buffer.
  if (raw_.size() < h.buffer_size) raw_.resize(h.buffer_size);
  const std::size_t body = h.buffer_size - buffer_header_size;
  const std::size_t body_got = read_some(raw_.data() + buffer_header_size, body, false);
  if (done_reading_) {  // a read error, reported: the buffer is lost, not cut short
    done_ = true;
    return load_result::end_of_file;
  }
  truncated_ = body_got < body;
  truncated_at_ = at + buffer_header_size + body_got;
  if (truncated_) done_ = true;  // nothing can follow the end of the file

  if (h.buffer_flag & (buffer_flag::events_lost | buffer_flag::buffer_lost)) {
    report(severity::warning, at,
           printf_string("buffer flags 0x%04x: the logger lost %s", h.buffer_flag,
                         (h.buffer_flag & buffer_flag::buffer_lost) ? "a buffer" : "events"));
  }

  if (!buffer_.compressed) {
    // Data ends at Offset, never past BufferSize, nor past the bytes that exist.
    std::size_t end = h.offset;
    if (end < buffer_header_size) {
      report(severity::error, at,
             printf_string("buffer data end (Offset) %" PRIu32
                           " is inside the %zu-byte header; buffer skipped",
                           h.offset, buffer_header_size));
      if (truncated_) finish_buffer();
      return load_result::skipped;
    }
    if (end > h.buffer_size) {
      report(severity::warning, at,
             printf_string("buffer data end (Offset) %" PRIu32 " is past the buffer size %" PRIu32
                           "; clamped",
                           h.offset, h.buffer_size));
      end = h.buffer_size;
    }
    end = std::min(end, buffer_header_size + body_got);
    buffer_.data_end = static_cast<std::uint32_t>(end);
    data_ = std::as_bytes(std::span(raw_)).first(end);
  } else {
    if (truncated_) {
      // A cut compressed stream could still decode, but to an unknown, partial length: drop it.
      report(severity::error, at,
             printf_string("compressed buffer truncated: file ends after %zu of %" PRIu32
                           " bytes; buffer skipped",
                           buffer_header_size + body_got, h.buffer_size));
      truncated_ = false;
      return load_result::skipped;
    }
    if (h.offset < buffer_header_size || h.offset > max_buffer_size) {
      report(severity::error, at,
             printf_string("compressed buffer says it unpacks to %" PRIu32
                           " bytes, outside %zu..%zu; buffer skipped",
                           h.offset, buffer_header_size, max_buffer_size));
      return load_result::skipped;
    }
    // Room for what the buffer unpacks to. Offset is only a claim: beyond the session's buffer
    // size (which no honest buffer exceeds) room grows as decompression proves it needs it,
    // so a small file whose buffers each claim 16 MB does not take 16 MB per processor.
    const std::size_t claimed = h.offset;
    std::size_t room = std::min<std::size_t>(
        claimed, std::max<std::size_t>(header_.buffer_size, std::size_t{64} << 10));
    const auto packed = std::as_bytes(std::span(raw_))
                            .subspan(buffer_header_size, h.buffer_size - buffer_header_size);
    result<std::size_t> n = std::size_t{0};
    for (;;) {
      unpacked_.resize(room);
      std::memcpy(unpacked_.data(), raw_.data(), buffer_header_size);
      n = xpress_decompress(packed, std::span(unpacked_).subspan(buffer_header_size));
      // Damage stays damage with more room: only a stream that did not fit gets more.
      if (n || room == claimed || !xpress_output_full(n.failure())) break;
      room = std::min(room * 2, claimed);
    }
    const std::size_t out_size = claimed - buffer_header_size;
    if (!n) {
      report(severity::error, at + buffer_header_size + n.failure().offset,
             "compressed buffer damaged: " + n.failure().message + "; buffer skipped");
      return load_result::skipped;
    }
    if (n.value() != out_size) {
      report(severity::warning, at,
             printf_string("compressed buffer unpacked to %zu bytes, its header says %zu; "
                           "only those read",
                           n.value(), out_size));
    }
    buffer_.data_end = static_cast<std::uint32_t>(buffer_header_size + n.value());
    data_ = std::span<const std::byte>(unpacked_).first(buffer_.data_end);
  }
  position_ = buffer_header_size;
  in_buffer_ = true;
  return load_result::loaded;
}

void file_reader::finish_buffer() {
  in_buffer_ = false;
  if (truncated_) {
    truncated_ = false;
    report(severity::error, buffer_.file_offset,
           printf_string("buffer truncated: file ends at offset 0x%" PRIx64 ", %" PRIu64
                         " of %" PRIu32 " bytes into the buffer; "
                         "records that did not fit are lost",
                         truncated_at_, truncated_at_ - buffer_.file_offset, buffer_.disk_size));
  }
}

bool file_reader::next(record_view& out) {
  for (;;) {
    if (!in_buffer_) {
      const load_result loaded = load_next_buffer();
      if (loaded == load_result::end_of_file) return false;
      if (loaded == load_result::skipped) continue;
    }
    const std::size_t at = position_;
    // Fewer than 4 bytes can only be the gap left by alignment after the last record.
    if (at + 4 > data_.size()) {
      finish_buffer();
      continue;
    }
    const std::span<const std::byte> rest = data_.subspan(at);
    const record_frame frame = frame_record(rest);
    using status = record_frame::status;
    if (frame.state == status::end_of_data) {
      finish_buffer();
      continue;
    }
    if (frame.state == status::unknown_marker) {
      report(severity::error, record_file_offset(at),
             printf_string("unknown record marker 0x%08" PRIx32 "%s; rest of buffer skipped",
                           frame.marker, record_place(at).c_str()));
      finish_buffer();
      continue;
    }
    // A record cut by the end of a truncated file is covered by the truncation report.
    const bool cut_by_eof = truncated_ && at + std::max(frame.size, frame.min_size) >
                                              truncated_at_ - buffer_.file_offset;
    if (frame.state == status::short_data) {
      if (!cut_by_eof) {
        report(severity::error, record_file_offset(at),
               printf_string("%zu bytes left in the buffer, fewer than a %zu-byte %s header%s; "
                             "rest of buffer skipped",
                             rest.size(), frame.min_size,
                             std::string(to_string(frame.kind)).c_str(), record_place(at).c_str()));
      }
      finish_buffer();
      continue;
    }
    if (frame.size < frame.min_size) {
      report(severity::error, record_file_offset(at),
             printf_string("record size %zu < %zu-byte %s header%s; rest of buffer skipped",
                           frame.size, frame.min_size, std::string(to_string(frame.kind)).c_str(),
                           record_place(at).c_str()));
      finish_buffer();
      continue;
    }
    if (frame.size > rest.size()) {
      if (!cut_by_eof) {
        report(severity::error, record_file_offset(at),
               printf_string("record size %zu runs past the buffer data end (%zu bytes left)%s; "
                             "rest of buffer skipped",
                             frame.size, rest.size(), record_place(at).c_str()));
      }
      finish_buffer();
      continue;
    }
    position_ = at + align8(frame.size);
    record_origin origin;
    origin.file_offset = record_file_offset(at);
    origin.buffer_index = buffer_.index;
    origin.buffer_sequence = buffer_.sequence_number;
    origin.offset_in_buffer = static_cast<std::uint32_t>(at);
    origin.processor = buffer_.processor;
    origin.compressed = buffer_.compressed;
    const std::uint8_t pointer_size =
        header_.pointer_size == 4 ? 4 : 8;  // only WPP records without POINTER flags use it
    if (auto bad = out.parse(rest.first(frame.size), origin, pointer_size)) {
      report(severity::warning, record_file_offset(at + (buffer_.compressed ? 0 : bad->offset)),
             bad->message + record_place(at) + "; record skipped");
      continue;
    }
    ++records_read_;
    return true;
  }
}

}  // namespace etwcat::etl
