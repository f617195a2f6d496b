#pragma once
// Text primitives of the normalizer: case and punctuation folding, tokenizing, edit distance.
// Shared by the lexicon (which tokenizes its forms the same way the user's text is
// tokenized, so they meet by construction) and by the knowledge compiler.

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace advisor::intents::text {

enum class letter_case { lower, keep };

// Maps typographic Unicode (curly quotes, dashes, ellipsis, odd spaces, Latin-1 accents) to
// ASCII; with letter_case::lower also lower-cases letters. Other UTF-8 passes through as is.
std::string fold(std::string_view in, letter_case mode = letter_case::lower);

// Splits folded text into word tokens. Words keep inner dots ("node.js", "3.12") and
// trailing '+'/'#' ("c++", "c#"); apostrophes vanish ("don't" -> "dont") except in "'s",
// which becomes its own token "s" ("what's" -> "what" "s"); everything else separates words.
// Returns true when the text holds a '?'.
bool tokenize(std::string_view folded, std::vector<std::string>& out);

// Splits folded text into sentences: after '.', '!', '?' or ';' followed by a space (so
// "node.js" and "3.12" stay whole; "it runs fine; is moving it worth it?" asks in its second
// clause). Empty pieces are dropped.
std::vector<std::string_view> sentences(std::string_view folded);

// Optimal-string-alignment Damerau-Levenshtein distance (a transposition is one edit).
// Returns limit + 1 as soon as the distance is known to exceed `limit`.
int edit_distance(std::string_view a, std::string_view b, int limit);

// words[from, to) joined by single spaces (to = npos: to the end).
std::string join_words(const std::vector<std::string>& words, std::size_t from = 0,
                       std::size_t to = std::string::npos);

// `s` without leading and trailing `chars`: by default spaces, tabs and carriage returns (data
// file lines).
std::string_view trim(std::string_view s, std::string_view chars = " \t\r");

// A data file's list ("a, b, c"): the pieces between separators, each trimmed; empty pieces
// are kept (a caller may refuse them).
std::vector<std::string> split_list(std::string_view list, std::string_view separators = ",");

// Characters as a person counts them: the code points of UTF-8 (bytes that start one).
std::size_t count_characters(std::string_view utf8);

// Whether `word` is one of a fixed table's words.
template <std::size_t n>
bool among(const std::array<std::string_view, n>& table, std::string_view word) {
  return std::find(table.begin(), table.end(), word) != table.end();
}

// True for [a-z] only: the words the typo corrector may touch.
bool is_alpha_word(std::string_view word);

}  // namespace advisor::intents::text
