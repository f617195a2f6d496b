#include "intents/typo_corrector.hpp"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <functional>

#include "intents/text.hpp"

namespace advisor::intents {
namespace {

constexpr int max_budget = 2;

std::array<std::uint8_t, 26> letter_counts(std::string_view w) {
  std::array<std::uint8_t, 26> counts{};
  for (const char c : w) {
    if (c >= 'a' && c <= 'z') ++counts[static_cast<std::size_t>(c - 'a')];
  }
  return counts;
}

std::uint32_t letter_mask(std::string_view w) {
  std::uint32_t mask = 0;
  for (const char c : w) {
    if (c >= 'a' && c <= 'z') mask |= 1U << static_cast<unsigned>(c - 'a');
  }
  return mask;
}

// Edits allowed for a word of this length: none below 4 letters, 1 up to 7, 2 beyond.
int typo_budget(std::size_t length) {
  if (length < 4) return 0;
  if (length <= 7) return 1;
  return 2;
}

// Among candidates at the same distance: the one sharing the first letter (people rarely
// miss that one), then a dropped letter (the most common typo), then a wrong letter.
int tie_rank(std::string_view typed, std::string_view candidate) {
  int rank = typed.front() == candidate.front() ? 0 : 4;
  if (candidate.size() == typed.size() + 1) return rank;
  if (candidate.size() == typed.size()) return rank + 1;
  return rank + 2;
}

std::uint64_t hash_of(std::string_view s) {
  return static_cast<std::uint64_t>(std::hash<std::string_view>{}(s));
}

// Calls `each(variant, deleted)` for `word` and every string left after deleting up to
// `budget` of its letters (positions i < j, so each choice of positions comes once). No
// allocation: `word` is at most max_word + 2 bytes.
template <typename F>
void for_each_deletion(std::string_view word, int budget, F&& each) {
  std::array<char, typo_corrector::max_word + 2> once{};
  std::array<char, typo_corrector::max_word + 2> twice{};
  each(word, 0);
  if (budget < 1 || word.size() > once.size()) return;
  const std::size_t n = word.size();
  for (std::size_t i = 0; i < n; ++i) {
    std::copy(word.begin(), word.begin() + static_cast<std::ptrdiff_t>(i), once.begin());
    std::copy(word.begin() + static_cast<std::ptrdiff_t>(i + 1), word.end(),
              once.begin() + static_cast<std::ptrdiff_t>(i));
    each(std::string_view{once.data(), n - 1}, 1);
    if (budget < 2) continue;
    for (std::size_t j = i; j + 1 < n; ++j) {
      std::copy(once.begin(), once.begin() + static_cast<std::ptrdiff_t>(j), twice.begin());
      std::copy(once.begin() + static_cast<std::ptrdiff_t>(j + 1),
                once.begin() + static_cast<std::ptrdiff_t>(n - 1),
                twice.begin() + static_cast<std::ptrdiff_t>(j));
      each(std::string_view{twice.data(), n - 2}, 2);
    }
  }
}

}  // namespace

typo_corrector::typo_corrector(const std::vector<std::string>& vocabulary) {
  for (const auto& word : vocabulary) {
    if (word.size() > max_word + 2) continue;
    candidates_.push_back(candidate{word, letter_counts(word), letter_mask(word)});
  }
  // A scan by length, shortest first, met the targets in this order: ties keep it.
  std::stable_sort(
      candidates_.begin(), candidates_.end(),
      [](const candidate& a, const candidate& b) { return a.word.size() < b.word.size(); });
  for (std::uint32_t t = 0; t < candidates_.size(); ++t) index(t);
  build_directory();
}

void typo_corrector::index(std::uint32_t target) {
  for_each_deletion(candidates_[target].word, max_budget, [&](std::string_view v, int deleted) {
    deletions_.push_back({hash_of(v), target, static_cast<std::uint32_t>(deleted)});
  });
}

void typo_corrector::build_directory() {
  std::sort(deletions_.begin(), deletions_.end(), [](const deletion& a, const deletion& b) {
    if (a.hash != b.hash) return a.hash < b.hash;
    if (a.target != b.target) return a.target < b.target;
    return a.deletions < b.deletions;
  });
  // The same string reached twice from one target: the fewest deletions stays.
  deletions_.erase(std::unique(deletions_.begin(), deletions_.end(),
                               [](const deletion& a, const deletion& b) {
                                 return a.hash == b.hash && a.target == b.target;
                               }),
                   deletions_.end());
  directory_bits_ = static_cast<unsigned>(std::bit_width(deletions_.size() | 1U));
  directory_.assign((std::size_t{1} << directory_bits_) + 1, 0);
  std::size_t at = 0;
  for (std::size_t b = 0; b < directory_.size(); ++b) {
    while (at < deletions_.size() && (deletions_[at].hash >> (64 - directory_bits_)) < b) ++at;
    directory_[b] = static_cast<std::uint32_t>(at);
  }
}

void typo_corrector::lookup(std::uint64_t hash, int budget, std::vector<std::uint32_t>& out) const {
  const std::size_t b = hash >> (64 - directory_bits_);
  for (std::uint32_t i = directory_[b]; i < directory_[b + 1]; ++i) {
    const deletion& d = deletions_[i];
    if (d.hash > hash) break;
    if (d.hash == hash && static_cast<int>(d.deletions) <= budget) out.push_back(d.target);
  }
}

// Every target within the budget shares a string with `word` after at most `budget`
// deletions on each side (SymSpell's idea), so only those few are measured.
const std::string* typo_corrector::nearest(std::string_view word) const {
  const int budget = typo_budget(word.size());
  if (budget == 0 || word.size() > max_word || !text::is_alpha_word(word)) return nullptr;
  std::vector<std::uint32_t> targets;
  targets.reserve(32);
  for_each_deletion(word, budget,
                    [&](std::string_view v, int) { lookup(hash_of(v), budget, targets); });
  std::sort(targets.begin(), targets.end());
  targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
  return best_of(word, budget, targets);
}

const std::string* typo_corrector::nearest_by_scan(std::string_view word) const {
  const int budget = typo_budget(word.size());
  if (budget == 0 || word.size() > max_word || !text::is_alpha_word(word)) return nullptr;
  std::vector<std::uint32_t> all(candidates_.size());
  for (std::uint32_t t = 0; t < all.size(); ++t) all[t] = t;
  return best_of(word, budget, all);
}

// The closest of `targets` (in candidates_' order), or nullptr when none is within budget.
const std::string* typo_corrector::best_of(std::string_view word, int budget,
                                           const std::vector<std::uint32_t>& targets) const {
  const auto counts = letter_counts(word);
  const auto mask = letter_mask(word);
  const candidate* best = nullptr;
  int best_distance = budget;
  int best_rank = 0;
  for (const std::uint32_t t : targets) {
    const candidate& c = candidates_[t];
    // Each edit brings in at most one letter the other word lacks: the cheapest bound.
    if (std::popcount(c.present & ~mask) > best_distance ||
        std::popcount(mask & ~c.present) > best_distance) {
      continue;
    }
    // Each edit changes the letter histogram by at most 2: a cheap bound before the DP.
    int l1 = 0;
    for (std::size_t k = 0; k < 26; ++k) l1 += std::abs(int{counts[k]} - int{c.letters[k]});
    if ((l1 + 1) / 2 > best_distance) continue;
    const int d = text::edit_distance(word, c.word, best_distance);
    if (d > best_distance) continue;
    const int r = tie_rank(word, c.word);
    if (d < best_distance || best == nullptr || r < best_rank) {
      best_distance = d;
      best_rank = r;
      best = &c;
    }
  }
  return best == nullptr ? nullptr : &best->word;
}

}  // namespace advisor::intents
