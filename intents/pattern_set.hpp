#pragma once
// Every pattern that matches somewhere in a text, as RE2::Set reports it, in two parts. One
// RE2::Set over all of intents.json's unanchored patterns built a DFA whose states multiplied
// with the patterns that skip words ("(?:\w+ ){0,3}"): each new message built states it had
// not met (about 0.3 ms for a real visitor's message), and even a message it had met walked
// cold memory. So the patterns made of words alone stay in one RE2::Set, whose DFA stays
// small, and each pattern that skips words keeps its own DFA, run only when RE2's FilteredRE2
// finds the literals it needs in the text (one more RE2::Set, of plain strings).

#include <re2/filtered_re2.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace advisor::intents {

class pattern_set {
 public:
  explicit pattern_set(const re2::RE2::Options& options);

  // The pattern's index (0, 1, ... in the order added), or -1 with `error` set.
  int add(std::string_view pattern, std::string& error);
  // After the last add(); false when the patterns cannot be compiled together.
  bool compile();
  // The indices of the patterns matching somewhere in `text` (lower case), ascending.
  void match(std::string_view text, std::vector<int>& hits) const;
  std::size_t size() const { return size_; }

  // True for a pattern that can match words it does not name (`\w`, `\S`, `.`, `[^...]`).
  static bool skips_words(std::string_view pattern);

 private:
  re2::RE2::Options options_;
  re2::RE2::Set words_;                      // the patterns made of words
  std::vector<int> words_ids_;               // words_'s index -> pattern index
  re2::FilteredRE2 filter_;                  // the patterns that skip words
  std::vector<int> filtered_ids_;            // filter_'s index -> pattern index
  std::unique_ptr<re2::RE2::Set> literals_;  // what filter_ needs found, by its atom index
  bool always_run_ = false;                  // some pattern of filter_ needs no literal
  std::size_t size_ = 0;
};

}  // namespace advisor::intents
