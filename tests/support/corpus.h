// Where the real captures are: $ETWCAT_CORPUS, else ../shared/corpus beside
// the source tree. Tests in TEST_SUITE("corpus") skip, with a note, without it.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#ifndef ETWCAT_SOURCE_DIR
#define ETWCAT_SOURCE_DIR "."
#endif

namespace etwcat::testing {

/// The corpus folder, or an empty path when there is none.
inline std::filesystem::path corpus_dir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (const char* env = std::getenv("ETWCAT_CORPUS"); env && *env) {
    fs::path p(env);
    return fs::is_directory(p, ec) ? p : fs::path();
  }
  fs::path p = fs::path(ETWCAT_SOURCE_DIR) / ".." / "shared" / "corpus";
  return fs::is_directory(p, ec) ? p.lexically_normal() : fs::path();
}

/// A file of the corpus, e.g. corpus_file("tx/HTTP_Server.etl"); empty when
/// the corpus is missing (the caller then skips).
inline std::filesystem::path corpus_file(const std::string& relative) {
  auto dir = corpus_dir();
  return dir.empty() ? dir : dir / relative;
}

}  // namespace etwcat::testing

/// Opens a corpus test: skips the rest of the test case, with a message, when
/// no corpus is present (a user's fresh clone still passes).
#define ETWCAT_REQUIRE_CORPUS()                                                \
  do {                                                                         \
    if (etwcat::testing::corpus_dir().empty()) {                               \
      MESSAGE("no corpus ($ETWCAT_CORPUS or ../shared/corpus): test skipped"); \
      return;                                                                  \
    }                                                                          \
  } while (0)
