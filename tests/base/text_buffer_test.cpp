// text_buffer: what the writers rely on — appends in order, growth that keeps the text, room
// taken once and written through a pointer, and nothing done for empty pieces (an empty buffer
// has no memory yet: a memcpy to or from its nullptr would be undefined even for 0 bytes).
#include "lib/base/text_buffer.h"

#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <string_view>

using etwcat::text_buffer;

TEST_CASE("text_buffer: empty pieces on an empty buffer change nothing") {
  text_buffer out;
  CHECK(out.empty());
  out.append(std::string_view());
  out.append("", 0);
  out += std::string_view();
  CHECK(out.empty());
  CHECK(out.view().empty());
  CHECK(out.str().empty());
  out.truncate(0);
  out.erase(0, 0);
  CHECK(out.size() == 0);
}

TEST_CASE("text_buffer: appends keep their order across growth, and the text survives it") {
  text_buffer out;
  std::string want;
  for (int i = 0; i < 5000; ++i) {
    const std::string piece = std::to_string(i) + (i % 7 == 0 ? "\n" : ",");
    out += piece;
    out.push_back('.');
    want += piece + ".";
  }
  CHECK(out.size() == want.size());
  CHECK(out.view() == want);
  CHECK(out.capacity() >= out.size());
  CHECK(out.back() == '.');
  out.pop_back();
  CHECK(out.view() == std::string_view(want).substr(0, want.size() - 1));
}

TEST_CASE("text_buffer: room taken once, written through a pointer, then ended where written") {
  text_buffer out;
  out += "ab";
  char* p = out.reserve_back(100);
  CHECK(out.capacity() - out.size() >= 100);
  std::memcpy(p, "cdef", 4);
  out.advance_to(p + 4);
  CHECK(out.view() == "abcdef");
  char* q = out.extend(3);
  std::memcpy(q, "xyz", 3);
  CHECK(out.view() == "abcdefxyz");
  out.erase(1, 2);  // "bc"
  CHECK(out.view() == "adefxyz");
  out.truncate(3);
  CHECK(out.view() == "ade");
  text_buffer moved = std::move(out);
  CHECK(moved.view() == "ade");
  out.clear();
  CHECK(out.empty());
}
