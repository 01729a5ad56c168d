// Scratch space for tests that run commands in-process: a fresh folder removed afterwards, and
// standard error captured into a string (the commands report there, as the CLI does).
#pragma once

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#ifdef _WIN32
#include <io.h>
#define ETWCAT_DUP _dup
#define ETWCAT_DUP2 _dup2
#define ETWCAT_CLOSE _close
#define ETWCAT_FILENO _fileno
#else
#include <unistd.h>
#define ETWCAT_DUP dup
#define ETWCAT_DUP2 dup2
#define ETWCAT_CLOSE close
#define ETWCAT_FILENO fileno
#endif

namespace etwcat::testing {

/// A fresh empty folder, removed with everything in it at the end of the test.
class scratch_folder {
 public:
  scratch_folder() {
    static int counter = 0;
    path_ =
        std::filesystem::temp_directory_path() /
        ("etwcat-test-" + std::to_string(++counter) + "-" +
         std::to_string(std::filesystem::file_time_type::clock::now().time_since_epoch().count()));
    std::filesystem::create_directories(path_);
  }
  ~scratch_folder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  scratch_folder(const scratch_folder&) = delete;
  scratch_folder& operator=(const scratch_folder&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // The names in the folder, sorted.
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& entry : std::filesystem::directory_iterator(path_)) {
      out.push_back(entry.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  std::filesystem::path path_;
};

/// The text of a file ("" when it cannot be read).
inline std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The lines of a text (without their '\n').
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = text.find('\n', at);
    lines.push_back(text.substr(at, end - at));
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return lines;
}

/// While it lives, what is written to `stream` (stdout, stderr) goes to a file; text() reads
/// what arrived so far.
class captured_stream {
 public:
  explicit captured_stream(std::FILE* stream) : stream_(stream) {
    std::fflush(stream_);
    file_ = folder_.path() / "captured.txt";
    saved_ = ETWCAT_DUP(ETWCAT_FILENO(stream_));
    if (std::FILE* f = std::fopen(file_.string().c_str(), "wb")) {
      ETWCAT_DUP2(ETWCAT_FILENO(f), ETWCAT_FILENO(stream_));
      std::fclose(f);
    }
  }
  ~captured_stream() {
    std::fflush(stream_);
    ETWCAT_DUP2(saved_, ETWCAT_FILENO(stream_));
    ETWCAT_CLOSE(saved_);
  }
  captured_stream(const captured_stream&) = delete;
  captured_stream& operator=(const captured_stream&) = delete;

  std::string text() const {
    std::fflush(stream_);
    return file_text(file_);
  }

 private:
  std::FILE* stream_;
  scratch_folder folder_;
  std::filesystem::path file_;
  int saved_ = -1;
};

/// Standard error, captured.
struct captured_stderr : captured_stream {
  captured_stderr() : captured_stream(stderr) {}
};

/// Standard output, captured.
struct captured_stdout : captured_stream {
  captured_stdout() : captured_stream(stdout) {}
};

}  // namespace etwcat::testing
