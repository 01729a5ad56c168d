// Helpers shared by the fuzz targets: the input as bytes or text, and a file that holds it for
// the targets whose code under test reads files.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace etwcat::fuzzing {

inline std::span<const std::byte> bytes_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const std::byte*>(data), size};
}

inline std::string_view text_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// One file per process, rewritten with each input (in memory where /dev/shm exists).
class input_on_disk {
 public:
  input_on_disk() {
    std::error_code ec;
    const std::filesystem::path shm = "/dev/shm";
    const auto dir =
        std::filesystem::is_directory(shm, ec) ? shm : std::filesystem::temp_directory_path();
    path_ = dir / ("etwcat-fuzz-" + std::to_string(::getpid()) + ".etl");
  }
  ~input_on_disk() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  input_on_disk(const input_on_disk&) = delete;
  input_on_disk& operator=(const input_on_disk&) = delete;

  /// Writes the input; false when the file cannot be written (the target then skips it).
  bool hold(const std::uint8_t* data, std::size_t size) {
    std::FILE* f = std::fopen(path_.c_str(), "wb");
    if (f == nullptr) return false;
    const bool ok = size == 0 || std::fwrite(data, 1, size, f) == size;
    return std::fclose(f) == 0 && ok;
  }
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace etwcat::fuzzing
