// Tests for lib/base/input_file.h: reads by offset match the file's bytes, the OS's words for
// files that cannot be opened, streams copied so that they read like files (#9, items 8 and
// 10), and which names denote one file (#9, items 1 and 4).
#include "lib/base/input_file.h"

#include <doctest/doctest.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "lib/base/os_error.h"
#include "tests/support/corpus.h"
#include "tests/support/etl_builder.h"

#ifndef _WIN32
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

using etwcat::file_identity;
using etwcat::identify;
using etwcat::input_file;
using etwcat::testing::corpus_file;
using etwcat::testing::read_file_bytes;

namespace {

// Every byte of `file`, read 1,000 bytes at a time by offset.
std::vector<std::byte> read_all(const input_file& file) {
  std::vector<std::byte> out;
  char chunk[1000];
  for (std::uint64_t at = 0;; at += sizeof chunk) {
    auto got = file.read_at(at, chunk);
    REQUIRE(got.ok());
    for (std::size_t i = 0; i < got.value(); ++i) out.push_back(static_cast<std::byte>(chunk[i]));
    if (got.value() < sizeof chunk) break;
  }
  return out;
}

std::filesystem::path fresh_path(const char* stem) {
  static int counter = 0;
  return std::filesystem::temp_directory_path() /
         (std::string("etwcat-test-") + stem + "-" + std::to_string(++counter) + "-" +
          std::to_string(std::filesystem::file_time_type::clock::now().time_since_epoch().count()));
}

}  // namespace

TEST_SUITE("corpus") {
  TEST_CASE("input_file: reads a capture by offset exactly as its bytes are") {
    ETWCAT_REQUIRE_CORPUS();
    const auto path = corpus_file("tx/WsRm01.etl");
    const auto expected = read_file_bytes(path);
    REQUIRE(expected.size() == 57344);
    auto file = input_file::open(path);
    REQUIRE(file.ok());
    CHECK_FALSE(file.value()->copied());
    CHECK(read_all(*file.value()) == expected);
    // A read across the end gives what is there; one past it gives nothing.
    char tail[100];
    CHECK(file.value()->read_at(expected.size() - 30, tail).value() == 30);
    CHECK(std::memcmp(tail, expected.data() + expected.size() - 30, 30) == 0);
    CHECK(file.value()->read_at(expected.size() + 5, tail).value() == 0);
  }

  TEST_CASE("identify: a hard link and a symlink name the same file, a copy does not") {
    ETWCAT_REQUIRE_CORPUS();
    const auto original = fresh_path("original");
    const auto copy = fresh_path("copy");
    const auto hard = fresh_path("hard");
    const auto soft = fresh_path("soft");
    std::filesystem::copy_file(corpus_file("tx/WsRm01.etl"), original);
    std::filesystem::copy_file(original, copy);
    std::error_code hard_ec, soft_ec;
    std::filesystem::create_hard_link(original, hard, hard_ec);
    std::filesystem::create_symlink(original, soft, soft_ec);
    const auto id = identify(original);
    REQUIRE(id.has_value());
    CHECK(identify(copy) != id);
    if (!hard_ec) CHECK(identify(hard) == id);
    if (!soft_ec) CHECK(identify(soft) == id);
    auto opened = input_file::open(soft_ec ? original : soft);
    REQUIRE(opened.ok());
    CHECK(opened.value()->identity() == *id);
    CHECK_FALSE(identify(fresh_path("missing")).has_value());
    for (const auto& p : {original, copy, hard, soft}) std::filesystem::remove(p, hard_ec);
  }
}

TEST_CASE("input_file: #9 a missing file fails with the OS's own reason, and no offset") {
  auto file = input_file::open(fresh_path("missing"));
  REQUIRE_FALSE(file.ok());
#ifdef _WIN32
  CHECK_FALSE(file.failure().message.empty());  // Windows' words, e.g. "The system cannot find…"
#else
  CHECK(file.failure().message == "No such file or directory");
#endif
  CHECK(file.failure().message.find("offset") == std::string::npos);
}

TEST_CASE("input_file: #9 a folder fails with \"Is a directory\"") {
  auto file = input_file::open(std::filesystem::temp_directory_path());
  REQUIRE_FALSE(file.ok());
  CHECK(file.failure().message == "Is a directory");
}

#ifndef _WIN32
TEST_SUITE("corpus") {
  TEST_CASE("input_file: #9 a FIFO is copied and then reads exactly like the file") {
    ETWCAT_REQUIRE_CORPUS();
    const auto expected = read_file_bytes(corpus_file("perfview/net.4.5.2.x64.etl"));
    REQUIRE(expected.size() == 4879401);
    const auto fifo = fresh_path("fifo");
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    // The writer feeds the FIFO in pieces, as a pipe delivers a stream.
    std::thread writer([&] {
      const int fd = ::open(fifo.c_str(), O_WRONLY);
      for (std::size_t at = 0; fd >= 0 && at < expected.size();) {
        const ssize_t n =
            write(fd, expected.data() + at, std::min<std::size_t>(65000, expected.size() - at));
        if (n <= 0) break;
        at += static_cast<std::size_t>(n);
      }
      if (fd >= 0) close(fd);
    });
    auto file = input_file::open(fifo);
    std::vector<std::byte> got;
    if (file.ok()) got = read_all(*file.value());  // the copy grows as this reads
    writer.join();
    std::filesystem::remove(fifo);
    REQUIRE(file.ok());
    CHECK(file.value()->copied());
    CHECK(got == expected);
  }
}

TEST_CASE("input_file: standard input redirected from a file reads from where it stands") {
  const auto path = fresh_path("stdin");
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fputs("skipped:the rest", f);
    std::fclose(f);
  }
  // Put the file on descriptor 0 for the duration of the test, 8 bytes read already.
  const int saved = dup(STDIN_FILENO);
  const int fd = ::open(path.c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  REQUIRE(lseek(fd, 8, SEEK_SET) == 8);
  dup2(fd, STDIN_FILENO);
  close(fd);
  auto file = input_file::open("-");
  char text[32] = {};
  std::size_t got = 0;
  if (file.ok()) got = file.value()->read_at(0, text).value();
  dup2(saved, STDIN_FILENO);
  close(saved);
  std::filesystem::remove(path);
  REQUIRE(file.ok());
  CHECK(file.value()->name() == "(standard input)");
  CHECK(std::string(text, got) == "the rest");
}

TEST_CASE("input_file: #9 standard input that is a terminal is refused, not waited on") {
  const int master = posix_openpt(O_RDWR | O_NOCTTY);
  REQUIRE(master >= 0);
  REQUIRE(grantpt(master) == 0);
  REQUIRE(unlockpt(master) == 0);
  const int terminal = ::open(ptsname(master), O_RDWR | O_NOCTTY);
  REQUIRE(terminal >= 0);
  const int saved = dup(STDIN_FILENO);
  dup2(terminal, STDIN_FILENO);
  auto file = input_file::open("-");
  dup2(saved, STDIN_FILENO);
  close(saved);
  close(terminal);
  close(master);
  REQUIRE_FALSE(file.ok());
  CHECK(file.failure().message ==
        "standard input is a terminal; give a trace through a pipe or a redirection "
        "(< trace.etl)");
}
#endif
