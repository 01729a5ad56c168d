// input_file: a file opened for reading by offset (as pread does), which the readers of one
// trace share. Input that cannot seek (standard input, a pipe, a FIFO, a terminal) is copied to
// a temporary file first, so every input reads alike and memory stays flat whatever its size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "lib/base/result.h"

namespace etwcat {

/// Which file a name denotes: device and inode on POSIX, volume serial number and file index on
/// Windows. Two names of one file (a hard link, a symlink, "-" and /dev/stdin) compare equal.
struct file_identity {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  friend bool operator==(const file_identity&, const file_identity&) = default;
};

/// The identity of the file `path` names, following symlinks ("-": standard input), or nothing
/// when there is no such file (or it cannot be examined).
std::optional<file_identity> identify(const std::filesystem::path& path);

/// True for the path that means standard input: "-".
bool is_standard_input(const std::filesystem::path& path);

/// An open input file. Thread-compatible: read_at() has no position of its own, so several
/// readers may share one open file.
///
///   auto file = input_file::open("trace.etl");
///   if (!file) { /* file.failure().message: "No such file or directory" */ }
///   char head[72];
///   auto got = file.value()->read_at(0, head);  // fewer bytes only at the end of the file
class input_file {
 public:
  /// How standard input is named in messages, as grep names it.
  static constexpr const char* standard_input_name = "(standard input)";

  /// Opens `path` ("-": standard input). Fails with the OS's own reason ("No such file or
  /// directory", "Permission denied", "Is a directory"), or, for a stream, with why it could
  /// not be copied. The error's offset means nothing here.
  [[nodiscard]] static result<std::shared_ptr<const input_file>> open(
      const std::filesystem::path& path);

  ~input_file();
  input_file(const input_file&) = delete;
  input_file& operator=(const input_file&) = delete;

  /// Reads up to out.size() bytes at `offset`; fewer only at the end of the file. Fails with
  /// the OS's reason (an I/O error of the disk, say).
  [[nodiscard]] result<std::size_t> read_at(std::uint64_t offset, std::span<char> out) const;

  /// The name for messages: the path as given, or "(standard input)".
  const std::string& name() const noexcept { return name_; }
  /// The file the name denotes (for a copied stream: the stream, not the copy).
  const file_identity& identity() const noexcept { return identity_; }
  /// True when the input was a stream, read through a temporary copy.
  bool copied() const noexcept { return copied_; }

 private:
  input_file() = default;

#ifdef _WIN32
  void* handle_ = nullptr;  // HANDLE
  bool owns_handle_ = true;
#else
  int fd_ = -1;
  bool owns_fd_ = true;
#endif
  std::uint64_t base_ = 0;  // where reading starts: standard input may be a file read part-way
  std::string name_;
  file_identity identity_;
  bool copied_ = false;
};

}  // namespace etwcat
