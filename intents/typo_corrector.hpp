#pragma once
// Typo correction against the lexicon's vocabulary: the closest word within a small edit
// distance (optimal string alignment), ties broken as people mistype.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace advisor::intents {

class typo_corrector {
 public:
  // Words longer than max_word + 2 are never targets (a typed word is at most max_word).
  static constexpr std::size_t max_word = 40;

  explicit typo_corrector(const std::vector<std::string>& vocabulary);

  // The target `word` is closest to, or nullptr when none is within its budget. Words of
  // fewer than 4 letters, longer than max_word or not all a-z are never corrected.
  const std::string* nearest(std::string_view word) const;
  // The same answer by scanning every target: the reference `nearest` must agree with.
  const std::string* nearest_by_scan(std::string_view word) const;

 private:
  struct candidate {
    std::string word;
    std::array<std::uint8_t, 26> letters{};
    std::uint32_t present = 0;  // bit i: letter 'a' + i occurs
  };
  // One string reachable from a target by deleting up to two letters, by hash.
  struct deletion {
    std::uint64_t hash = 0;
    std::uint32_t target = 0;     // index into candidates_
    std::uint32_t deletions = 0;  // letters deleted
  };
  void index(std::uint32_t target);
  void build_directory();
  void lookup(std::uint64_t hash, int budget, std::vector<std::uint32_t>& out) const;
  const std::string* best_of(std::string_view word, int budget,
                             const std::vector<std::uint32_t>& targets) const;

  std::vector<candidate> candidates_;  // by length, then vocabulary order: the tie order
  std::vector<deletion> deletions_;    // sorted by hash
  // deletions_ with hash's top directory_bits_ equal to b start at directory_[b].
  std::vector<std::uint32_t> directory_;
  unsigned directory_bits_ = 1;
};

}  // namespace advisor::intents
