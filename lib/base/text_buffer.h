// text_buffer: the growable char buffer the writers append output to. It does what the
// std::string it replaces did for them, faster: appends are inlined with one capacity check
// and no terminating NUL, and a writer that knows an upper bound on what it will write takes
// the room once (reserve_back) and writes through a pointer. It grows by doubling and never
// shrinks, so a reused buffer stops allocating once it has held the largest event.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <string_view>
#include <utility>

namespace etwcat {

class text_buffer {
 public:
  text_buffer() = default;
  explicit text_buffer(std::size_t capacity) { reserve(capacity); }
  text_buffer(text_buffer&& other) noexcept
      : begin_(std::exchange(other.begin_, nullptr)),
        end_(std::exchange(other.end_, nullptr)),
        limit_(std::exchange(other.limit_, nullptr)) {}
  text_buffer& operator=(text_buffer&& other) noexcept {
    std::swap(begin_, other.begin_);
    std::swap(end_, other.end_);
    std::swap(limit_, other.limit_);
    return *this;
  }
  text_buffer(const text_buffer&) = delete;
  text_buffer& operator=(const text_buffer&) = delete;
  ~text_buffer() { std::free(begin_); }

  std::size_t size() const noexcept { return static_cast<std::size_t>(end_ - begin_); }
  std::size_t capacity() const noexcept { return static_cast<std::size_t>(limit_ - begin_); }
  bool empty() const noexcept { return end_ == begin_; }
  char* data() noexcept { return begin_; }
  const char* data() const noexcept { return begin_; }
  std::string_view view() const noexcept { return {begin_, size()}; }
  /// A copy, for tests and messages.
  std::string str() const { return std::string(view()); }
  char& operator[](std::size_t i) noexcept { return begin_[i]; }
  char operator[](std::size_t i) const noexcept { return begin_[i]; }
  char& back() noexcept { return end_[-1]; }

  void clear() noexcept { end_ = begin_; }
  void reserve(std::size_t n) {
    if (n > capacity()) grow_to(n);
  }
  /// Cuts the text to its first `n` chars (n <= size()).
  void truncate(std::size_t n) noexcept { end_ = begin_ + n; }
  void pop_back() noexcept { --end_; }
  /// Removes `n` chars at `at`.
  void erase(std::size_t at, std::size_t n) noexcept {
    if (n == 0) return;
    std::memmove(begin_ + at, begin_ + at + n, size() - at - n);
    end_ -= n;
  }

  void push_back(char c) {
    if (end_ == limit_) grow_to(size() + 1);
    *end_++ = c;
  }
  void append(const char* text, std::size_t n) {
    if (n == 0) return;  // an empty buffer has no memory: memcpy may not see its nullptr
    std::memcpy(reserve_back(n), text, n);
    end_ += n;
  }
  void append(std::string_view text) { append(text.data(), text.size()); }
  text_buffer& operator+=(std::string_view text) {
    append(text);
    return *this;
  }
  text_buffer& operator+=(char c) {
    push_back(c);
    return *this;
  }

  /// Room for at least `n` more chars: returns where the text ends. Write up to `n` chars
  /// there, then advance_to() past the last one written.
  char* reserve_back(std::size_t n) {
    if (static_cast<std::size_t>(limit_ - end_) < n) grow_to(size() + n);
    return end_;
  }
  /// Ends the text at `end`, inside the room reserve_back() gave.
  void advance_to(char* end) noexcept { end_ = end; }
  /// Appends `n` chars of unspecified value, to be overwritten (a resize without filling).
  char* extend(std::size_t n) {
    char* at = reserve_back(n);
    end_ += n;
    return at;
  }

  friend bool operator==(const text_buffer& a, std::string_view b) noexcept {
    return a.view() == b;
  }

 private:
  void grow_to(std::size_t needed) {
    std::size_t room = capacity() < 256 ? 256 : capacity() * 2;
    while (room < needed) room *= 2;
    const std::size_t used = size();
    auto* grown = static_cast<char*>(std::realloc(begin_, room));
    if (grown == nullptr) throw std::bad_alloc();
    begin_ = grown;
    end_ = grown + used;
    limit_ = grown + room;
  }

  char* begin_ = nullptr;
  char* end_ = nullptr;
  char* limit_ = nullptr;
};

}  // namespace etwcat
