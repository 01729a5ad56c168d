// SHA-1 (FIPS 180-4), only for the EventSource/TraceLogging name-hash GUID.
// Written here rather than taken from a crypto library: 16 bytes of a hash
// of a short name do not justify a dependency on every platform we build for.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace etwcat::provider {

class sha1 {
 public:
  sha1() noexcept;
  void update(std::span<const std::uint8_t> bytes) noexcept;
  std::array<std::uint8_t, 20> finish() noexcept;

 private:
  void compress(const std::uint8_t* block) noexcept;

  std::array<std::uint32_t, 5> state_;
  std::array<std::uint8_t, 64> block_{};
  std::size_t block_used_ = 0;
  std::uint64_t total_bytes_ = 0;
};

}  // namespace etwcat::provider
