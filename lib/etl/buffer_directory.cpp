// One walk over the buffer headers at scan(), a second, lazy one as readers ask: the directory
// reads each header twice, whatever the number of processors (and the reader that reports
// damage to the whole file reads every header once more).
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

namespace {
constexpr std::size_t processor_slots = 0x800;  // buffer_processor() masks to 11 bits
constexpr std::uint16_t no_lane = 0xFFFF;
}  // namespace

buffer_directory buffer_directory::scan(std::shared_ptr<const input_file> file) {
  buffer_directory d;
  d.file_ = std::move(file);
  // The offset of each processor's last buffer; processors in the order first seen.
  std::vector<std::uint64_t> last(processor_slots, 0);
  std::vector<bool> seen(processor_slots, false);
  std::uint64_t at = 0;
  while (auto h = read_header(*d.file_, at, d.failure_)) {
    ++d.headers_read_;
    if (at == 0) d.walk_offset_ = h->size;  // buffer 0 is every reader's own to load
    seen[h->processor] = true;
    last[h->processor] = at;
    at += h->size;
  }
  d.end_ = at;
  d.walk_index_ = 1;
  d.lane_of_.assign(processor_slots, no_lane);
  for (std::size_t p = 0; p < processor_slots; ++p) {
    if (!seen[p]) continue;
    d.lane_of_[p] = static_cast<std::uint16_t>(d.lanes_.size());
    d.processors_.push_back(static_cast<std::uint16_t>(p));
    lane l;
    l.last = last[p];
    l.done = last[p] == 0;  // its only buffer is buffer 0
    d.lanes_.push_back(std::move(l));
  }
  return d;
}

void buffer_directory::serve(std::uint16_t processor) noexcept {
  if (processor < lane_of_.size() && lane_of_[processor] != no_lane) {
    lanes_[lane_of_[processor]].served = true;
  }
}

bool buffer_directory::walk_one() {
  if (walk_offset_ >= end_) return false;
  std::optional<error> failure;
  const auto h = read_header(*file_, walk_offset_, failure);
  // The scan saw this header whole; only a file changed since, or a read error (which the
  // reader that walks every header reports), gets here.
  if (!h) {
    end_ = walk_offset_;
    return false;
  }
  ++headers_read_;
  if (const std::uint16_t l = lane_of_[h->processor]; l != no_lane && lanes_[l].served) {
    lanes_[l].waiting.push_back({walk_offset_, walk_index_});
  }
  walk_offset_ += h->size;
  ++walk_index_;
  return true;
}

std::optional<buffer_place> buffer_directory::next(std::uint16_t processor) {
  if (processor >= lane_of_.size() || lane_of_[processor] == no_lane) return std::nullopt;
  lane& mine = lanes_[lane_of_[processor]];
  if (mine.done || !mine.served) return std::nullopt;
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
