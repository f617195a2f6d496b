#include "intents/pattern_set.hpp"

#include <algorithm>

namespace advisor::intents {

namespace {

// Literals shorter than this are not looked for: a pattern whose every literal is that short
// ("^(?:k|ok)$") is always run, which its anchor makes cheap. Three ran fewest patterns in
// vain on the real messages (two to eight tried).
constexpr int min_literal = 3;

re2::StringPiece piece(std::string_view s) {
  return {s.data(), s.size()};
}

}  // namespace

pattern_set::pattern_set(const re2::RE2::Options& options)
    : options_(options), words_(options, re2::RE2::UNANCHORED), filter_(min_literal) {}

bool pattern_set::skips_words(std::string_view pattern) {
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '.') return true;
    if (c == '[' && i + 1 < pattern.size() && pattern[i + 1] == '^') return true;
    if (c != '\\' || i + 1 == pattern.size()) continue;
    const char next = pattern[++i];  // an escaped character is never a dot or a bracket
    if (next == 'w' || next == 'W' || next == 'S' || next == 'd' || next == 'D') return true;
  }
  return false;
}

int pattern_set::add(std::string_view pattern, std::string& error) {
  const int id = static_cast<int>(size_);
  if (skips_words(pattern)) {
    int index = -1;
    if (filter_.Add(piece(pattern), options_, &index) != re2::RE2::NoError) {
      // FilteredRE2 keeps no message; compile it again for one.
      error = re2::RE2(piece(pattern), options_).error();
      return -1;
    }
    filtered_ids_.push_back(id);
    ++size_;
    return id;
  }
  if (words_.Add(piece(pattern), &error) < 0) return -1;
  words_ids_.push_back(id);
  ++size_;
  return id;
}

bool pattern_set::compile() {
  if (size_ == 0) return false;
  if (!words_ids_.empty() && !words_.Compile()) return false;
  if (filtered_ids_.empty()) return true;
  std::vector<std::string> literals;
  filter_.Compile(&literals);
  std::vector<int> unfiltered;
  filter_.AllPotentials({}, &unfiltered);
  always_run_ = !unfiltered.empty();
  if (literals.empty()) return true;
  // A set of plain strings of its own: joined to the patterns of words, its states multiplied
  // with theirs (a new message cost 12 % more).
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_literal(true);
  literals_ = std::make_unique<re2::RE2::Set>(options, re2::RE2::UNANCHORED);
  for (const auto& l : literals) {
    if (literals_->Add(l, nullptr) < 0) return false;
  }
  return literals_->Compile();
}

void pattern_set::match(std::string_view text, std::vector<int>& hits) const {
  hits.clear();
  // Scratch lists of each thread, kept from one sentence to the next: this runs for every
  // sentence of every message, and fresh lists were allocated each time.
  thread_local std::vector<int> words_found;
  thread_local std::vector<int> literals_found;
  thread_local std::vector<int> filtered_found;
  words_found.clear();
  literals_found.clear();
  filtered_found.clear();
  if (!words_ids_.empty()) words_.Match(piece(text), &words_found);
  if (!filtered_ids_.empty()) {
    if (literals_) literals_->Match(piece(text), &literals_found);
    // With no literal found, only a pattern that needs none could match; FilteredRE2 would
    // still walk its prefilter tree (a tenth of the sentences find no literal).
    if (!literals_found.empty() || always_run_)
      filter_.AllMatches(piece(text), literals_found, &filtered_found);
  }
  hits.reserve(words_found.size() + filtered_found.size());
  for (const int i : words_found) hits.push_back(words_ids_[static_cast<std::size_t>(i)]);
  for (const int i : filtered_found) hits.push_back(filtered_ids_[static_cast<std::size_t>(i)]);
  std::sort(hits.begin(), hits.end());
}

}  // namespace advisor::intents
