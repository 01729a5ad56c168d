// Cuts seeds for the fuzz targets from real inputs, one folder per target under OUT:
//   .etl  dump/ (small files whole; of the others, the header buffer and the next buffers),
//         xpress/ (compressed buffers), tracelogging/ (records with TraceLogging metadata),
//         tdh_blob/ (TRACE_EVENT_INFO and EVENT_MAP_INFO blobs of MetaData records)
//   .man / .xml  manifest/;  .tmf  tmf/;  .json  session_config/
// Usage: etwcat_fuzz_seeds OUT FILE...
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "lib/base/diagnostics.h"
#include "lib/decode/tdh/event_info.h"
#include "lib/etl/file_reader.h"
#include "lib/etl/layout.h"

namespace fs = std::filesystem;
using namespace etwcat;

namespace {

constexpr std::size_t max_seed = 256 << 10;  // libFuzzer runs slower on larger inputs
constexpr int max_per_file = 40;             // of one kind, from one file

std::vector<char> read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class seed_folder {
 public:
  seed_folder(const fs::path& out, const char* target) : dir_(out / target) {
    fs::create_directories(dir_);
  }
  void add(const std::string& name, const void* data, std::size_t size,
           const void* prefix = nullptr, std::size_t prefix_size = 0) {
    std::ofstream out(dir_ / name, std::ios::binary);
    out.write(static_cast<const char*>(prefix), static_cast<std::streamsize>(prefix_size));
    out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
    ++written_;
  }
  std::size_t written() const noexcept { return written_; }

 private:
  fs::path dir_;
  std::size_t written_ = 0;
};

std::uint32_t u32_at(const std::vector<char>& b, std::size_t at) {
  std::uint32_t v = 0;
  if (at + 4 <= b.size()) std::memcpy(&v, b.data() + at, 4);
  return v;
}
std::uint16_t u16_at(const std::vector<char>& b, std::size_t at) {
  std::uint16_t v = 0;
  if (at + 2 <= b.size()) std::memcpy(&v, b.data() + at, 2);
  return v;
}

// The file cut at buffer boundaries (whole when small), and its compressed buffers.
void cut_buffers(const std::string& stem, const std::vector<char>& bytes, seed_folder& dump,
                 seed_folder& xpress) {
  if (bytes.size() <= max_seed) dump.add(stem + ".etl", bytes.data(), bytes.size());
  std::vector<std::size_t> starts;
  int compressed = 0;
  for (std::size_t at = 0; at + etl::buffer_header_size <= bytes.size();) {
    const std::uint32_t size = u32_at(bytes, at);
    if (size < etl::buffer_header_size) break;
    starts.push_back(at);
    const std::uint16_t flags = u16_at(bytes, at + 0x34);
    const std::uint32_t unpacked = u32_at(bytes, at + 0x30);
    if ((flags & etl::buffer_flag::compressed) && compressed < max_per_file &&
        unpacked > etl::buffer_header_size && at + size <= bytes.size()) {
      // The xpress target's two-byte prefix: the room for the output, in 4-byte steps.
      const std::uint32_t room =
          std::min<std::uint32_t>((unpacked - etl::buffer_header_size) / 4, 0xFFFF);
      const unsigned char prefix[2] = {static_cast<unsigned char>(room),
                                       static_cast<unsigned char>(room >> 8)};
      xpress.add(stem + "-" + std::to_string(compressed++) + ".xpress",
                 bytes.data() + at + etl::buffer_header_size, size - etl::buffer_header_size,
                 prefix, 2);
    }
    at += size;
  }
  if (bytes.size() <= max_seed || starts.size() < 2) return;
  // The header buffer, then runs of following buffers from the start, middle and end.
  const std::size_t header_end = starts[1];
  for (const std::size_t from : {std::size_t{1}, starts.size() / 2, starts.size() - 1}) {
    std::vector<char> piece(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(header_end));
    for (std::size_t b = from; b < starts.size() && piece.size() < max_seed; ++b) {
      const std::size_t end = b + 1 < starts.size() ? starts[b + 1] : bytes.size();
      if (piece.size() + (end - starts[b]) > max_seed && piece.size() > header_end) break;
      piece.insert(piece.end(), bytes.begin() + static_cast<std::ptrdiff_t>(starts[b]),
                   bytes.begin() + static_cast<std::ptrdiff_t>(end));
    }
    dump.add(stem + "-from" + std::to_string(from) + ".etl", piece.data(), piece.size());
  }
}

// Records with TraceLogging metadata (one per distinct blob), and MetaData blobs.
void cut_records(const fs::path& file, const std::string& stem, seed_folder& tracelogging,
                 seed_folder& tdh_blob) {
  diagnostics diags;
  auto reader = etl::file_reader::open(file, diags);
  if (!reader) return;
  std::set<std::vector<std::byte>> seen;
  int tl = 0, info = 0, maps = 0;
  etl::record_view r;
  while (reader.value().next(r)) {
    for (const auto& item : r.extended_items()) {
      if (item.type != etl::ext_type::event_schema_tl || tl >= max_per_file) continue;
      if (!seen.emplace(item.data.begin(), item.data.end()).second) continue;
      tracelogging.add(stem + "-" + std::to_string(tl++) + ".record", r.bytes().data(),
                       r.bytes().size());
    }
    if (r.header_guid() != decode::event_metadata_guid) continue;
    const auto payload = r.payload();
    if (r.opcode() == decode::event_info_opcode && info < max_per_file) {
      const unsigned char event_info = 0;
      tdh_blob.add(stem + "-info" + std::to_string(info++), payload.data(), payload.size(),
                   &event_info, 1);
    } else if (r.opcode() == decode::event_map_info_opcode && maps < max_per_file &&
               payload.size() > 16) {
      const unsigned char map_info = 1, event_map_info = 2;
      tdh_blob.add(stem + "-map" + std::to_string(maps), payload.data() + 16, payload.size() - 16,
                   &map_info, 1);
      tdh_blob.add(stem + "-eventmap" + std::to_string(maps++), payload.data(), payload.size(),
                   &event_map_info, 1);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: etwcat_fuzz_seeds OUT FILE...\n");
    return 2;
  }
  const fs::path out = argv[1];
  seed_folder dump(out, "dump"), xpress(out, "xpress"), tracelogging(out, "tracelogging"),
      tdh_blob(out, "tdh_blob"), manifest(out, "manifest"), tmf(out, "tmf"),
      session_config(out, "session_config");
  for (int i = 2; i < argc; ++i) {
    const fs::path file = argv[i];
    // Names stay apart when two folders hold files of one name.
    const std::string stem = std::to_string(i - 1) + "-" + file.stem().string();
    const std::string ext = file.extension().string();
    const std::vector<char> bytes = read_all(file);
    if (ext == ".etl") {
      cut_buffers(stem, bytes, dump, xpress);
      cut_records(file, stem, tracelogging, tdh_blob);
    } else if (bytes.size() <= max_seed) {
      if (ext == ".man" || ext == ".xml") manifest.add(stem + ext, bytes.data(), bytes.size());
      if (ext == ".tmf") tmf.add(stem + ext, bytes.data(), bytes.size());
      if (ext == ".json") session_config.add(stem + ext, bytes.data(), bytes.size());
    }
  }
  std::printf(
      "seeds: dump %zu, xpress %zu, tracelogging %zu, tdh_blob %zu, manifest %zu, "
      "tmf %zu, session_config %zu\n",
      dump.written(), xpress.written(), tracelogging.written(), tdh_blob.written(),
      manifest.written(), tmf.written(), session_config.written());
  return 0;
}
