// byte_cursor: bounds-checked little-endian reads over a byte span, the only way lib/ reads
// binary input (no reinterpret_cast, no unchecked pointer arithmetic).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>

namespace etwcat {

/// Types that byte_cursor can fill with memcpy: every byte pattern is a valid value and there
/// are no padding bytes whose contents would be lost. Integers, enums over integers, byte
/// arrays and padding-free structs of those qualify; float/double and structs with holes do not.
template <class T>
concept byte_readable = std::is_trivially_copyable_v<T> &&
    std::has_unique_object_representations_v<T> && !std::is_pointer_v<T>;

/// Reverses the bytes of an integer (std::byteswap is C++23).
template <std::integral T>
constexpr T byte_swap(T value) noexcept {
  using unsigned_t = std::make_unsigned_t<T>;
  auto u = static_cast<unsigned_t>(value);
  unsigned_t swapped = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    swapped = static_cast<unsigned_t>((swapped << 8) | (u & 0xFF));
    u = static_cast<unsigned_t>(u >> 8);
  }
  return static_cast<T>(swapped);
}

/// A read position in a span of bytes. Every read checks the bounds first; a read that does
/// not fit returns false and leaves both the target and the position unchanged.
///
///   byte_cursor in(record);
///   std::uint16_t size = 0;
///   if (!in.skip(4) || !in.read(size)) return error;
class byte_cursor {
 public:
  byte_cursor() noexcept = default;
  explicit byte_cursor(std::span<const std::byte> bytes, std::size_t position = 0) noexcept
      : bytes_(bytes), position_(position <= bytes.size() ? position : bytes.size()) {}

  /// Reads sizeof(T) bytes into `out` and advances; false (nothing changed) if too few remain.
  /// Integers are little-endian on disk; on a big-endian host they are swapped. Structs are
  /// copied as laid out in memory, which is only the file layout on a little-endian host.
  template <byte_readable T>
  [[nodiscard]] bool read(T& out) noexcept {
    if (remaining() < sizeof(T)) return false;
    std::memcpy(&out, bytes_.data() + position_, sizeof(T));
    if constexpr (std::endian::native == std::endian::big) {
      if constexpr (std::is_integral_v<T>) {
        out = byte_swap(out);
      } else {
        static_assert(std::is_integral_v<T>, "struct reads assume a little-endian host");
      }
    }
    position_ += sizeof(T);
    return true;
  }

  /// Borrows the next `n` bytes as a span (no copy) and advances past them.
  [[nodiscard]] bool read_bytes(std::size_t n, std::span<const std::byte>& out) noexcept {
    if (remaining() < n) return false;
    out = bytes_.subspan(position_, n);
    position_ += n;
    return true;
  }

  /// Advances by `n` bytes; false (position unchanged) if fewer than `n` remain.
  [[nodiscard]] bool skip(std::size_t n) noexcept {
    if (remaining() < n) return false;
    position_ += n;
    return true;
  }

  /// Moves to absolute position `pos`; false (position unchanged) if `pos` is past the end.
  [[nodiscard]] bool seek(std::size_t pos) noexcept {
    if (pos > bytes_.size()) return false;
    position_ = pos;
    return true;
  }

  std::size_t position() const noexcept { return position_; }
  std::size_t remaining() const noexcept { return bytes_.size() - position_; }
  std::size_t size() const noexcept { return bytes_.size(); }
  bool at_end() const noexcept { return position_ == bytes_.size(); }

  /// The unread bytes.
  std::span<const std::byte> rest() const noexcept { return bytes_.subspan(position_); }
  /// All bytes the cursor was made over.
  std::span<const std::byte> bytes() const noexcept { return bytes_; }

 private:
  std::span<const std::byte> bytes_;
  std::size_t position_ = 0;
};

/// Reads a T at absolute `offset` of `bytes`, without a cursor; false if it does not fit.
template <byte_readable T>
[[nodiscard]] bool read_at(std::span<const std::byte> bytes, std::size_t offset, T& out) noexcept {
  if (offset > bytes.size()) return false;
  byte_cursor in(bytes, offset);
  return in.read(out);
}

}  // namespace etwcat
