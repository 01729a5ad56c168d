// The temporary file goes beside FILE (same file system: the rename is atomic), else in the
// temporary folder (then it is copied back). POSIX: mkstemp, fchmod/fchown to FILE's, fsync,
// rename. Windows: CreateFileW(CREATE_NEW, FILE_SHARE_DELETE so that a Ctrl-C handler can
// delete it), FlushFileBuffers, MoveFileExW.
#include "lib/base/output_file.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <vector>

#include "lib/base/os_error.h"
#include "lib/base/path_text.h"

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#include <windows.h>
#else
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace etwcat {
namespace {

// The temporary file being written, for remove_temporary_on_signal(): a fixed buffer, since a
// signal handler may not allocate. Written only while pending_set is 0.
std::filesystem::path::value_type pending_temporary[4096];
volatile std::sig_atomic_t pending_set = 0;

void remember_pending(const std::filesystem::path& path) {
  const auto& text = path.native();
  pending_set = 0;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  if (text.size() >= std::size(pending_temporary)) return;  // too long to remember
  std::memcpy(pending_temporary, text.c_str(), (text.size() + 1) * sizeof text[0]);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  pending_set = 1;
}

void forget_pending() noexcept {
  pending_set = 0;
  std::atomic_signal_fence(std::memory_order_seq_cst);
}

void remove_file(const std::filesystem::path& path) noexcept {
  std::error_code ec;
  std::filesystem::remove(path, ec);
}

// ".NAME.etwcat-": the temporary file is hidden, and says whose it is; a long NAME is left out
// so that the temporary's name stays within the file system's limit.
std::filesystem::path::string_type temporary_prefix(const std::filesystem::path& target) {
  const auto name = target.filename().native();
  std::filesystem::path::string_type prefix;
  prefix += '.';
  if (name.size() <= 200) {
    prefix += name;
    prefix += '.';
  }
  for (char c : std::string_view("etwcat-")) prefix += static_cast<decltype(prefix)::value_type>(c);
  return prefix;
}

std::filesystem::path temporary_folder() {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
  return ec ? std::filesystem::path(".") : dir;
}

}  // namespace

output_file::output_file(output_file&& other) noexcept
    : stream_(other.stream_),
      name_(std::move(other.name_)),
      target_(std::move(other.target_)),
      temporary_(std::move(other.temporary_)),
      finish_(other.finish_) {
  other.stream_ = nullptr;
  other.temporary_.clear();
}

output_file& output_file::operator=(output_file&& other) noexcept {
  if (this != &other) {
    abandon();
    stream_ = other.stream_;
    name_ = std::move(other.name_);
    target_ = std::move(other.target_);
    temporary_ = std::move(other.temporary_);
    finish_ = other.finish_;
    other.stream_ = nullptr;
    other.temporary_.clear();
  }
  return *this;
}

void output_file::abandon() noexcept {
  if (stream_ != nullptr) {
    std::fclose(stream_);
    stream_ = nullptr;
  }
  if (!temporary_.empty()) {
    forget_pending();
    remove_file(temporary_);
    temporary_.clear();
  }
}

void output_file::remove_temporary_on_signal() noexcept {
  if (!pending_set) return;
#ifdef _WIN32
  DeleteFileW(pending_temporary);  // the file was opened with FILE_SHARE_DELETE
#else
  unlink(pending_temporary);
#endif
}

// Flushes the stream, to the disk too when it replaces FILE (after a crash, FILE is then the
// old one or the new one), and closes it; every step checked. On failure nothing is replaced.
result<void> output_file::close_stream() {
  int failure = 0;
  if (std::fflush(stream_) != 0) failure = errno;
  if (failure == 0 && std::ferror(stream_)) failure = EIO;
  if (failure == 0 && finish_ != finish_by::in_place) {
#ifdef _WIN32
    if (!FlushFileBuffers(reinterpret_cast<HANDLE>(_get_osfhandle(_fileno(stream_))))) {
      failure = EIO;
    }
#else
    if (fsync(fileno(stream_)) != 0) failure = errno;
#endif
  }
  if (std::fclose(stream_) != 0 && failure == 0) failure = errno;
  stream_ = nullptr;
  if (failure == 0) return {};
  abandon();
  return error{"cannot write " + name_ + ": " + errno_text(failure)};
}

// Copies the finished temporary file into FILE (truncating it only now), so that FILE keeps its
// inode: its hard links, owner, permissions and mount stay. On failure the temporary is kept.
result<void> output_file::copy_back() {
  auto fail = [this](const std::string& reason) -> result<void> {
    forget_pending();
    const std::string kept = path_to_utf8(temporary_);
    temporary_.clear();  // kept on purpose: FILE may be incomplete now
    return error{"cannot write " + name_ + ": " + reason + "; the whole output is in " + kept};
  };
#ifdef _WIN32
  std::FILE* in = _wfopen(temporary_.c_str(), L"rb");
  std::FILE* out = in ? _wfopen(target_.c_str(), L"wb") : nullptr;
#else
  std::FILE* in = std::fopen(temporary_.c_str(), "rb");
  std::FILE* out = in ? std::fopen(target_.c_str(), "wb") : nullptr;
#endif
  if (out == nullptr) {
    const std::string reason = errno_text(errno);
    if (in) std::fclose(in);
    return fail(reason);
  }
  std::vector<char> buffer(std::size_t{1} << 20);
  int failure = 0;
  for (;;) {
    const std::size_t got = std::fread(buffer.data(), 1, buffer.size(), in);
    if (got == 0) {
      if (std::ferror(in)) failure = errno != 0 ? errno : EIO;
      break;
    }
    if (std::fwrite(buffer.data(), 1, got, out) != got) {
      failure = errno != 0 ? errno : EIO;
      break;
    }
  }
  if (failure == 0 && std::fflush(out) != 0) failure = errno;
#ifndef _WIN32
  if (failure == 0 && fsync(fileno(out)) != 0 && errno != EINVAL) failure = errno;
#endif
  if (std::fclose(out) != 0 && failure == 0) failure = errno;
  std::fclose(in);
  if (failure != 0) return fail(errno_text(failure));
  forget_pending();
  remove_file(temporary_);
  temporary_.clear();
  return {};
}

#ifdef _WIN32

result<output_file> output_file::create(const std::filesystem::path& path) {
  output_file out;
  out.name_ = path_to_utf8(path);
  out.target_ = path;
  auto fail = [&out](const std::string& reason) {
    return error{"cannot write " + out.name_ + ": " + reason};
  };
  const DWORD attributes = GetFileAttributesW(path.c_str());
  const bool exists = attributes != INVALID_FILE_ATTRIBUTES;
  if (exists && (attributes & FILE_ATTRIBUTE_DIRECTORY)) return fail(errno_text(EISDIR));
  // A device (NUL, CON, a pipe) is written in place; so is what only opens as one.
  HANDLE probe =
      CreateFileW(path.c_str(), 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                  OPEN_EXISTING, 0, nullptr);
  if (probe != INVALID_HANDLE_VALUE) {
    const DWORD type = GetFileType(probe);
    BY_HANDLE_FILE_INFORMATION info{};
    const bool linked = GetFileInformationByHandle(probe, &info) && info.nNumberOfLinks > 1;
    CloseHandle(probe);
    if (type != FILE_TYPE_DISK) {
      out.stream_ = _wfopen(path.c_str(), L"wb");
      if (out.stream_ == nullptr) return fail(errno_text(errno));
      return out;
    }
    if (linked) out.finish_ = finish_by::copy_back;
  }
  if (exists && (attributes & FILE_ATTRIBUTE_READONLY)) {
    SetLastError(ERROR_ACCESS_DENIED);
    return fail(last_os_error());
  }
  // The temporary file: beside FILE, else in the temporary folder (then copied back).
  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  static unsigned counter = 0;
  auto make = [&](const std::filesystem::path& folder, const std::wstring& prefix) -> HANDLE {
    for (int attempt = 0; attempt < 100; ++attempt) {
      const std::filesystem::path name = folder / (prefix + std::to_wstring(GetCurrentProcessId()) +
                                                   L"-" + std::to_wstring(++counter) + L".tmp");
      HANDLE h = CreateFileW(name.c_str(), GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_DELETE,
                             nullptr, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, nullptr);
      if (h != INVALID_HANDLE_VALUE) {
        out.temporary_ = name;
        return h;
      }
      if (GetLastError() != ERROR_FILE_EXISTS) return INVALID_HANDLE_VALUE;
    }
    return INVALID_HANDLE_VALUE;
  };
  HANDLE h = make(dir, temporary_prefix(path));
  if (h == INVALID_HANDLE_VALUE && (!exists || GetLastError() != ERROR_ACCESS_DENIED)) {
    return fail(last_os_error());
  }
  if (h == INVALID_HANDLE_VALUE) {
    const std::string beside = last_os_error();
    const std::filesystem::path elsewhere = temporary_folder();
    h = make(elsewhere, L"etwcat-output-");
    if (h == INVALID_HANDLE_VALUE) {
      return fail("no temporary file can be made in " + path_to_utf8(dir) + " (" + beside +
                  ") nor in " + path_to_utf8(elsewhere) + " (" + last_os_error() + ")");
    }
    out.finish_ = finish_by::copy_back;
  } else if (out.finish_ != finish_by::copy_back) {
    out.finish_ = finish_by::rename;
  }
  remember_pending(out.temporary_);
  const int fd = _open_osfhandle(reinterpret_cast<intptr_t>(h), _O_WRONLY | _O_BINARY);
  out.stream_ = fd >= 0 ? _fdopen(fd, "wb") : nullptr;
  if (out.stream_ == nullptr) {
    const std::string reason = errno_text(errno);
    if (fd >= 0) {
      _close(fd);
    } else {
      CloseHandle(h);
    }
    out.abandon();
    return fail(reason);
  }
  return out;
}

result<void> output_file::commit() {
  if (stream_ == nullptr) return {};
  if (auto closed = close_stream(); !closed) return closed;
  if (finish_ == finish_by::in_place) return {};
  if (finish_ == finish_by::rename) {
    if (MoveFileExW(temporary_.c_str(), target_.c_str(),
                    MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
      forget_pending();
      temporary_.clear();
      return {};
    }
    const DWORD code = GetLastError();
    if (code != ERROR_ACCESS_DENIED && code != ERROR_SHARING_VIOLATION &&
        code != ERROR_NOT_SAME_DEVICE) {
      const std::string reason = last_os_error();
      abandon();
      return error{"cannot replace " + name_ + ": " + reason};
    }
  }
  return copy_back();
}

#else  // POSIX

namespace {

// Follows symbolic links one at a time (as open() would, up to 40), so that a dangling link
// yields the name it points to and a loop is an error, not a file written over the link.
result<std::filesystem::path> follow_links(std::filesystem::path path) {
  for (int hops = 0; hops < 40; ++hops) {
    std::error_code ec;
    if (!std::filesystem::is_symlink(std::filesystem::symlink_status(path, ec))) return path;
    std::filesystem::path next = std::filesystem::read_symlink(path, ec);
    if (ec) return error{ec.message()};
    path = next.is_absolute() ? next : path.parent_path() / next;
  }
  return error{errno_text(ELOOP)};
}

int make_temporary(const std::filesystem::path& dir, const std::string& prefix,
                   std::filesystem::path& made) {
  std::string pattern = (dir / (prefix + "XXXXXX")).string();
  const int fd = mkstemp(pattern.data());
  if (fd >= 0) made = pattern;
  return fd;
}

}  // namespace

result<output_file> output_file::create(const std::filesystem::path& path) {
  output_file out;
  out.name_ = path_to_utf8(path);
  auto fail = [&out](const std::string& reason) {
    return error{"cannot write " + out.name_ + ": " + reason};
  };
  // A descriptor's name (/dev/stdout, /dev/fd/3, /proc/self/fd/3) is written as the
  // descriptor is, not by replacing the file behind it.
  const std::string& text = path.native();
  if (text.starts_with("/dev/fd/") || text.starts_with("/dev/std") || text.starts_with("/proc/")) {
    out.stream_ = std::fopen(text.c_str(), "wb");
    if (out.stream_ == nullptr) return fail(errno_text(errno));
    return out;
  }
  auto followed = follow_links(path);
  if (!followed) return fail(followed.failure().message);
  out.target_ = std::move(followed.value());

  struct stat st {};
  const bool exists = stat(out.target_.c_str(), &st) == 0;
  if (!exists && errno != ENOENT) return fail(errno_text(errno));
  if (exists && S_ISDIR(st.st_mode)) return fail(errno_text(EISDIR));
  if (exists && !S_ISREG(st.st_mode)) {  // a device, FIFO or socket: written in place
    out.stream_ = std::fopen(out.target_.c_str(), "wb");
    if (out.stream_ == nullptr) return fail(errno_text(errno));
    return out;
  }
  // A file we may not write is refused, as the shell's `>` refuses it.
  if (exists && access(out.target_.c_str(), W_OK) != 0) return fail(errno_text(errno));

  // The temporary file: beside FILE, else in the temporary folder (then copied back).
  std::filesystem::path dir = out.target_.parent_path();
  if (dir.empty()) dir = ".";
  out.finish_ = finish_by::rename;
  int fd = make_temporary(dir, temporary_prefix(out.target_), out.temporary_);
  // A folder that takes no new file (but whose FILE we may write) makes us copy back; a folder
  // that is not there, or a FILE that could not be created either, is the error.
  if (fd < 0 &&
      (!exists || (errno != EACCES && errno != EPERM && errno != EROFS && errno != ENAMETOOLONG))) {
    return fail(errno_text(errno));
  }
  if (fd < 0) {
    const std::string beside = errno_text(errno);
    const std::filesystem::path elsewhere = temporary_folder();
    fd = make_temporary(elsewhere, "etwcat-output-", out.temporary_);
    if (fd < 0) {
      return fail("no temporary file can be made in " + path_to_utf8(dir) + " (" + beside +
                  ") nor in " + path_to_utf8(elsewhere) + " (" + errno_text(errno) + ")");
    }
    out.finish_ = finish_by::copy_back;
  }
  remember_pending(out.temporary_);
  // mkstemp makes the file 0600: give it FILE's permissions and owner, or a new file's.
  if (exists) {
    (void)fchmod(fd, st.st_mode & 07777);
    // A rename would split FILE's hard links, or leave it owned by us: copy back instead.
    if (st.st_nlink > 1) out.finish_ = finish_by::copy_back;
    if ((st.st_uid != geteuid() || st.st_gid != getegid()) &&
        fchown(fd, st.st_uid, st.st_gid) != 0) {
      out.finish_ = finish_by::copy_back;
    }
  } else {
    const mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
  }
  out.stream_ = fdopen(fd, "wb");
  if (out.stream_ == nullptr) {
    const std::string reason = errno_text(errno);
    close(fd);
    out.abandon();
    return fail(reason);
  }
  return out;
}

result<void> output_file::commit() {
  if (stream_ == nullptr) return {};
  if (auto closed = close_stream(); !closed) return closed;
  if (finish_ == finish_by::in_place) return {};
  if (finish_ == finish_by::rename) {
    if (std::rename(temporary_.c_str(), target_.c_str()) == 0) {
      forget_pending();
      temporary_.clear();
      return {};
    }
    // FILE's folder or mount may refuse a rename (a sticky folder, a bind-mounted file, a
    // file system boundary) where writing FILE itself is allowed.
    if (errno != EXDEV && errno != EBUSY && errno != EPERM && errno != EACCES && errno != ETXTBSY) {
      const std::string reason = errno_text(errno);
      abandon();
      return error{"cannot replace " + name_ + ": " + reason};
    }
  }
  return copy_back();
}

#endif

}  // namespace etwcat
