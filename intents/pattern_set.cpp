#include "intents/pattern_set.hpp"

#include <re2/filtered_re2.h>

#include <algorithm>
#include <cstdint>

namespace advisor::intents {

namespace {

// Literals shorter than this are not looked for: a pattern whose every literal is that short
// ("^(?:k|ok)$") is always run, which its anchor makes cheap. Three ran fewest patterns in
// vain on the real messages (two to eight tried).
constexpr int min_literal = 3;

re2::StringPiece piece(std::string_view s) {
  return {s.data(), s.size()};
}

// One pattern's RE2 prefilter, asked whether it lets the pattern run when the atoms at
// `found` (indices into atoms()) are in the text.
class prefilter {
 public:
  prefilter(const std::string& pattern, const re2::RE2::Options& options) : filter_(min_literal) {
    int index = -1;
    filter_.Add(piece(pattern), options, &index);
    filter_.Compile(&atoms_);
  }
  const std::vector<std::string>& atoms() const { return atoms_; }
  bool passes(const std::vector<int>& found) const {
    std::vector<int> potential;
    filter_.AllPotentials(found, &potential);
    return !potential.empty();
  }
  // Whether the pattern cannot run when none of `clause` is found (every other atom is).
  bool needs_one_of(const std::vector<int>& clause) const {
    std::vector<int> others;
    for (int a = 0; a < static_cast<int>(atoms_.size()); ++a) {
      if (std::find(clause.begin(), clause.end(), a) == clause.end()) others.push_back(a);
    }
    return !passes(others);
  }

 private:
  re2::FilteredRE2 filter_;
  std::vector<std::string> atoms_;
};

// The pattern's top-level alternatives ("a|b(?:c|d)" -> "a", "b(?:c|d)"): each is a regular
// expression of its own, and the pattern matches where one of them does.
// A flag group ("(?i)") holds past a bar, so a pattern with one is kept whole.
std::vector<std::string> top_level_alternatives(const std::string& pattern) {
  std::vector<std::string> out;
  for (std::size_t at = pattern.find("(?"); at != std::string::npos;
       at = pattern.find("(?", at + 2)) {
    if (at + 2 < pattern.size() && pattern[at + 2] != ':') return {pattern};
  }
  int depth = 0;
  bool in_class = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      ++i;  // an escaped character is neither a bracket nor a bar
    } else if (in_class) {
      in_class = c != ']';
    } else if (c == '[') {
      in_class = true;
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') ++i;
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') ++i;  // "[]...]": a literal ']'
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == '|' && depth == 0) {
      out.push_back(pattern.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(pattern.substr(start));
  return out;
}

}  // namespace

pattern_set::pattern_set(const re2::RE2::Options& options)
    : options_(options), words_(options, re2::RE2::UNANCHORED) {}

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
    auto re = std::make_unique<re2::RE2>(piece(pattern), options_);
    if (!re->ok()) {
      error = re->error();
      return -1;
    }
    filtered_.push_back({id, std::string{pattern}, std::move(re)});
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
  return filtered_.empty() || compile_filtered();
}

// RE2's FilteredRE2 over every pattern that skips words propagated the literals found through
// its prefilter tree for each sentence: two thirds of its cost (lists as long as the tree,
// allocated per call), where a handful of literals is found. Each pattern's prefilter is read
// once here instead, as clauses that each need one of their literals found. Every clause is
// one the prefilter implies, so a pattern the prefilter lets run is run: the hits are the same.
bool pattern_set::compile_filtered() {
  for (std::size_t k = 0; k < filtered_.size(); ++k) {
    for (const auto& alternative : top_level_alternatives(filtered_[k].pattern))
      add_branch(k, alternative);
  }
  std::sort(always_run_.begin(), always_run_.end());
  always_run_.erase(std::unique(always_run_.begin(), always_run_.end()), always_run_.end());
  if (literals_text_.empty()) return true;
  // A set of plain strings of its own: joined to the patterns of words, its states multiplied
  // with theirs (a new message cost 12 % more).
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_literal(true);
  literals_ = std::make_unique<re2::RE2::Set>(options, re2::RE2::UNANCHORED);
  for (const auto& l : literals_text_) {
    if (literals_->Add(l, nullptr) < 0) return false;
  }
  return literals_->Compile();
}

