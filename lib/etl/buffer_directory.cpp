// One walk over the buffer headers at scan(), a second, lazy one as readers ask: each header is
// read twice, whatever the number of processors.
#include "lib/etl/buffer_directory.h"

#include <algorithm>

#include "lib/base/byte_cursor.h"
#include "lib/etl/layout.h"

namespace etwcat::etl {
namespace {

// The header at `offset`: its processor and size, or nothing at the end of the file or at an
// impossible header. A read error goes to `failure`.
struct header_fields {
  std::uint16_t processor = 0;
  std::uint32_t size = 0;
};

std::optional<header_fields> read_header(const input_file& file, std::uint64_t offset,
                                         std::optional<error>& failure) {
  char raw[buffer_header_size];
  auto got = file.read_at(offset, raw);
  if (!got) {
    failure = got.failure();
    return std::nullopt;
  }
  if (got.value() != sizeof raw) return std::nullopt;
  wmi_buffer_header h{};
  (void)read_at(std::as_bytes(std::span(raw)), 0, h);
  const bool compressed = (h.buffer_flag & buffer_flag::compressed) != 0;
  const std::size_t limit = compressed ? max_compressed_buffer_size : max_buffer_size;
  if (h.buffer_size < buffer_header_size || h.buffer_size > limit) return std::nullopt;
  return header_fields{buffer_processor(h), h.buffer_size};
}

}  // namespace

buffer_directory buffer_directory::scan(std::shared_ptr<const input_file> file) {
  buffer_directory d;
  d.file_ = std::move(file);
  // Processors with the offset of their last buffer, unsorted until the end.
  std::vector<std::pair<std::uint16_t, std::uint64_t>> last;
  std::uint64_t at = 0;
  while (auto h = read_header(*d.file_, at, d.failure_)) {
    if (at == 0) d.walk_offset_ = h->size;  // buffer 0 is every reader's own to load
    auto it = std::find_if(last.begin(), last.end(),
                           [&](const auto& p) { return p.first == h->processor; });
    if (it == last.end()) {
      last.emplace_back(h->processor, at);
    } else {
      it->second = at;
    }
    at += h->size;
  }
  d.end_ = at;
  d.walk_index_ = 1;
  std::sort(last.begin(), last.end());
  for (const auto& [processor, offset] : last) {
    d.processors_.push_back(processor);
    lane l;
    l.last = offset;
    l.done = offset == 0;  // its only buffer is buffer 0
    d.lanes_.push_back(std::move(l));
  }
  return d;
}

std::size_t buffer_directory::lane_of(std::uint16_t processor) const noexcept {
  const auto it = std::lower_bound(processors_.begin(), processors_.end(), processor);
  return it != processors_.end() && *it == processor
             ? static_cast<std::size_t>(it - processors_.begin())
             : lanes_.size();
}

bool buffer_directory::walk_one() {
  if (walk_offset_ >= end_) return false;
  std::optional<error> failure;
  const auto h = read_header(*file_, walk_offset_, failure);
  // The scan saw this header whole; only a file changed since (or a read error) gets here.
  if (!h) {
    end_ = walk_offset_;
    return false;
  }
  const std::size_t l = lane_of(h->processor);
  if (l < lanes_.size()) lanes_[l].waiting.push_back({walk_offset_, walk_index_});
  walk_offset_ += h->size;
  ++walk_index_;
  return true;
}

std::optional<buffer_place> buffer_directory::next(std::uint16_t processor) {
  const std::size_t l = lane_of(processor);
  if (l == lanes_.size()) return std::nullopt;
  lane& mine = lanes_[l];
  if (mine.done) return std::nullopt;
  while (mine.taken == mine.waiting.size()) {
    // Nothing filed for it yet: walk on, filing the other processors' buffers on the way.
    mine.waiting.clear();
    mine.taken = 0;
    if (!walk_one()) {
      mine.done = true;
      return std::nullopt;
    }
  }
  const buffer_place place = mine.waiting[mine.taken++];
  if (place.offset == mine.last) mine.done = true;
  if (mine.taken == mine.waiting.size()) {
    mine.waiting.clear();
    mine.taken = 0;
  } else if (mine.taken >= 64 && mine.taken * 2 >= mine.waiting.size()) {
    // Places taken stay only until they are half the list: the list holds what is ahead.
    mine.waiting.erase(mine.waiting.begin(),
                       mine.waiting.begin() + static_cast<std::ptrdiff_t>(mine.taken));
    mine.taken = 0;
  }
  return place;
}

}  // namespace etwcat::etl
