// Tests for lib/base/output_file.h (#9, items 1 and 2): the target is replaced only by commit(),
// a failed or abandoned output leaves it as it was and no temporary file behind, links and
// permissions survive, devices are written in place and their errors reported.
#include "lib/base/output_file.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/scratch.h"

#ifndef _WIN32
#include <sys/stat.h>
#include <unistd.h>
#endif

using etwcat::output_file;

namespace {

using etwcat::testing::scratch_folder;

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("output_file: #9 the target keeps its old content until commit() replaces it") {
  scratch_folder dir;
  const auto target = dir.path() / "out.jsonl";
  write_text(target, "old\n");
  auto out = output_file::create(target);
  REQUIRE(out.ok());
  CHECK(out.value().replaces());
  std::fputs("new\n", out.value().stream());
  std::fflush(out.value().stream());
  CHECK(read_text(target) == "old\n");
  CHECK(dir.names().size() == 2);  // the target and the temporary file beside it
  REQUIRE(out.value().commit().ok());
  CHECK(read_text(target) == "new\n");
  CHECK(dir.names() == std::vector<std::string>{"out.jsonl"});
}

TEST_CASE("output_file: #9 an abandoned output leaves the target as it was, and nothing else") {
  scratch_folder dir;
  const auto target = dir.path() / "out.jsonl";
  write_text(target, "old\n");
  SUBCASE("abandon()") {
    auto out = output_file::create(target);
    REQUIRE(out.ok());
    std::fputs("half of it", out.value().stream());
    out.value().abandon();
  }
  SUBCASE("destroyed without commit()") {
    auto out = output_file::create(target);
    REQUIRE(out.ok());
    std::fputs("half of it", out.value().stream());
  }
  CHECK(read_text(target) == "old\n");
  CHECK(dir.names() == std::vector<std::string>{"out.jsonl"});
}

TEST_CASE("output_file: #9 a new target is created only by commit()") {
  scratch_folder dir;
  const auto target = dir.path() / "new.txt";
  {
    auto out = output_file::create(target);
    REQUIRE(out.ok());
    std::fputs("x", out.value().stream());
  }
  CHECK_FALSE(std::filesystem::exists(target));
  auto out = output_file::create(target);
  REQUIRE(out.ok());
  std::fputs("x", out.value().stream());
  REQUIRE(out.value().commit().ok());
  CHECK(read_text(target) == "x");
}

TEST_CASE("output_file: #9 a folder is refused with the OS's reason") {
  scratch_folder dir;
  auto out = output_file::create(dir.path());
  REQUIRE_FALSE(out.ok());
  CHECK(out.failure().message.ends_with(": Is a directory"));
  CHECK(out.failure().message.starts_with("cannot write "));
}

#ifndef _WIN32
TEST_CASE("output_file: #9 a symlink stays a symlink, the file it points to is replaced") {
  scratch_folder dir;
  const auto target = dir.path() / "real.jsonl";
  const auto link = dir.path() / "link.jsonl";
  write_text(target, "old\n");
  std::filesystem::create_symlink(target, link);
  auto out = output_file::create(link);
  REQUIRE(out.ok());
  std::fputs("new\n", out.value().stream());
  REQUIRE(out.value().commit().ok());
  CHECK(std::filesystem::is_symlink(link));
  CHECK(read_text(target) == "new\n");
}

TEST_CASE("output_file: #9 a dangling symlink creates the file it names, a loop is an error") {
  scratch_folder dir;
  const auto link = dir.path() / "link.jsonl";
  std::filesystem::create_symlink("made.jsonl", link);
  auto out = output_file::create(link);
  REQUIRE(out.ok());
  std::fputs("new\n", out.value().stream());
  REQUIRE(out.value().commit().ok());
  CHECK(std::filesystem::is_symlink(link));
  CHECK(read_text(dir.path() / "made.jsonl") == "new\n");

  std::filesystem::create_symlink("loop2", dir.path() / "loop1");
  std::filesystem::create_symlink("loop1", dir.path() / "loop2");
  auto loop = output_file::create(dir.path() / "loop1");
  REQUIRE_FALSE(loop.ok());
  CHECK(loop.failure().message.ends_with(": Too many levels of symbolic links"));
  CHECK(std::filesystem::is_symlink(dir.path() / "loop1"));
}

TEST_CASE(
    "output_file: #9 a file with several hard links is rewritten in place: all names see it") {
  scratch_folder dir;
  const auto target = dir.path() / "out.jsonl";
  const auto other = dir.path() / "other.jsonl";
  write_text(target, "old\n");
  std::filesystem::create_hard_link(target, other);
  auto out = output_file::create(target);
  REQUIRE(out.ok());
  std::fputs("new\n", out.value().stream());
  std::fflush(out.value().stream());
  CHECK(read_text(target) == "old\n");  // untouched until commit()
  REQUIRE(out.value().commit().ok());
  CHECK(read_text(target) == "new\n");
  CHECK(read_text(other) == "new\n");
  CHECK(std::filesystem::hard_link_count(target) == 2);
  CHECK(dir.names() == std::vector<std::string>{"other.jsonl", "out.jsonl"});
}

TEST_CASE("output_file: #9 a file we may not write is refused, as the shell refuses it") {
  if (geteuid() == 0) {
    MESSAGE("running as root, who may write any file: test skipped");
    return;
  }
  scratch_folder dir;
  const auto target = dir.path() / "read-only.jsonl";
  write_text(target, "old\n");
  chmod(target.c_str(), 0444);
  auto out = output_file::create(target);
  REQUIRE_FALSE(out.ok());
  CHECK(out.failure().message == "cannot write " + target.string() + ": Permission denied");
  CHECK(read_text(target) == "old\n");
}

TEST_CASE("output_file: #9 the target's permissions are kept") {
  scratch_folder dir;
  const auto target = dir.path() / "out.jsonl";
  write_text(target, "old\n");
  chmod(target.c_str(), 0640);
  auto out = output_file::create(target);
  REQUIRE(out.ok());
  REQUIRE(out.value().commit().ok());
  struct stat st {};
  REQUIRE(stat(target.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0640);
}

TEST_CASE("output_file: #9 a full device is written in place and its error reported") {
  if (!std::filesystem::exists("/dev/full")) {
    MESSAGE("no /dev/full: test skipped");
    return;
  }
  auto out = output_file::create("/dev/full");
  REQUIRE(out.ok());
  CHECK_FALSE(out.value().replaces());
  std::fputs("one event\n", out.value().stream());
  auto done = out.value().commit();
  REQUIRE_FALSE(done.ok());
  CHECK(done.failure().message == "cannot write /dev/full: No space left on device");
  CHECK(std::filesystem::is_character_file("/dev/full"));
}
#endif
