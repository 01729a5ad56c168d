// output_file: `-o FILE` written so that FILE is only ever replaced by a complete output. The
// text goes to a temporary file; commit() then renames it over FILE, or — where a rename would
// lose something (FILE has several hard links, an owner we cannot give the new file, sits on a
// bind mount, or its folder takes no new files) — copies it into FILE in place. A run that
// fails, or is interrupted, leaves FILE as it was. Devices and FIFOs (/dev/null, /dev/full, a
// named pipe, NUL) are written in place: there is nothing to replace.
#pragma once

#include <cstdint>
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
  /// Opens the output. Symbolic links are followed one by one, so the file a link names is the
  /// one written (and created, for a dangling link). Fails, with a message naming the path and
  /// the OS's reason, for a folder, a file we may not write (as the shell's `>` would), a loop
  /// of links, or when no temporary file can be made anywhere.
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
  /// True when the output goes to a temporary file first (false for a device or FIFO).
  bool replaces() const noexcept { return !temporary_.empty(); }

  /// Flushes the stream to the disk and closes it (checking both), then replaces FILE. Fails
  /// with "cannot write FILE: <the OS's reason>"; the temporary file is then removed — except
  /// when copying into FILE failed half-way, when it is kept and the message says where.
  [[nodiscard]] result<void> commit();
  /// Closes the stream and removes the temporary file; FILE is left as it was.
  void abandon() noexcept;

  /// For a signal or console-control handler: removes the temporary file of an output still
  /// being written. Async-signal-safe.
  static void remove_temporary_on_signal() noexcept;

 private:
  enum class finish_by : std::uint8_t {
    in_place,   // a device or FIFO, written directly
    rename,     // the temporary file is renamed over FILE
    copy_back,  // the temporary file is copied into FILE, which keeps its inode
  };
  output_file() = default;
  result<void> close_stream();
  result<void> copy_back();

  std::FILE* stream_ = nullptr;
  std::string name_;
  std::filesystem::path target_;     // FILE, after symbolic links
  std::filesystem::path temporary_;  // empty when written in place
  finish_by finish_ = finish_by::in_place;
};

}  // namespace etwcat
