// buffer_directory on a real capture's buffers spread over many processors: every buffer but
// buffer 0 is handed out once, to its processor, in file order with its index, and the headers
// are read at most twice in all however many processors there are.
#include "lib/etl/buffer_directory.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <vector>

#include "lib/base/input_file.h"
#include "lib/etl/layout.h"
#include "tests/support/corpus.h"
#include "tests/support/scratch.h"

using namespace etwcat;
using etwcat::etl::buffer_directory;
using etwcat::etl::buffer_place;

namespace {

std::vector<char> read_all(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE(
    "buffer_directory: each buffer once, to its processor, in file order, headers read "
    "twice") {
  ETWCAT_REQUIRE_CORPUS();
  // primitive-types.etl: the header buffer (processor 0), then one data buffer. The data buffer
  // is written 900 times, on processors 1..300 in turn (flag 0x20: the processor is a u16).
  const std::vector<char> capture = read_all(testing::corpus_file("perfview/primitive-types.etl"));
  std::uint32_t header_size = 0;
  std::memcpy(&header_size, capture.data(), 4);
  REQUIRE(header_size < capture.size());
  std::vector<char> file(capture.begin(), capture.begin() + header_size);
  const std::size_t data_size = capture.size() - header_size;
  constexpr std::uint16_t processors = 300;
  constexpr std::size_t copies = 900;
  std::map<std::uint16_t, std::vector<buffer_place>> expected;
  for (std::size_t i = 0; i < copies; ++i) {
    const std::uint16_t processor = static_cast<std::uint16_t>(1 + i % processors);
    expected[processor].push_back({file.size(), i + 1});
    const std::size_t at = file.size();
    file.insert(file.end(), capture.begin() + header_size, capture.end());
    std::memcpy(file.data() + at + 0x28, &processor, 2);
  }
  REQUIRE(file.size() == header_size + copies * data_size);
  testing::scratch_folder folder;
  const auto path = folder.path() / "spread.etl";
  std::ofstream(path, std::ios::binary).write(file.data(), static_cast<long>(file.size()));
  auto opened = input_file::open(path);
  REQUIRE(opened.ok());

  auto directory = buffer_directory::scan(opened.value());
  CHECK(!directory.failure());
  REQUIRE(directory.processors().size() == processors + 1);  // and processor 0, of buffer 0
  CHECK(directory.processors().front() == 0);
  CHECK(directory.processors().back() == processors);
  CHECK(directory.headers_read() == copies + 1);
  // Processor 0 is not served (its reader walks every header itself): none of it is filed.
  for (std::uint16_t p = 1; p <= processors; ++p) directory.serve(p);
  // Taken round-robin, the way a merge of equal times takes them.
  std::map<std::uint16_t, std::vector<buffer_place>> got;
  for (bool any = true; any;) {
    any = false;
    for (std::uint16_t p = processors; p >= 1; --p) {  // backwards: the walk must run ahead
      if (auto place = directory.next(p)) {
        got[p].push_back(*place);
        any = true;
      }
    }
  }
  REQUIRE(got.size() == expected.size());
  for (const auto& [processor, places] : expected) {
    const std::vector<buffer_place>& mine = got[processor];
    REQUIRE(mine.size() == places.size());
    for (std::size_t k = 0; k < places.size(); ++k) {
      CHECK(mine[k].offset == places[k].offset);
      CHECK(mine[k].index == places[k].index);
    }
  }
  CHECK(!directory.next(0));  // its only buffer is buffer 0, never handed out
  CHECK(directory.headers_read() <= 2 * (copies + 1));
}
