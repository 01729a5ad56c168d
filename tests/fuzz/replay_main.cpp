// The replay program: runs a fuzz target's LLVMFuzzerTestOneInput on saved inputs, so that the
// inputs fuzzing found (and the seeds) run in the normal test suite, with any compiler and no
// fuzzing runtime. Arguments are files, or folders whose files are run in name order.
//
//   etwcat_fuzz_dump tests/fuzz/regressions/dump trace.etl
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

bool replay(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "replay: cannot read %s\n", file.string().c_str());
    return false;
  }
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
  // An exact-size heap copy, so that a read one past the end is caught under ASan.
  std::vector<std::uint8_t> input(bytes.begin(), bytes.end());
  input.shrink_to_fit();
  LLVMFuzzerTestOneInput(input.empty() ? nullptr : input.data(), input.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t replayed = 0;
  bool ok = true;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path arg = argv[i];
    std::error_code ec;
    if (std::filesystem::is_directory(arg, ec)) {
      std::vector<std::filesystem::path> files;
      for (const auto& entry : std::filesystem::directory_iterator(arg, ec)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
      if (ec) {
        std::fprintf(stderr, "replay: cannot list %s: %s\n", arg.string().c_str(),
                     ec.message().c_str());
        ok = false;
      }
      std::sort(files.begin(), files.end());
      for (const auto& f : files) replayed += replay(f) ? 1 : (ok = false, 0);
    } else {
      replayed += replay(arg) ? 1 : (ok = false, 0);
    }
  }
  std::printf("replayed %zu inputs\n", replayed);
  // No input at all is a mistake in the test's arguments, not a pass.
  return ok && replayed > 0 ? 0 : 1;
}
