// nearest_word: "did you mean …?" for a mistyped command or option, as git and cargo ask.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace etwcat::cmd {

/// The candidate closest to `word` in edits (insert, delete, replace, swap two neighbours),
/// when it is close enough to be a typo (at most 2 edits, and fewer than the word is long), or
/// one that `word` is a prefix of; the first of equally close candidates.
std::optional<std::string_view> nearest_word(std::string_view word,
                                             std::span<const std::string_view> candidates);

}  // namespace etwcat::cmd
