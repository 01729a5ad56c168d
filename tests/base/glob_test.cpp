// Globs: the patterns users type for providers, events and processes.
#include "lib/base/glob.h"

#include <doctest/doctest.h>

#include <string>

using namespace etwcat;

TEST_CASE("glob: globs match the whole text, any case") {
  CHECK(glob_matches("*Kernel-Process", "Microsoft-Windows-Kernel-Process"));
  CHECK_FALSE(glob_matches("*Kernel-Proc", "Microsoft-Windows-Kernel-Process"));
  CHECK(glob_matches("microsoft-windows-*-process", "Microsoft-Windows-Kernel-Process"));
  CHECK(glob_matches("M?crosoft*", "Microsoft-IE"));
  CHECK(glob_matches("*", ""));
  CHECK_FALSE(glob_matches("?", ""));
  CHECK(glob_matches("a*b*c", "aXXbYYc"));
  CHECK_FALSE(glob_matches("a*b*c", "aXXbYY"));
  // Backtracking stays linear in practice: a long near-miss ends quickly.
  CHECK_FALSE(glob_matches("*a*a*a*a*a*b", std::string(200, 'a')));
}

TEST_CASE("glob: is_glob tells patterns from names") {
  CHECK(is_glob("*Kernel*"));
  CHECK(is_glob("a?c"));
  CHECK_FALSE(is_glob("Microsoft-Windows-Kernel-Process"));
}
