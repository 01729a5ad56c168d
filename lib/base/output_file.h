// output_file: `-o FILE` written so that FILE is only ever replaced by a complete output: the
// text goes to a temporary file beside FILE, which commit() renames over it. A run that fails,
// or is killed, leaves FILE as it was. Devices and FIFOs (/dev/null, /dev/full, a named pipe)
// are written in place: renaming over them would replace the device node itself.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>

#include "lib/base/result.h"

namespace etwcat {

///   auto out = output_file::create("events.jsonl");
///   if (!out) { /* out.failure().message: "cannot write events.jsonl: Permission denied" */ }
///   std::fputs("...", out.value().stream());
///   auto done = out.value().commit();  // or let it go out of scope: FILE stays untouched
class output_file {
 public:
  /// Opens the temporary file in FILE's folder (after symlinks), with the permissions FILE has,
  /// or would get if created now. Fails, with a message naming the path and the OS's reason,
  /// for a folder, or when no file can be created there.
  [[nodiscard]] static result<output_file> create(const std::filesystem::path& path);

  output_file(output_file&& other) noexcept;
  output_file& operator=(output_file&& other) noexcept;
  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;
  ~output_file() { abandon(); }

  /// Where to write, until commit() or abandon().
  std::FILE* stream() const noexcept { return stream_; }
  /// The path as given, for messages.
  const std::string& name() const noexcept { return name_; }
  /// True when the output goes to a temporary file that commit() renames.
  bool replaces() const noexcept { return !temporary_.empty(); }

  /// Flushes and closes the stream (checking both) and renames the temporary file over FILE.
  /// Fails with "cannot write FILE: <the OS's reason>"; the temporary file is then removed.
  [[nodiscard]] result<void> commit();
  /// Closes the stream and removes the temporary file; FILE is left as it was.
  void abandon() noexcept;

  /// For a signal handler: removes the temporary file of an output still being written.
  /// Async-signal-safe on POSIX; does nothing on Windows (the open file cannot be deleted).
  static void remove_temporary_on_signal() noexcept;

 private:
  output_file() = default;

  std::FILE* stream_ = nullptr;
  std::string name_;
  std::filesystem::path target_;     // FILE, after symlinks
  std::filesystem::path temporary_;  // empty when written in place
};

}  // namespace etwcat
