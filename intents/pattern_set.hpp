#pragma once
// Every pattern that matches somewhere in a text, as RE2::Set reports it, in two parts. One
// RE2::Set over all of intents.json's unanchored patterns built a DFA whose states multiplied
// with the patterns that skip words ("(?:\w+ ){0,3}"): each new message built states it had
// not met (about 0.3 ms for a real visitor's message), and even a message it had met walked
// cold memory. So the patterns made of words alone stay in one RE2::Set, whose DFA stays
// small, and each pattern that skips words keeps its own RE2, run only when the literals its
// RE2 prefilter needs are found in the text (one more RE2::Set, of plain strings).

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
  // A pattern that skips words. Each of its top-level alternatives is a branch; a branch lets
  // the pattern run when every one of its clauses has one of its literals in the text (a
  // branch with no clause always does).
  struct filtered {
    int id = 0;  // the pattern's index
    std::string pattern;
    std::unique_ptr<re2::RE2> re;
  };
  struct branch {
    std::size_t owner = 0;    // filtered_ index
    std::size_t clauses = 0;  // numbered consecutively from first_clause
  };
  bool compile_filtered();
  void add_branch(std::size_t owner, const std::string& alternative);
  void add_clause(std::size_t branch_at, const std::vector<int>& clause,
                  const std::vector<std::string>& atoms);
  void run_filtered(std::string_view text, const std::vector<int>& literals_found,
                    std::vector<int>& hits) const;

  re2::RE2::Options options_;
  re2::RE2::Set words_;         // the patterns made of words
  std::vector<int> words_ids_;  // words_'s index -> pattern index
  std::vector<filtered> filtered_;
  std::vector<branch> branches_;
  std::vector<std::size_t> always_run_;     // filtered_ indices a branch of which needs none
  std::vector<std::size_t> clause_branch_;  // clause -> branches_ index
  std::vector<std::string> literals_text_;  // literal index -> the literal
  std::vector<std::vector<std::size_t>> literal_in_;  // literal index -> clauses it satisfies
  std::unique_ptr<re2::RE2::Set> literals_;           // every clause's literals
  std::size_t size_ = 0;
};

}  // namespace advisor::intents