// The branch's clauses, found by asking its prefilter: all its atoms make one (with none found
// it cannot run), made as small as it stays one; then the atoms left make the next, while the
// prefilter still stops the branch without them. Exact for an AND of ORs, RE2's usual shape.
void pattern_set::add_branch(std::size_t owner, const std::string& alternative) {
  const prefilter filter{alternative, options_};
  const auto& atoms = filter.atoms();
  if (filter.passes({})) {  // needs no literal
    always_run_.push_back(owner);
    return;
  }
  const std::size_t at = branches_.size();
  branches_.push_back({owner, 0});
  std::vector<int> left(atoms.size());
  for (std::size_t a = 0; a < atoms.size(); ++a) left[a] = static_cast<int>(a);
  while (!left.empty() && filter.needs_one_of(left)) {
    std::vector<int> clause = left;
    for (const int a : left) {
      std::vector<int> smaller;
      std::copy_if(clause.begin(), clause.end(), std::back_inserter(smaller),
                   [&](int b) { return b != a; });
      if (!smaller.empty() && filter.needs_one_of(smaller)) clause = std::move(smaller);
    }
    add_clause(at, clause, atoms);
    ++branches_[at].clauses;
    std::erase_if(
        left, [&](int a) { return std::find(clause.begin(), clause.end(), a) != clause.end(); });
  }
}

void pattern_set::add_clause(std::size_t branch_at, const std::vector<int>& clause,
                             const std::vector<std::string>& atoms) {
  const std::size_t at = clause_branch_.size();
  clause_branch_.push_back(branch_at);
  for (const int a : clause) {
    const std::string& literal = atoms[static_cast<std::size_t>(a)];
    auto known = std::find(literals_text_.begin(), literals_text_.end(), literal);
    if (known == literals_text_.end()) {
      literals_text_.push_back(literal);
      literal_in_.emplace_back();
      known = literals_text_.end() - 1;
    }
    literal_in_[static_cast<std::size_t>(known - literals_text_.begin())].push_back(at);
  }
}

void pattern_set::match(std::string_view text, std::vector<int>& hits) const {
  hits.clear();
  // Scratch lists of each thread, kept from one sentence to the next: this runs for every
  // sentence of every message, and fresh lists were allocated each time.
  thread_local std::vector<int> words_found;
  thread_local std::vector<int> literals_found;
  words_found.clear();
  literals_found.clear();
  if (!words_ids_.empty()) words_.Match(piece(text), &words_found);
  hits.reserve(words_found.size() + 4);
  for (const int i : words_found) hits.push_back(words_ids_[static_cast<std::size_t>(i)]);
  if (!filtered_.empty()) {
    if (literals_) literals_->Match(piece(text), &literals_found);
    run_filtered(text, literals_found, hits);
  }
  std::sort(hits.begin(), hits.end());
}

// Runs each filtered pattern a branch of which has every clause met, and those that need none.
void pattern_set::run_filtered(std::string_view text, const std::vector<int>& literals_found,
                               std::vector<int>& hits) const {
  // Per thread, stamped with the call that last touched them, so that nothing is cleared: the
  // clauses met (each counts once, whichever of its literals are found) and per branch how many.
  struct scratch {
    std::uint64_t call = 0;
    std::vector<std::uint64_t> clause_met;
    std::vector<std::uint64_t> branch_seen;
    std::vector<std::size_t> branch_met;
    std::vector<std::size_t> to_run;
  };
  thread_local scratch s;
  ++s.call;
  if (s.clause_met.size() < clause_branch_.size()) s.clause_met.resize(clause_branch_.size(), 0);
  if (s.branch_seen.size() < branches_.size()) {
    s.branch_seen.resize(branches_.size(), 0);
    s.branch_met.resize(branches_.size(), 0);
  }
  s.to_run.assign(always_run_.begin(), always_run_.end());
  for (const int l : literals_found) {
    for (const std::size_t c : literal_in_[static_cast<std::size_t>(l)]) {
      if (s.clause_met[c] == s.call) continue;
      s.clause_met[c] = s.call;
      const std::size_t b = clause_branch_[c];
      if (s.branch_seen[b] != s.call) {
        s.branch_seen[b] = s.call;
        s.branch_met[b] = 0;
      }
      if (++s.branch_met[b] == branches_[b].clauses) s.to_run.push_back(branches_[b].owner);
    }
  }
  std::sort(s.to_run.begin(), s.to_run.end());
  s.to_run.erase(std::unique(s.to_run.begin(), s.to_run.end()), s.to_run.end());
  for (const std::size_t k : s.to_run) {
    const filtered& f = filtered_[k];
    if (re2::RE2::PartialMatch(piece(text), *f.re)) hits.push_back(f.id);
  }
}

}  // namespace advisor::intents
