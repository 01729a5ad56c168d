// The reader and the whole dump pipeline on damaged copies of real captures: cut at every buffer
// boundary and inside records; size, type and count fields overwritten with 0, 1, odd values,
// 0xFFFF and 0xFFFFFFFF; bits flipped at random (fixed seeds); buffers swapped and duplicated.
// Every case must end (a hang fails by the test's timeout), report its damage with the file's
// name and an offset inside it, and keep what is intact: a cut file gives every record of its
// whole buffers, damage to one record costs no record of another buffer, a swapped buffer
// costs nothing and a duplicated one adds its records.
// Not in the Windows build: the reader and decoders are portable code, swept here, and thousands
// of small files written and read again under Wine would cost CI minutes.
#ifndef _WIN32
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "formats/event_writer.h"
#include "formats/jsonl_writer.h"
#include "lib/base/diagnostics.h"
#include "lib/decode/decoder.h"
#include "lib/etl/layout.h"
#include "lib/etl/merged_reader.h"
#include "lib/trace/pipeline.h"
#include "tests/support/corpus.h"
#include "tests/support/scratch.h"

using namespace etwcat;
using etwcat::testing::corpus_file;

namespace {

using bytes = std::vector<char>;
// A record by its place: buffer index and offset in the (decompressed) buffer.
using record_id = std::pair<std::uint64_t, std::uint32_t>;

bytes read_all(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The captures, and how many of their buffers the sweep takes (a piece of a large capture is
// still real bytes; the sweep's time grows with the square of the size).
struct capture {
  const char* path;
  std::size_t buffers;  // 0: all
  const char* what;
};
const capture captures[] = {
    {"perfview/SelfDescribingSingleEvent.etl", 0, "TraceLogging, compressed, 64-bit"},
    {"perfview/net.4.5.2.x64.etl", 20, "kernel and CLR, compressed, 64-bit"},
    {"perfview/net.4.5.2.x86.etl", 20, "kernel and CLR, compressed, 32-bit"},
    {"perfview/net.4.5.x86.etl", 4, "kernel and CLR, 64 KB buffers, 32-bit"},
    {"tx/HTTP_Server.etl", 0, "manifest events, 64-bit"},
    {"tx/KernelNetwork.etl", 24, "kernel network, 64-bit"},
    {"findneedle-wpp/wppstr-sample.etl", 0, "WPP"},
    {"perfview/gcevents.etl", 0, "CLR GC events, 64 KB buffers"},
};

struct buffer_span {
  std::size_t offset = 0;
  std::size_t size = 0;
  bool compressed = false;
};

std::uint32_t u32_at(const bytes& b, std::size_t at) {
  std::uint32_t v = 0;
  std::memcpy(&v, b.data() + at, 4);
  return v;
}
std::uint16_t u16_at(const bytes& b, std::size_t at) {
  std::uint16_t v = 0;
  std::memcpy(&v, b.data() + at, 2);
  return v;
}

std::vector<buffer_span> buffers_of(const bytes& file) {
  std::vector<buffer_span> out;
  for (std::size_t at = 0; at + etl::buffer_header_size <= file.size();) {
    const std::uint32_t size = u32_at(file, at);
    if (size < etl::buffer_header_size || at + size > file.size()) break;
    out.push_back({at, size, (u16_at(file, at + 0x34) & etl::buffer_flag::compressed) != 0});
    at += size;
  }
  return out;
}

// A record source that notes the place and the content (a hash of its bytes) of each record
// it passes on.
struct noting_source {
  etl::merged_reader& reader;
  std::vector<record_id>& seen;
  std::vector<std::size_t>& contents;
  bool next(etl::record_view& out) {
    if (!reader.next(out)) return false;
    seen.emplace_back(out.buffer_index(), out.origin().offset_in_buffer);
    const auto bytes = out.bytes();
    contents.push_back(std::hash<std::string_view>()(
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size())));
    return true;
  }
  const etl::trace_clock& current_clock() const { return reader.current_clock(); }
  std::uint16_t current_source() const { return reader.current_source(); }
};

struct outcome {
  std::vector<record_id> records;     // in delivery order
  std::vector<std::size_t> contents;  // the records' hashes, sorted
  std::uint64_t events = 0;
  diagnostics diags;
  bool opened = false;
};

// `etwcat dump` in-process: reader, decoders, attribution and the JSON-lines writer.
class sweep {
 public:
  sweep() : nowhere_(std::fopen("/dev/null", "wb")) { REQUIRE(nowhere_ != nullptr); }
  ~sweep() { std::fclose(nowhere_); }

  outcome run(const bytes& content) {
    {
      std::ofstream out(path_, std::ios::binary | std::ios::trunc);
      out.write(content.data(), static_cast<std::streamsize>(content.size()));
    }
    ++cases_;
    outcome o;
    const std::vector<std::filesystem::path> paths{path_};
    auto reader = etl::merged_reader::open(paths, o.diags);
    o.opened = reader.opened(0);
    formats::output_sink sink(nowhere_, 1 << 16);
    formats::jsonl_writer json(sink);
    json.begin(formats::trace_info{});
    decode::decoder decoder;
    trace::pipeline events(decoder);
    noting_source source{reader, o.records, o.contents};
    o.events = events
                   .run(source,
                        [&](const event& e) {
                          json.write(e);
                          return true;
                        })
                   .events_written;
    std::sort(o.contents.begin(), o.contents.end());
    // Every problem names this file and a place in it.
    for (const diagnostic& d : o.diags.items()) {
      INFO(format(d));
      CHECK(d.file == path_.string());
      CHECK(d.offset <= content.size());
      CHECK(!d.text.empty());
      CHECK(format(d).find('\n') == std::string::npos);
    }
    return o;
  }
  std::size_t cases() const noexcept { return cases_; }

 private:
  etwcat::testing::scratch_folder folder_;
  std::filesystem::path path_ = folder_.path() / "damaged.etl";
  std::FILE* nowhere_;
  std::size_t cases_ = 0;
};

// The capture as swept: whole, or its first buffers.
bytes load(const capture& c) {
  bytes file = read_all(corpus_file(c.path));
  REQUIRE(!file.empty());
  const auto spans = buffers_of(file);
  if (c.buffers != 0 && spans.size() > c.buffers) file.resize(spans[c.buffers].offset);
  return file;
}

std::set<record_id> as_set(const std::vector<record_id>& v) { return {v.begin(), v.end()}; }

// Records of buffers other than `damaged` (buffer 0 excepted: it carries the file's header).
std::set<record_id> others(const std::set<record_id>& all, std::uint64_t damaged) {
  std::set<record_id> out;
  for (const auto& r : all) {
    if (r.first != damaged && r.first != 0) out.insert(r);
  }
  return out;
}

bool includes(const std::set<record_id>& big, const std::set<record_id>& small) {
  return std::includes(big.begin(), big.end(), small.begin(), small.end());
}

// Where records start in an uncompressed buffer, from the full run's record ids.
std::vector<std::size_t> record_offsets(const std::set<record_id>& all, std::uint64_t buffer) {
  std::vector<std::size_t> out;
  for (const auto& r : all) {
    if (r.first == buffer) out.push_back(r.second);
  }
  return out;
}

}  // namespace

TEST_CASE(
    "corruption sweep: a cut file gives every record of its whole buffers, and more "
    "file never gives fewer events") {
  ETWCAT_REQUIRE_CORPUS();
  sweep s;
  std::size_t points = 0;
  for (const capture& c : captures) {
    CAPTURE(c.path);
    const bytes file = load(c);
    const outcome full = s.run(file);
    REQUIRE(full.opened);
    CHECK(full.diags.count(severity::error) == 0);
    const std::set<record_id> all = as_set(full.records);
    const auto spans = buffers_of(file);
    // Cut points: every buffer boundary; inside each buffer, after its header, into its first
    // and middle records, and one byte short of its end.
    std::vector<std::pair<std::size_t, std::size_t>> cuts;  // (length, buffers whole before it)
    for (std::size_t b = 0; b < spans.size(); ++b) {
      const buffer_span& span = spans[b];
      cuts.emplace_back(span.offset, b);
      std::vector<std::size_t> inside = {etl::buffer_header_size, span.size - 1};
      if (!span.compressed) {
        const auto starts = record_offsets(all, b);
        if (!starts.empty()) inside.push_back(starts.front() + 5);
        if (starts.size() > 2) inside.push_back(starts[starts.size() / 2] + 9);
      }
      for (const std::size_t in : inside) {
        if (in < span.size) cuts.emplace_back(span.offset + in, b);
      }
    }
    cuts.emplace_back(file.size(), spans.size());
    std::sort(cuts.begin(), cuts.end());
    std::uint64_t last_events = 0;
    for (const auto& cut_point : cuts) {
      const std::size_t length = cut_point.first, whole = cut_point.second;
      CAPTURE(length);  // (clang 14 cannot capture a structured binding)
      ++points;
      const outcome cut = s.run(bytes(file.begin(), file.begin() + static_cast<long>(length)));
      if (whole == 0) continue;  // the header buffer is cut: no buffer is whole
      REQUIRE(cut.opened);
      const std::set<record_id> got = as_set(cut.records);
      std::set<record_id> intact;
      for (const auto& r : all) {
        if (r.first < whole) intact.insert(r);
      }
      CHECK(includes(got, intact));  // every record of the whole buffers
      CHECK(includes(all, got));     // and nothing that is not in the file
      CHECK(cut.events >= last_events);
      last_events = cut.events;
      if (length < file.size()) CHECK(cut.diags.count() > 0);  // a cut is always told
    }
    CHECK(last_events == full.events);
  }
  MESSAGE("truncation: " << points << " cut points in " << std::size(captures) << " captures");
}

TEST_CASE(
    "corruption sweep: size, type and count fields set to 0, 1, odd values, 0xFFFF and "
    "0xFFFFFFFF") {
  ETWCAT_REQUIRE_CORPUS();
  sweep s;
  std::size_t tried = 0;
  const std::uint32_t values[] = {0, 1, 7, 0x4001, 0xFFFF, 0xFFFFFFFF};
  for (const capture& c : captures) {
    CAPTURE(c.path);
    const bytes file = load(c);
    const outcome full = s.run(file);
    REQUIRE(full.opened);
    const std::set<record_id> all = as_set(full.records);
    const auto spans = buffers_of(file);
    // One field overwritten: `width` bytes at `at`, in buffer `buffer`. `contained`: the damage
    // cannot reach past that buffer, so every other buffer's records must still come out.
    // `small_told`: a value under 8 is impossible there, and must be reported.
    auto overwrite = [&](std::size_t buffer, std::size_t at, int width, bool contained,
                         bool small_told = false) {
      for (const std::uint32_t v : values) {
        if (width == 2 && v > 0xFFFF) continue;
        if (width == 1 && v > 0xFF) continue;
        bytes damaged = file;
        std::memcpy(damaged.data() + at, &v, static_cast<std::size_t>(width));
        if (damaged == file) continue;
        CAPTURE(at);
        CAPTURE(v);
        ++tried;
        const outcome o = s.run(damaged);
        if (contained && buffer != 0) CHECK(includes(as_set(o.records), others(all, buffer)));
        if (small_told && v < 8) CHECK(o.diags.count() > 0);
      }
    };
    // Eight buffers spread over the file, the header buffer among them.
    const std::size_t step = std::max<std::size_t>(1, spans.size() / 8);
    for (std::size_t b = 0; b < spans.size(); b += step) {
      const buffer_span& span = spans[b];
      overwrite(b, span.offset + 0x00, 4, false, true);  // BufferSize: the stride to the next
      overwrite(b, span.offset + 0x30, 4, true);         // Offset: data end, or unpacked size
      // The processor: the buffer joins another's stream, and no record is lost, not even of
      // buffer 0 (whichever reader then owns it).
      for (const std::uint16_t v : {0, 1, 7, 0x4001, 0xFFFF}) {
        bytes moved = file;
        std::memcpy(moved.data() + span.offset + 0x28, &v, 2);
        if (moved == file) continue;
        ++tried;
        CAPTURE(b);
        CAPTURE(v);
        CHECK(s.run(moved).contents == full.contents);
      }
      overwrite(b, span.offset + 0x34, 2, true);  // flags (compressed, processor index)
      if (span.compressed) {
        // The compressed stream: its first flag word and a byte in the middle.
        overwrite(b, span.offset + etl::buffer_header_size, 4, true);
        overwrite(b, span.offset + span.size / 2, 2, true);
        continue;
      }
      // Records: the first, one in the middle and the last.
      const auto starts = record_offsets(all, b);
      if (starts.empty()) continue;
      for (const std::size_t r : {starts.front(), starts[starts.size() / 2], starts.back()}) {
        const std::size_t at = span.offset + r;
        const std::uint8_t kind = static_cast<std::uint8_t>(file[at + 2]);
        const bool system_layout =
            (kind >= etl::header_type::system32 && kind <= etl::header_type::compact64) ||
            kind == etl::header_type::perfinfo32 || kind == etl::header_type::perfinfo64;
        // Size: at 4 in the kernel's headers, at 0 in the others.
        overwrite(b, at + (system_layout ? 4 : 0), 2, true, true);
        overwrite(b, at + 2, 1, true);  // header type
        overwrite(b, at + 3, 1, true);  // marker flags
        const bool event_header =
            kind == etl::header_type::event_header32 || kind == etl::header_type::event_header64;
        const std::uint16_t header_flags = u16_at(file, at + 4);
        if (event_header && (header_flags & 0x0001) != 0) {  // EVENT_HEADER_FLAG_EXTENDED_INFO
          // The first extended item: its size, type, linkage (is another one there) and data
          // size; TraceLogging metadata's own length.
          const std::size_t item = at + 0x50;
          overwrite(b, item + 0, 2, true);
          overwrite(b, item + 2, 2, true);
          overwrite(b, item + 4, 2, true);
          overwrite(b, item + 6, 2, true);
          if (u16_at(file, item + 2) == etl::ext_type::event_schema_tl) {
            overwrite(b, item + 8, 2, true);
          }
        } else if (event_header) {
          overwrite(b, at + 4, 2, true);  // flags: claim extended items that are not there
        }
      }
    }
  }
  MESSAGE("overwritten fields: " << tried << " cases");
  CHECK(tried > 1000);
}

TEST_CASE("corruption sweep: random bit flips, swapped and duplicated buffers") {
  ETWCAT_REQUIRE_CORPUS();
  sweep s;
  std::size_t flips = 0, reorders = 0;
  std::mt19937_64 random(20261207);  // fixed: the same cases every run
  for (const capture& c : captures) {
    CAPTURE(c.path);
    const bytes file = load(c);
    const outcome full = s.run(file);
    REQUIRE(full.opened);
    const auto spans = buffers_of(file);
    for (int i = 0; i < 60; ++i) {
      bytes damaged = file;
      const int bits = 1 + static_cast<int>(random() % 8);
      for (int k = 0; k < bits; ++k) {
        const std::size_t bit = random() % (file.size() * 8);
        damaged[bit / 8] = static_cast<char>(damaged[bit / 8] ^ (1 << (bit % 8)));
      }
      ++flips;
      (void)s.run(damaged);
    }
    if (spans.size() < 3) continue;
    auto piece = [&](std::size_t b) {
      return bytes(file.begin() + static_cast<long>(spans[b].offset),
                   file.begin() + static_cast<long>(spans[b].offset + spans[b].size));
    };
    for (int i = 0; i < 6; ++i) {
      // Two buffers after the header's swap places: their records are all still read.
      const std::size_t a = 1 + random() % (spans.size() - 1);
      const std::size_t b = 1 + random() % (spans.size() - 1);
      if (a == b) continue;
      const std::size_t lo = std::min(a, b), hi = std::max(a, b);
      bytes swapped(file.begin(), file.begin() + static_cast<long>(spans[lo].offset));
      auto append = [&](const bytes& p) { swapped.insert(swapped.end(), p.begin(), p.end()); };
      append(piece(hi));
      for (std::size_t m = lo + 1; m < hi; ++m) append(piece(m));
      append(piece(lo));
      swapped.insert(swapped.end(),
                     file.begin() + static_cast<long>(spans[hi].offset + spans[hi].size),
                     file.end());
      REQUIRE(swapped.size() == file.size());
      ++reorders;
      CAPTURE(lo);
      CAPTURE(hi);
      CHECK(s.run(swapped).contents == full.contents);

      // A buffer written twice: its records come twice.
      bytes twice(file.begin(), file.begin() + static_cast<long>(spans[a].offset + spans[a].size));
      const bytes copy = piece(a);
      twice.insert(twice.end(), copy.begin(), copy.end());
      twice.insert(twice.end(), file.begin() + static_cast<long>(spans[a].offset + spans[a].size),
                   file.end());
      // The expected records: the file's, and buffer a's once more.
      bytes only_a(file.begin(), file.begin() + static_cast<long>(spans[1].offset));
      only_a.insert(only_a.end(), copy.begin(), copy.end());
      const outcome header_and_a = s.run(only_a);
      const outcome header_alone =
          s.run(bytes(file.begin(), file.begin() + static_cast<long>(spans[1].offset)));
      std::vector<std::size_t> of_a;
      std::set_difference(header_and_a.contents.begin(), header_and_a.contents.end(),
                          header_alone.contents.begin(), header_alone.contents.end(),
                          std::back_inserter(of_a));
      std::vector<std::size_t> expected = full.contents;
      expected.insert(expected.end(), of_a.begin(), of_a.end());
      std::sort(expected.begin(), expected.end());
      ++reorders;
      CAPTURE(a);
      CHECK(!of_a.empty());
      CHECK(s.run(twice).contents == expected);
    }
  }
  MESSAGE("bit flips: " << flips << " cases; swapped or duplicated buffers: " << reorders
                        << " cases; " << s.cases() << " runs in all");
}

#endif  // _WIN32
