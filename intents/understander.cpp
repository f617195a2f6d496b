#include "intents/understander.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>

#include "intents/text.hpp"

namespace advisor::intents {
namespace {

constexpr std::size_t max_word = 40;  // longer tokens are never typo-corrected

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

void add_unique(std::vector<std::string>& list, const std::string& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

// Finds topic phrases in `tokens` and records their ids in order. The longest phrase at a
// position wins and covers its words ("video encoding" is CPU work, not "video" streaming);
// every topic sharing that phrase counts ("data science": ml and data pipelines).
// Positions marked in `inside` continue a rewritten phrase: "learning" in "machine learning".
void tag_topics(const lexicon& lex, const std::vector<std::string>& tokens,
                const std::vector<bool>& inside, std::vector<std::string>& topics) {
  for (std::size_t i = 0; i < tokens.size();) {
    const auto it = (i < inside.size() && inside[i]) ? lex.topic_phrases.end()
                                                      : lex.topic_phrases.find(tokens[i]);
    std::size_t longest = 0;
    if (it != lex.topic_phrases.end()) {
      for (const phrase& p : it->second) {  // longest first
        if (p.tokens.size() < longest) break;
        if (i + p.tokens.size() > tokens.size()) continue;
        if (std::equal(p.tokens.begin(), p.tokens.end(),
                       tokens.begin() + static_cast<std::ptrdiff_t>(i))) {
          longest = p.tokens.size();
          add_unique(topics, lex.topics[p.target]);
        }
      }
    }
    i += std::max<std::size_t>(longest, 1);
  }
}

bool is_capitalized(std::string_view w) { return !w.empty() && w.front() >= 'A' && w.front() <= 'Z'; }

}  // namespace

understander::understander(understander_parts parts)
    : lex_(std::move(parts.lex)),
      intent_names_(std::move(parts.intent_names)),
      patterns_(std::move(parts.patterns)),
      set_(std::move(parts.set)),
      evidence_(std::move(parts.evidence)),
      question_words_(parts.question_words.begin(), parts.question_words.end()),
      slot_res_(std::move(parts.slot_res)),
      threshold_(parts.threshold) {
  const auto fb = std::find(intent_names_.begin(), intent_names_.end(), "fallback");
  fallback_ = static_cast<std::size_t>(fb - intent_names_.begin());
  for (std::size_t i = 0; i < lex_.canonical.size(); ++i) {
    if (lex_.canonical[i].size() == 1) canonical_kind_.emplace(lex_.canonical[i][0], lex_.canonical_kind[i]);
  }
  for (const auto& word : lex_.vocabulary) {
    if (word.size() > max_word + 2) continue;
    if (by_length_.size() <= word.size()) by_length_.resize(word.size() + 1);
    by_length_[word.size()].push_back(candidate{word, letter_counts(word), letter_mask(word)});
  }
}

understander::~understander() = default;

std::string understander::correct(std::string_view word) const {
  const int budget = typo_budget(word.size());
  if (budget == 0 || word.size() > max_word || !text::is_alpha_word(word) ||
      lex_.known.contains(std::string{word})) {
    return std::string{word};
  }
  const auto counts = letter_counts(word);
  const auto mask = letter_mask(word);
  const candidate* best = nullptr;
  int best_distance = budget;
  int best_rank = 0;
  const std::size_t lo = word.size() - static_cast<std::size_t>(budget);
  const std::size_t hi = std::min(word.size() + static_cast<std::size_t>(budget) + 1, by_length_.size());
  for (std::size_t len = lo; len < hi; ++len) {
    for (const candidate& c : by_length_[len]) {
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
  }
  if (best == nullptr || best_distance > budget) return std::string{word};
  return best->word;
}

void understander::rewrite_and_tag(analysis& out) const {
  const auto& words = out.words;
  out.canonical.reserve(words.size());
  std::vector<bool> inside(words.size(), false);
  for (std::size_t i = 0; i < words.size();) {
    const auto it = lex_.rewrites.find(words[i]);
    bool done = false;
    if (it != lex_.rewrites.end()) {
      for (const phrase& p : it->second) {
        if (i + p.tokens.size() > words.size()) continue;
        if (!std::equal(p.tokens.begin(), p.tokens.end(),
                        words.begin() + static_cast<std::ptrdiff_t>(i))) {
          continue;
        }
        for (const auto& t : lex_.canonical[p.target]) out.canonical.push_back(t);
        for (std::size_t k = 1; k < p.tokens.size(); ++k) inside[i + k] = true;
        i += p.tokens.size();
        done = true;
        break;
      }
    }
    // A lone "s" left over from a possessive ("node's") carries nothing: drop it.
    if (!done && words[i] == "s") {
      ++i;
      continue;
    }
    if (!done) out.canonical.push_back(words[i++]);
  }
  for (const auto& t : out.canonical) {
    if (!out.normalized.empty()) out.normalized.push_back(' ');
    out.normalized += t;
    const auto kind = canonical_kind_.find(t);
    if (kind == canonical_kind_.end()) continue;
    if (kind->second == term_kind::technology) add_unique(out.technologies, t);
    if (kind->second == term_kind::other) add_unique(out.other_technologies, t);
  }
  tag_topics(lex_, out.words, inside, out.topics);
  tag_topics(lex_, out.canonical, {}, out.topics);
  out.question = out.question || (!out.canonical.empty() && question_words_.contains(out.canonical.front()));
}

analysis understander::analyze(std::string_view input) const {
  analysis out;
  const std::string folded = text::fold(input);
  std::vector<std::string> raw_words;
  out.question = text::tokenize(folded, raw_words);
  out.words.reserve(raw_words.size());
  for (auto& w : raw_words) out.words.push_back(correct(w));
  rewrite_and_tag(out);
  return out;
}

std::optional<std::string> understander::take_name(std::string_view raw, bool strong) const {
  const re2::RE2* re = strong ? slot_res_.strong_name.get() : slot_res_.weak_name.get();
  if (re == nullptr) return std::nullopt;
  re2::StringPiece tail_piece;
  if (!re2::RE2::PartialMatch(raw, *re, &tail_piece)) return std::nullopt;
  const std::string_view cue_tail(tail_piece.data(), tail_piece.size());
  // Words after the cue: letters, apostrophes, dots and hyphens ("O'Neil", "Jean-Luc").
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < cue_tail.size() && words.size() < 4) {
    while (i < cue_tail.size() && cue_tail[i] == ' ') ++i;
    const std::size_t start = i;
    while (i < cue_tail.size() && cue_tail[i] != ' ' && cue_tail[i] != ',' && cue_tail[i] != '!' &&
           cue_tail[i] != '?' && cue_tail[i] != ';') {
      ++i;
    }
    std::string_view w = cue_tail.substr(start, i - start);
    while (!w.empty() && (w.back() == '.' || w.back() == '\'')) w.remove_suffix(1);
    if (w.empty()) break;
    words.push_back(w);
    if (i < cue_tail.size() && cue_tail[i] != ' ') break;  // punctuation ends the name
  }
  std::string name;
  const bool first_capitalized = !words.empty() && is_capitalized(words.front());
  for (std::size_t k = 0; k < words.size(); ++k) {
    const std::string lower = text::fold(words[k]);
    const bool known = lex_.known.contains(lower) || lex_.keep.contains(lower);
    const bool letters = std::all_of(lower.begin(), lower.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || c == '\'' || c == '-' || c == '.' ||
             static_cast<unsigned char>(c) >= 0x80;
    });
    if (!letters) break;
    const bool accept = k == 0 ? (strong || !known) : (!known || (first_capitalized && is_capitalized(words[k])));
    if (!accept) break;
    if (!name.empty()) name.push_back(' ');
    name.append(words[k]);
  }
  if (name.empty()) return std::nullopt;
  return name;
}

void understander::extract_people_slots(std::string_view raw, slots& out) const {
  if (slot_res_.email && raw.find('@') != std::string_view::npos) {
    re2::StringPiece email;
    if (re2::RE2::PartialMatch(raw, *slot_res_.email, &email)) out.email = std::string{email};
  }
  out.person_name = take_name(raw, true);
  if (!out.person_name) out.person_name = take_name(raw, false);
  if (slot_res_.date) {
    re2::StringPiece date;
    if (re2::RE2::PartialMatch(raw, *slot_res_.date, &date)) out.date_text = std::string{date};
  }
}

understanding understander::understand(std::string_view text) const {
  understanding result;
  analysis a = analyze(text);
  result.question = a.question;
  result.found.technologies = std::move(a.technologies);
  result.found.other_technologies = std::move(a.other_technologies);
  result.found.topics = std::move(a.topics);
  const std::string raw = text::fold(text, text::letter_case::keep);
  extract_people_slots(raw, result.found);

  std::vector<double> miss(intent_names_.size(), 1.0);  // product of (1 - weight): noisy-or
  std::vector<int> hits;
  set_->Match(a.normalized, &hits);
  for (const int h : hits) {
    const pattern_info& p = patterns_[static_cast<std::size_t>(h)];
    miss[p.intent] *= 1.0 - p.weight;
  }
  std::vector<double> score(intent_names_.size());
  for (std::size_t i = 0; i < score.size(); ++i) score[i] = 1.0 - miss[i];

  const slots& s = result.found;
  const bool any_slot = !s.technologies.empty() || !s.topics.empty() || !s.other_technologies.empty();
  const auto features = static_cast<std::size_t>(std::count_if(
      s.topics.begin(), s.topics.end(), [&](const auto& t) { return lex_.features.contains(t); }));
  for (const evidence_rule& r : evidence_) {
    bool holds = false;
    switch (r.when) {
      case evidence_kind::topic: holds = !s.topics.empty(); break;
      case evidence_kind::technology: holds = !s.technologies.empty(); break;
      case evidence_kind::two_technologies: holds = s.technologies.size() >= 2; break;
      case evidence_kind::other_technology: holds = !s.other_technologies.empty(); break;
      case evidence_kind::only_other_technology:
        holds = !s.other_technologies.empty() && s.technologies.empty();
        break;
      case evidence_kind::question: holds = a.question; break;
      case evidence_kind::email: holds = s.email.has_value(); break;
      case evidence_kind::person_name: holds = s.person_name.has_value(); break;
      case evidence_kind::date: holds = s.date_text.has_value(); break;
      case evidence_kind::no_slots: holds = !any_slot; break;
      case evidence_kind::feature_topic: holds = features > 0; break;
      case evidence_kind::only_feature_topics:
        holds = features > 0 && features == s.topics.size();
        break;
    }
    if (holds) score[r.intent] += r.add;
  }

  std::size_t best = fallback_;
  double best_score = 0.0;
  for (std::size_t i = 0; i < score.size(); ++i) {
    if (i != fallback_ && score[i] > best_score) {
      best_score = score[i];
      best = i;
    }
  }
  if (best_score < threshold_) {
    best = fallback_;
  } else {
    double cue_weight = 0.0;
    for (const int h : hits) {
      const pattern_info& p = patterns_[static_cast<std::size_t>(h)];
      if (p.intent == best && !p.follow_up.empty() && p.weight > cue_weight) {
        cue_weight = p.weight;
        result.follow_up = p.follow_up;
      }
    }
  }
  result.intent = intent_names_[best];
  // Scores add up past 1 when patterns and evidence agree; squash them into 0..1 so more
  // agreement still reads as more confidence (0.35 -> 0.58, 0.7 -> 0.83, 1.0 -> 0.92).
  result.confidence = best_score <= 0.0 ? 0.0 : 1.0 - std::exp(-2.5 * best_score);
  result.normalized = std::move(a.normalized);
  return result;
}

}  // namespace advisor::intents
