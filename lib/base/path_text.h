// path_text: file names as UTF-8 text, both ways. The command line and every message are UTF-8;
// std::filesystem::path's char constructor would read the ANSI code page on Windows.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace etwcat {

/// The path a UTF-8 name denotes.
inline std::filesystem::path path_from_utf8(std::string_view utf8) {
  return std::filesystem::path(std::u8string(utf8.begin(), utf8.end()));
}

/// A path as UTF-8 text, for messages.
inline std::string path_to_utf8(const std::filesystem::path& path) {
  const std::u8string u8 = path.u8string();
  return std::string(u8.begin(), u8.end());
}

}  // namespace etwcat
