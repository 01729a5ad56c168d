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
#include <vector>

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

/// The identity of the file standard output writes to (a file, a pipe, a terminal), if known.
std::optional<file_identity> identify_standard_output();

/// The whole of a (small) file, such as a manifest. Fails with the OS's reason alone.
[[nodiscard]] result<std::string> read_whole_file(const std::filesystem::path& path);

/// True for the path that means standard input: "-".
bool is_standard_input(const std::filesystem::path& path);

/// An open input file. read_at() has no position of its own, so several readers may share one
/// open file (from one thread: a stream's copy grows as they read).
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
  /// directory", "Permission denied", "Is a directory"); for standard input that is a terminal
  /// (nothing to read there); or when a stream has no temporary file to be copied into. The
  /// error's offset means nothing here.
  [[nodiscard]] static result<std::shared_ptr<const input_file>> open(
      const std::filesystem::path& path);

  ~input_file();
  input_file(const input_file&) = delete;
  input_file& operator=(const input_file&) = delete;

  /// Reads up to out.size() bytes at `offset`; fewer only at the end of the file. A stream is
  /// copied as far as the read needs, no further: a foreign stream fails at its first bytes,
  /// not after filling the disk. Fails with the OS's reason (a disk's I/O error, say).
  [[nodiscard]] result<std::size_t> read_at(std::uint64_t offset, std::span<char> out) const;

  /// The name for messages: the path as given, or "(standard input)".
  const std::string& name() const noexcept { return name_; }
  /// The file the name denotes (for a copied stream: the stream, not the copy).
  const file_identity& identity() const noexcept { return identity_; }
  /// True when the input is a stream, read through a temporary copy.
  bool copied() const noexcept { return copied_; }

 private:
  input_file() = default;
  // Copies the stream into the temporary file until it holds `end` bytes or the stream ends.
  result<void> copy_until(std::uint64_t end) const;

#ifdef _WIN32
  void* handle_ = nullptr;  // HANDLE of the file read (for a stream: of the copy)
  void* source_ = nullptr;  // HANDLE of a stream still being copied
#else
  int fd_ = -1;      // the file read (for a stream: the copy)
  int source_ = -1;  // a stream still being copied
#endif
  bool owns_file_ = true;    // false for standard input read in place
  bool owns_source_ = true;  // false for standard input
  std::uint64_t base_ = 0;   // where reading starts: standard input may be a file read part-way
  std::string name_;
  file_identity identity_;
  bool copied_ = false;
  mutable std::uint64_t copied_bytes_ = 0;  // of a stream, so far
  mutable bool source_ended_ = false;
  mutable std::vector<char> chunk_;  // for copying, allocated at the first copy
  std::string copy_name_;            // the temporary folder, for messages
};

}  // namespace etwcat
