// A k-way merge over (file, processor) streams, each in time order already: within a buffer
// records are in time order, and a processor's buffers follow each other in the file.
#include "lib/etl/merged_reader.h"

#include <algorithm>
#include <tuple>

namespace etwcat::etl {

merged_reader merged_reader::open(std::span<const std::filesystem::path> paths,
                                  diagnostics& diags) {
  std::vector<std::shared_ptr<const input_file>> files(paths.size());
  for (std::size_t f = 0; f < paths.size(); ++f) {
    auto file = input_file::open(paths[f]);
    if (file) {
      files[f] = std::move(file.value());
    } else {
      diagnostic d{severity::error, display_name(paths[f]), 0, file.failure().message};
      d.whole_file = true;
      diags.add(std::move(d));
    }
  }
  return open(files, diags);
}

merged_reader merged_reader::open(std::span<const std::shared_ptr<const input_file>> files,
                                  diagnostics& diags) {
  merged_reader merged;
  merged.files_.resize(files.size());
  for (std::size_t f = 0; f < files.size(); ++f) {
    if (!files[f]) continue;
    auto first = file_reader::open(files[f], diags);
    if (!first) {
      diags.report(severity::error, files[f]->name(), first.failure().offset,
                   first.failure().message);
      continue;
    }
    file_state& state = merged.files_[f];
    state.header = first.value().header();
    state.clock = trace_clock(state.header);
    state.opened = true;
    state.directory = std::make_unique<buffer_directory>(buffer_directory::scan(files[f]));
    buffer_directory& directory = *state.directory;
    if (directory.failure()) {
      diags.report(severity::error, files[f]->name(), directory.failure()->offset,
                   "cannot read: " + directory.failure()->message +
                       "; the buffers of processors first seen after it are not read");
    }
    std::vector<std::uint16_t> processors(directory.processors().begin(),
                                          directory.processors().end());
    if (processors.empty()) processors.push_back(first.value().buffer().processor);
    for (std::size_t p = 0; p < processors.size(); ++p) {
      // The reader already open serves the first processor; the others share its file.
      result<file_reader> reader = p == 0 ? std::move(first) : file_reader::open(files[f], diags);
      if (!reader) {  // the same bytes read a moment ago: only a read error gets here
        diags.report(severity::error, files[f]->name(), reader.failure().offset,
                     reader.failure().message + "; the buffers of processor " +
                         std::to_string(processors[p]) + " are not read");
        continue;
      }
      // The first reader walks every header and reports damage to the whole file; the others
      // go from buffer to buffer of their own through the directory.
      reader.value().only_processor(processors[p], p == 0, &directory);
      merged.streams_.push_back(stream{std::move(reader.value()), f, {}, 0, 0});
    }
  }
  for (std::size_t i = 0; i < merged.streams_.size(); ++i) {
    if (merged.advance(merged.streams_[i])) merged.heap_.push_back(i);
  }
  auto later = [&merged](std::size_t a, std::size_t b) { return merged.earlier(b, a); };
  std::make_heap(merged.heap_.begin(), merged.heap_.end(), later);
  return merged;
}

bool merged_reader::advance(stream& s) {
  if (!s.reader.next(s.current)) return false;
  const bool is_header =
      s.current.buffer_index() == 0 && s.current.origin().offset_in_buffer == buffer_header_size;
  if (s.current.has_timestamp()) s.last_timestamp = s.current.timestamp();
  // Header records sort before everything (key 0); the rest by absolute time.
  s.order_key = is_header ? 0 : 1 + files_[s.file].clock.filetime(s.last_timestamp);
  return true;
}

bool merged_reader::earlier(std::size_t a, std::size_t b) const noexcept {
  const stream& x = streams_[a];
  const stream& y = streams_[b];
  // Equal times keep file order: file given first, then buffer, then place in the buffer.
  return std::tuple(x.order_key, x.file, x.current.buffer_index(),
                    x.current.origin().offset_in_buffer) <
         std::tuple(y.order_key, y.file, y.current.buffer_index(),
                    y.current.origin().offset_in_buffer);
}

bool merged_reader::next(record_view& out) {
  auto later = [this](std::size_t a, std::size_t b) { return earlier(b, a); };
  if (pending_ != SIZE_MAX) {
    // Only now may the stream that supplied the last record move on: that record's bytes
    // live in its buffer.
    if (advance(streams_[pending_])) {
      heap_.push_back(pending_);
      std::push_heap(heap_.begin(), heap_.end(), later);
    }
    pending_ = SIZE_MAX;
  }
  if (heap_.empty()) return false;
  std::pop_heap(heap_.begin(), heap_.end(), later);
  pending_ = heap_.back();
  heap_.pop_back();
  out = streams_[pending_].current;
  current_file_ = streams_[pending_].file;
  return true;
}

std::uint64_t merged_reader::bytes_read() const noexcept {
  std::uint64_t total = 0;
  for (std::size_t f = 0; f < files_.size(); ++f) {
    std::uint64_t end = 0;
    for (const stream& s : streams_) {
      const buffer_info& b = s.reader.buffer();
      if (s.file == f) end = std::max(end, b.file_offset + b.disk_size);
    }
    total += end;
  }
  return total;
}

}  // namespace etwcat::etl
