#include "intents/understander.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <set>

#include "intents/booking_status.hpp"
#include "intents/text.hpp"

namespace advisor::intents {
namespace {

void add_unique(std::vector<std::string>& list, const std::string& value) {
  if (std::find(list.begin(), list.end(), value) != list.end()) return;
  // Room for a few at once: a list grown from one by doubling was reallocated twice by the third.
  if (list.empty()) list.reserve(4);
  list.push_back(value);
}

// "little computation", "no heavy computation": a negation up to two words before a topic.
template <class facts_list>
bool negated(const facts_list& facts, std::size_t at) {
  for (std::size_t back = 1; back <= 2 && back <= at; ++back) {
    if (facts[at - back] != nullptr && facts[at - back]->negation) return true;
  }
  return false;
}

// Verbs that take code from one language to another: "port it to go", "rewrite our Flask
// server in Node", "replace the node server with python".
const std::set<std::string, std::less<>>& moving_verbs() {
  static const std::set<std::string, std::less<>> verbs{
      "rewrite", "rewriting",  "rewritten",   "port",          "porting", "ported",
      "migrate", "migrating",  "switch",      "switching",     "move",    "moving",
      "convert", "converting", "transfer",    "transferring",  "replace", "replacing",
      "rebuild", "rebuilding", "reimplement", "reimplementing"};
  return verbs;
}

// A bare "go" is mostly the verb ("should we go with node", "the way to go", "go through the
// docs"); only its neighbours make it the language ("rewrite it in go", "go or rust", "go has
// goroutines"). "golang" and "go lang" are rewritten before this and are always the language.
bool go_is_the_language(const std::vector<std::string>& words, std::size_t at) {
  static const std::set<std::string, std::less<>> before{
      "in",    "into",  "or",       "vs",     "versus",   "than",  "about",    "like",    "use",
      "using", "learn", "learning", "choose", "choosing", "chose", "prefer",   "with",    "over",
      "of",    "pick",  "picking",  "try",    "trying",   "adopt", "adopting", "written", "pure"};
  static const std::set<std::string, std::less<>> after{"or",
                                                        "vs",
                                                        "versus",
                                                        "lang",
                                                        "language",
                                                        "code",
                                                        "codebase",
                                                        "backend",
                                                        "server",
                                                        "servers",
                                                        "service",
                                                        "services",
                                                        "developer",
                                                        "developers",
                                                        "devs",
                                                        "dev",
                                                        "is",
                                                        "was",
                                                        "has",
                                                        "had",
                                                        "does",
                                                        "would",
                                                        "could",
                                                        "will",
                                                        "can",
                                                        "seems",
                                                        "looks",
                                                        "handles",
                                                        "compiles",
                                                        "runs",
                                                        "uses",
                                                        "lacks",
                                                        "offers",
                                                        "supports",
                                                        "provides",
                                                        "instead",
                                                        "rather",
                                                        "binary",
                                                        "binaries",
                                                        "program",
                                                        "programs",
                                                        "version",
                                                        "implementation",
                                                        "port",
                                                        "sdk",
                                                        "library",
                                                        "libraries",
                                                        "module",
                                                        "modules",
                                                        "compiler",
                                                        "runtime",
                                                        "ecosystem",
                                                        "community",
                                                        "routines",
                                                        "app",
                                                        "apps",
                                                        "api",
                                                        "microservice",
                                                        "microservices",
                                                        "s"};
  if (at >= 2 && words[at - 1] == "to" && words[at - 2] == "way") return false;  // the way to go
  // "go with go": the second one is the language, the first the verb.
  if (at + 1 < words.size() && (words[at + 1] == "with" || words[at + 1] == "for") &&
      !(at > 0 && before.contains(words[at - 1]) && words[at - 1] != "with")) {
    return false;
  }
  if (at > 0 && before.contains(words[at - 1])) return true;
  if (at + 1 < words.size() && after.contains(words[at + 1])) return true;
  // "port it to go": a move before "to" makes it the destination; "want to go" is the verb.
  if (at > 0 && words[at - 1] == "to") {
    for (std::size_t back = 2; back <= 5 && back <= at; ++back) {
      if (moving_verbs().contains(words[at - back])) return true;
    }
  }
  return false;
}

// Finds topic phrases in `tokens` and records their ids in order. The longest phrase at a
// position wins and covers its words ("video encoding" is CPU work, not "video" streaming);
// every topic sharing that phrase counts ("data science": ml and data pipelines).
// Positions marked in `inside` continue a rewritten phrase: "learning" in "machine learning".
// `facts` holds what the lexicon says of each token (understander::word_facts), or null.
template <class facts_list>
void tag_topics(const lexicon& lex, const std::vector<std::string>& tokens, const facts_list& facts,
                const std::vector<bool>& inside, std::vector<std::string>& topics) {
  for (std::size_t i = 0; i < tokens.size();) {
    const auto* phrases =
        (i < inside.size() && inside[i]) || facts[i] == nullptr ? nullptr : facts[i]->topics;
    std::size_t longest = 0;
    if (phrases != nullptr) {
      for (const phrase& p : *phrases) {  // longest first
        if (p.tokens.size() < longest) break;
        if (i + p.tokens.size() > tokens.size()) continue;
        if (std::equal(p.tokens.begin(), p.tokens.end(),
                       tokens.begin() + static_cast<std::ptrdiff_t>(i))) {
          longest = p.tokens.size();
          if (!negated(facts, i)) add_unique(topics, lex.topics[p.target]);
        }
      }
    }
    i += std::max<std::size_t>(longest, 1);
  }
}

bool is_capitalized(std::string_view w) {
  return !w.empty() && w.front() >= 'A' && w.front() <= 'Z';
}

// Whether a name of intents.json holds for the message: "cue:NAME" when that cue was found,
// otherwise a topic or a guide technology found ("cue_topics_with_need", "join_sides").
bool holds(const understanding& u, std::string_view name) {
  constexpr auto prefix = understander_parts::cue_need_prefix;
  if (name.starts_with(prefix)) return u.has_cue(name.substr(prefix.size()));
  const auto& s = u.found;
  return std::find(s.topics.begin(), s.topics.end(), name) != s.topics.end() ||
         std::find(s.technologies.begin(), s.technologies.end(), name) != s.technologies.end();
}

// A slot condition's place in slot_conditions; slot_conditions.size() for a cue.
constexpr std::size_t slot_of(evidence_kind kind) {
  std::size_t at = 0;
  while (at < slot_conditions.size() && slot_conditions[at].first != kind) ++at;
  return at;
}
// The same as a constant: GCC did not fold slot_of through conditions()'s setter, and searched
// the list for every condition of every message.
template <evidence_kind kind>
constexpr std::size_t slot = slot_of(kind);

}  // namespace

// The kinds of technology outside the guide (database, cloud, ...), each a feature of the
// learned weighting; defined with the feature names below.
std::vector<std::string> other_kinds(const lexicon& lex);

understander::understander(understander_parts parts)
    : lex_(std::move(parts.lex)),
      intent_names_(std::move(parts.intent_names)),
      intents_(std::move(parts.intent_ids)),
      patterns_(std::move(parts.patterns)),
      set_(std::move(parts.set)),
      evidence_(std::move(parts.evidence)),
      question_words_(parts.question_words.begin(), parts.question_words.end()),
      slot_res_(std::move(parts.slot_res)),
      threshold_(parts.threshold),
      comparing_(std::move(parts.comparing)),
      wins_(std::move(parts.wins)),
      redirects_(std::move(parts.redirects)),
      close_margin_(parts.close_margin),
      calibrated_(parts.calibrated),
      subject_(std::move(parts.subject)),
      cue_topics_(std::move(parts.cue_topics)),
      cue_topics_with_need_(std::move(parts.cue_topics_with_need)),
      choice_cancels_(std::move(parts.choice_cancels)),
      cue_cancels_(std::move(parts.cue_cancels)),
      choice_cues_(std::move(parts.choice_cues)),
      join_cues_(std::move(parts.join_cues)),
      join_cancels_(std::move(parts.join_cancels)),
      join_kept_by_(std::move(parts.join_kept_by)),
      join_sides_(std::move(parts.join_sides)),
      both_sides_(std::move(parts.both_sides)),
      context_kinds_(std::move(parts.context_kinds)),
      clarify_(std::move(parts.clarify)),
      learned_(std::move(parts.weighting)),
      typos_(lex_.vocabulary) {
  other_kinds_ = other_kinds(lex_);
  for (const auto& p : patterns_) {
    if (!p.cue.empty() &&
        std::find(cue_names_.begin(), cue_names_.end(), p.cue) == cue_names_.end())
      cue_names_.push_back(p.cue);
  }
  const auto fb = std::find(intents_.begin(), intents_.end(), intent::fallback);
  fallback_ = static_cast<std::size_t>(fb - intents_.begin());
  for (std::size_t i = 0; i < lex_.canonical.size(); ++i) {
    if (lex_.canonical[i].size() == 1)
      canonical_kind_.emplace(lex_.canonical[i][0], lex_.canonical_kind[i]);
  }
  index_words();
  for (std::size_t i = 0; i < lex_.topics.size(); ++i) topic_at_.emplace(lex_.topics[i], i);
  for (std::size_t i = 0; i < cue_names_.size(); ++i) cue_at_.emplace(cue_names_[i], i);
  for (const evidence_rule& r : evidence_) evidence_slot_.push_back(slot_of(r.when));
  if (learned_ && !learned_->weights.empty()) {
    const std::size_t intents = learned_->weights.size();
    const std::size_t features = learned_->weights.front().size();
    weights_by_feature_.resize(features * intents);
    for (std::size_t i = 0; i < intents; ++i) {
      for (std::size_t j = 0; j < features; ++j)
        weights_by_feature_[j * intents + i] = learned_->weights[i][j];
    }
  }
}

// Every word any of the per-word tables knows, with what each says of it. Built whole before
// any pointer into it is taken: the map does not move after.
void understander::index_words() {
  for (const auto& [first, list] : lex_.rewrites) facts_[first].rewrites = &list;
  for (const auto& [first, list] : lex_.topic_phrases) facts_[first].topics = &list;
  for (const auto& [word, kind] : canonical_kind_) {
    facts_[word].has_kind = true;
    facts_[word].kind = kind;
  }
  for (const auto& word : lex_.known) facts_[word].known = true;
  for (const auto& word : lex_.negations) facts_[word].negation = true;
  for (const auto& word : question_words_) facts_[word].question = true;
  canonical_facts_.reserve(lex_.canonical.size());
  for (const auto& tokens : lex_.canonical) {
    word_list& list = canonical_facts_.emplace_back();
    for (const auto& t : tokens) list.push_back(facts_of(t));
  }
}

const understander::word_facts* understander::facts_of(std::string_view word) const {
  const auto it = facts_.find(word);
  return it == facts_.end() ? nullptr : &it->second;
}

understander::~understander() = default;

std::string understander::correct(std::string_view word) const {
  // Most words are known: a hash lookup, before the index is asked.
  if (word.size() < 4 || lex_.known.contains(std::string{word})) return std::string{word};
  const std::string* target = typos_.nearest(word);
  return target == nullptr ? std::string{word} : *target;
}

// A technology named in the text: its family (a guide technology, or the kind of an outside
// one) and the name it goes by.
analysis::mention understander::mention_of(const std::string& id, const std::string& member,
                                           std::size_t at) const {
  const std::string& name = member.empty() ? id : member;
  const auto family = lex_.family.find(name);
  return {family == lex_.family.end() ? id : family->second, name, at};
}

void understander::rewrite_and_tag(analysis& out, const word_list& facts) const {
  const auto& words = out.words;
  out.canonical.reserve(words.size());
  // Scratch of each thread, kept from one sentence to the next: three allocations a sentence.
  thread_local word_list canonical_facts;  // parallel to out.canonical
  thread_local std::vector<bool> inside;
  thread_local std::vector<bool> named;  // words of a member's name ("flask")
  canonical_facts.clear();
  inside.assign(words.size(), false);
  named.assign(words.size(), false);
  for (std::size_t i = 0; i < words.size();) {
    const word_facts* word = facts[i];
    bool done = false;
    if (word != nullptr && word->rewrites != nullptr) {
      for (const phrase& p : *word->rewrites) {
        if (i + p.tokens.size() > words.size()) continue;
        if (!std::equal(p.tokens.begin(), p.tokens.end(),
                        words.begin() + static_cast<std::ptrdiff_t>(i))) {
          continue;
        }
        if (p.kind == term_kind::technology || p.kind == term_kind::other) {
          out.mentions.push_back(
              mention_of(lex_.canonical[p.target].front(), p.member, out.canonical.size()));
        }
        for (const auto& t : lex_.canonical[p.target]) out.canonical.push_back(t);
        const word_list& rewritten = canonical_facts_[p.target];
        canonical_facts.insert(canonical_facts.end(), rewritten.begin(), rewritten.end());
        for (std::size_t k = 1; k < p.tokens.size(); ++k) inside[i + k] = true;
        if (!p.member.empty()) {
          for (std::size_t k = 0; k < p.tokens.size(); ++k) named[i + k] = true;
        }
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
    if (!done) {
      if (word != nullptr && word->has_kind &&
          (word->kind == term_kind::technology || word->kind == term_kind::other) &&
          (words[i] != "go" || go_is_the_language(words, i))) {
        out.mentions.push_back(mention_of(words[i], {}, out.canonical.size()));
      }
      canonical_facts.push_back(word);
      out.canonical.push_back(words[i++]);
    }
  }
  std::size_t length = 0;  // `normalized` sized once, not grown word by word
  for (const auto& t : out.canonical) length += t.size() + 1;
  out.normalized.reserve(length);
  for (std::size_t k = 0; k < out.canonical.size(); ++k) {
    const auto& t = out.canonical[k];
    if (!out.normalized.empty()) out.normalized.push_back(' ');
    out.normalized += t;
    const word_facts* canonical = canonical_facts[k];
    if (canonical != nullptr && canonical->has_kind && canonical->kind == term_kind::technology)
      add_unique(out.technologies, t);
  }
  // Outside the guide, as named: "laravel", not its family "php".
  for (const auto& m : out.mentions) {
    const auto kind = canonical_kind_.find(m.member);
    if (kind != canonical_kind_.end() && kind->second == term_kind::other) {
      add_unique(out.other_technologies, m.member);
    }
  }
  tag_topics(lex_, out.words, facts, inside, out.topics);
  tag_topics(lex_, out.canonical, canonical_facts, {}, out.topics);
  // A framework named beside a concept asked about ("will the GIL slow down my Flask API?")
  // is where the code runs, not what is asked: a topic only its name brings ("frameworks")
  // is set apart, for the answer to give way to the concept.
  if (std::find(named.begin(), named.end(), true) != named.end()) {
    std::vector<std::string> masked = out.words;
    word_list masked_facts = facts;
    for (std::size_t k = 0; k < masked.size(); ++k) {
      if (!named[k]) continue;
      masked[k].clear();
      masked_facts[k] = nullptr;  // as the empty word: in no table
    }
    std::vector<std::string> unnamed;
    tag_topics(lex_, masked, masked_facts, inside, unnamed);
    tag_topics(lex_, out.canonical, canonical_facts, {}, unnamed);
    const bool asks_concept =
        std::any_of(unnamed.begin(), unnamed.end(),
                    [&](const std::string& t) { return lex_.features.contains(t); });
    if (asks_concept) {
      for (const auto& t : out.topics) {
        if (std::find(unnamed.begin(), unnamed.end(), t) == unnamed.end())
          add_unique(out.by_name, t);
      }
    }
  }
  out.question = out.question || (!canonical_facts.empty() && canonical_facts.front() != nullptr &&
                                  canonical_facts.front()->question);
}

analysis understander::analyze(std::string_view input) const {
  return analyze_folded(text::fold(input), false);
}

analysis understander::analyze_folded(std::string_view folded, bool question) const {
  analysis out;
  std::vector<std::string> raw_words;
  raw_words.reserve(folded.size() / 2 + 2);  // a word and a space at least, most of the time
  out.question = text::tokenize(folded, raw_words) || question;
  // Corrected in place: a known word (most of them) is neither copied nor looked up twice.
  thread_local word_list facts;  // kept from one sentence to the next, as rewrite_and_tag's
  facts.clear();
  for (auto& w : raw_words) {
    const word_facts* word = facts_of(w);
    if (w.size() >= 4 && (word == nullptr || !word->known)) {
      if (const std::string* target = typos_.nearest(w)) {
        w = *target;
        word = facts_of(w);
      }
    }
    facts.push_back(word);
  }
  out.words = std::move(raw_words);
  rewrite_and_tag(out, facts);
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
    const bool accept =
        k == 0 ? (strong || !known) : (!known || (first_capitalized && is_capitalized(words[k])));
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
  // "I'm X" / "this is X" in a long message is rarely a name ("this is highly inefficient").
  constexpr std::size_t short_message = 60;
  if (!out.person_name && raw.size() <= short_message) out.person_name = take_name(raw, false);
  if (slot_res_.date) {
    re2::StringPiece date;
    if (re2::RE2::PartialMatch(raw, *slot_res_.date, &date)) out.date_text = std::string{date};
  }
}

understander::reading understander::read(std::string_view folded) const {
  reading r;
  r.a = analyze_folded(folded, false);
  set_->match(r.a.normalized, r.hits);
  r.asks = r.a.question || has_cue(r, cue::asks);
  r.background = !r.asks && cue_stands(r, cue::background);
  return r;
}

bool understander::has_cue(const reading& r, std::string_view cue) const {
  return std::any_of(r.hits.begin(), r.hits.end(),
                     [&](int h) { return patterns_[static_cast<std::size_t>(h)].cue == cue; });
}

// The sentence has the cue and no other that takes it away (intents.json "cue_cancels"): "my
// team knows Django, but the new project is a chat app" is no background.
bool understander::cue_stands(const reading& r, std::string_view cue) const {
  if (!has_cue(r, cue)) return false;
  return std::none_of(cue_cancels_.begin(), cue_cancels_.end(), [&](const auto& entry) {
    return entry.second.contains(std::string{cue}) && has_cue(r, entry.first);
  });
}

// "<tech> [words] <connector> [words] <tech>" between consecutive names, as named.
std::vector<std::pair<std::string, std::string>> understander::pairs(const analysis& a) const {
  std::vector<std::pair<std::string, std::string>> out;
  // "and" (or "with") joins two names only right after "between", "difference", ... ("compare
  // node and python", "compare node with python").
  constexpr std::size_t between_reach = 3;
  const auto after_between = [&](std::size_t at) {
    for (std::size_t k = at; k > 0 && at - k < between_reach; --k) {
      if (comparing_.between.contains(a.canonical[k - 1])) return true;
    }
    return false;
  };
  for (std::size_t i = 0; i + 1 < a.mentions.size(); ++i) {
    const auto& x = a.mentions[i];
    const auto& y = a.mentions[i + 1];
    const bool between = after_between(x.at);
    if (x.member == y.member || y.at <= x.at + 1 || y.at - x.at - 1 > comparing_.max_gap) continue;
    const bool migrating = comparing_.from_to && x.at > 0 && a.canonical[x.at - 1] == "from" &&
                           !flows_before(a, x.at - 1);
    const bool joined =
        std::any_of(a.canonical.begin() + static_cast<std::ptrdiff_t>(x.at + 1),
                    a.canonical.begin() + static_cast<std::ptrdiff_t>(y.at), [&](const auto& w) {
                      return comparing_.connectors.contains(w) ||
                             (between && (w == "and" || w == "with")) || (migrating && w == "to");
                    });
    if (joined) out.emplace_back(x.member, y.member);
  }
  if (out.empty()) listed_choice(a, out);
  return out;
}

// Whether a flow word ("send", "stream", "forward") comes shortly before position `from`.
bool understander::flows_before(const analysis& a, std::size_t from) const {
  const std::size_t first = from > comparing_.flow_reach ? from - comparing_.flow_reach : 0;
  return std::any_of(a.canonical.begin() + static_cast<std::ptrdiff_t>(first),
                     a.canonical.begin() + static_cast<std::ptrdiff_t>(from),
                     [&](const auto& w) { return comparing_.flows.contains(w); });
}

// Names listed without a connector ("Django Rest Framework - FastAPI", "deno ... but bun"):
// two or more of one family (Python frameworks, databases, runtimes), with no other family
// named, are what is being weighed.
void understander::listed_choice(const analysis& a,
                                 std::vector<std::pair<std::string, std::string>>& out) const {
  std::vector<std::string> members;
  std::vector<std::string> families;
  for (const auto& m : a.mentions) {
    // "python" beside "django" names the family, not a second choice.
    if (m.member != m.family &&
        std::find(members.begin(), members.end(), m.member) == members.end()) {
      members.push_back(m.member);
    }
    if (std::find(families.begin(), families.end(), m.family) == families.end()) {
      families.push_back(m.family);
    }
  }
  if (families.size() != 1 || members.size() < 2) return;
  for (std::size_t i = 0; i + 1 < members.size(); ++i) out.emplace_back(members[i], members[i + 1]);
}

namespace {

// Merges one sentence's analysis into the message's, taking (moving) its words, names and
// normalized text.
void merge(analysis& into, analysis& from, bool slots) {
  if (!into.normalized.empty() && !from.normalized.empty()) into.normalized.push_back(' ');
  if (into.normalized.empty()) {
    into.normalized = std::move(from.normalized);
  } else {
    into.normalized += from.normalized;
  }
  into.question = into.question || from.question;
  for (auto& m : from.mentions) {
    m.at += into.canonical.size();
    into.mentions.push_back(std::move(m));
  }
  if (into.canonical.empty()) {
    into.canonical = std::move(from.canonical);
  } else {
    into.canonical.insert(into.canonical.end(), std::make_move_iterator(from.canonical.begin()),
                          std::make_move_iterator(from.canonical.end()));
  }
  if (!slots) return;
  for (const auto& t : from.technologies) add_unique(into.technologies, t);
  for (const auto& t : from.topics) add_unique(into.topics, t);
  for (const auto& t : from.by_name) add_unique(into.by_name, t);
}

}  // namespace

// True when two guide technologies of different families are set against each other.
bool understander::guide_pair(const slots& s) const {
  const auto family = [&](const std::string& m) {
    const auto f = lex_.family.find(m);
    const std::string& id = f == lex_.family.end() ? m : f->second;
    const bool guide = std::find(lex_.technologies.begin(), lex_.technologies.end(), id) !=
                       lex_.technologies.end();
    return guide ? id : std::string{};
  };
  const bool outside = std::any_of(s.compared.begin(), s.compared.end(), [&](const auto& pair) {
    return family(pair.first).empty() || family(pair.second).empty();
  });
  return !outside && std::any_of(s.compared.begin(), s.compared.end(), [&](const auto& pair) {
    return family(pair.first) != family(pair.second);
  });
}

// Two members of one guide family ("Flask or FastAPI"): a choice inside one side, which leaves
// a joining of the two sides standing ("a Flask or FastAPI service called from Node").
bool understander::one_guide_family(const std::pair<std::string, std::string>& pair) const {
  const auto family = [&](const std::string& m) {
    const auto f = lex_.family.find(m);
    return f == lex_.family.end() ? m : f->second;
  };
  const std::string first = family(pair.first);
  return first == family(pair.second) &&
         std::find(lex_.technologies.begin(), lex_.technologies.end(), first) !=
             lex_.technologies.end();
}

// An outside technology that could stand in for Node.js or Python, or any set against another:
// a React frontend or a Postgres database named alone is the project's surroundings.
bool understander::competitor_named(const slots& s) const {
  if (!s.compared.empty()) return !s.other_technologies.empty();
  return std::any_of(s.other_technologies.begin(), s.other_technologies.end(),
                     [&](const std::string& name) {
                       const auto kind = lex_.family.find(name);
                       return kind == lex_.family.end() || !context_kinds_.contains(kind->second);
                     });
}

// Outside technologies of a context kind that are not set against anything: the project's
// surroundings ("our React frontend"), not options the guide leaves out.
std::vector<std::string> understander::surroundings(const slots& s) const {
  std::vector<std::string> out;
  for (const auto& name : s.other_technologies) {
    const auto kind = lex_.family.find(name);
    const bool compared = std::any_of(s.compared.begin(), s.compared.end(), [&](const auto& p) {
      return p.first == name || p.second == name;
    });
    if (!compared && kind != lex_.family.end() && context_kinds_.contains(kind->second))
      out.push_back(name);
  }
  return out;
}

// Where a move goes: the guide technology after the first "to", "in", "into" or "with" that
// follows the sentence's first moving verb ("rewrite our Flask server in Node", "replace the
// node server with python"; a title run into its body, "convert the python server to node I
// started with a python server", goes to Node); with no such verb, after the last of them;
// empty if none.
std::string understander::destination(const std::vector<std::string>& canonical) const {
  static const std::set<std::string, std::less<>> towards{"to", "in", "into", "with"};
  static const std::set<std::string, std::less<>> skipped{"a", "an", "the", "our", "my", "pure"};
  const auto verb = std::find_if(canonical.begin(), canonical.end(),
                                 [](const std::string& w) { return moving_verbs().contains(w); });
  const bool first = verb != canonical.end();
  const std::size_t from = first ? static_cast<std::size_t>(verb - canonical.begin()) : 0;
  std::string out;
  for (std::size_t i = from; i + 1 < canonical.size(); ++i) {
    if (!towards.contains(canonical[i])) continue;
    std::size_t j = i + 1;
    while (j + 1 < canonical.size() && skipped.contains(canonical[j])) ++j;
    const auto kind = canonical_kind_.find(canonical[j]);
    if (kind == canonical_kind_.end() || kind->second != term_kind::technology) continue;
    out = canonical[j];
    if (first) break;
  }
  return out;
}

// Cues that a choice cancels go ("replace the node server with python" is no hybrid), and a
// yes/no question offering alternatives is a choice; cues that are topics add them.
void understander::settle_cues(understanding& u) const {
  const bool choosing = std::any_of(u.found.compared.begin(), u.found.compared.end(),
                                    [&](const auto& pair) { return !one_guide_family(pair); }) ||
                        std::any_of(u.cues.begin(), u.cues.end(),
                                    [&](const auto& c) { return choice_cues_.contains(c); });
  if (choosing) {
    std::erase_if(u.cues, [&](const std::string& c) { return choice_cancels_.contains(c); });
  }
  const auto any_of_cues = [&](const std::set<std::string>& names) {
    return std::any_of(u.cues.begin(), u.cues.end(),
                       [&](const std::string& c) { return names.contains(c); });
  };
  // A join joins two sides: each of `join_sides_` is named (the Node.js side, and Python or
  // the model or data work it serves).
  const bool two_sides = std::all_of(join_sides_.begin(), join_sides_.end(), [&](const auto& side) {
    return std::any_of(side.begin(), side.end(), [&](const auto& n) { return holds(u, n); });
  });
  if (two_sides && any_of_cues(join_cues_) && !any_of_cues(join_kept_by_)) {
    std::erase_if(u.cues, [&](const std::string& c) { return join_cancels_.contains(c); });
  }
  for (const auto& [cue, cancelled] : cue_cancels_) {
    if (u.has_cue(cue)) std::erase_if(u.cues, [&](const auto& c) { return cancelled.contains(c); });
  }
  const auto asked = [&](const std::string& t) {
    return std::find(u.found.topics.begin(), u.found.topics.end(), t) != u.found.topics.end();
  };
  // A move takes the project to one side: needs on both sides are then its reasons, weighed
  // against each other (knowledge's recommend), not the both-together answer.
  if (!both_sides_.sides.empty() && !u.has_cue(cue::migrate) &&
      std::all_of(both_sides_.sides.begin(), both_sides_.sides.end(),
                  [&](const auto& side) { return std::any_of(side.begin(), side.end(), asked); })) {
    for (const auto& topic : both_sides_.topics) add_unique(u.found.topics, topic);
  }
  for (const auto& cue : u.cues) {
    const auto topics = cue_topics_.find(cue);
    if (topics == cue_topics_.end()) continue;
    for (const auto& topic : topics->second) add_unique(u.found.topics, topic);
  }
  for (const auto& [cue, rule] : cue_topics_with_need_) {
    if (!u.has_cue(cue)) continue;
    // A need is a topic, or "cue:NAME": the other side's part named in another sentence
    // ("Our API is Express. Do we add a Python worker?") joins the two as a topic would.
    const bool need = std::any_of(rule.needs.begin(), rule.needs.end(),
                                  [&](const auto& t) { return holds(u, t); });
    if (!need) continue;
    for (const auto& topic : rule.topics) add_unique(u.found.topics, topic);
  }
}

// Which slot conditions hold for the message, in slot_conditions' order.
std::array<bool, slot_conditions.size()> understander::conditions(const understanding& u,
                                                                  bool focus_technology) const {
  const slots& s = u.found;
  const bool any_slot =
      !s.technologies.empty() || !s.topics.empty() || !s.other_technologies.empty();
  const auto features = static_cast<std::size_t>(std::count_if(
      s.topics.begin(), s.topics.end(), [&](const auto& t) { return lex_.features.contains(t); }));
  const bool node_python = guide_pair(s);
  std::array<bool, slot_conditions.size()> held{};
  held[slot<evidence_kind::topic>] = !s.topics.empty();
  held[slot<evidence_kind::technology>] = !s.technologies.empty();
  held[slot<evidence_kind::two_technologies>] = s.technologies.size() >= 2;
  held[slot<evidence_kind::other_technology>] = competitor_named(s);
  // Another technology beside a need ("a React team that needs ML") is context.
  held[slot<evidence_kind::only_other_technology>] =
      !s.other_technologies.empty() && !focus_technology && s.topics.empty();
  held[slot<evidence_kind::question>] = u.question;
  held[slot<evidence_kind::email>] = s.email.has_value();
  held[slot<evidence_kind::person_name>] = s.person_name.has_value();
  held[slot<evidence_kind::date>] = s.date_text.has_value();
  held[slot<evidence_kind::no_slots>] = !any_slot;
  held[slot<evidence_kind::feature_topic>] = features > 0;
  held[slot<evidence_kind::only_feature_topics>] = features > 0 && features == s.topics.size();
  held[slot<evidence_kind::guide_pair>] = node_python;
  // Options of one side weighed with the other side named ("does Express or Hapi have an ORM
  // as nice as Django's?", "Flask or FastAPI and Node.js are both great") are the guide's
  // comparison, not a choice inside one side.
  const bool within_one_side =
      std::all_of(s.compared.begin(), s.compared.end(),
                  [&](const auto& pair) { return one_guide_family(pair); });
  const bool both_sides_named =
      std::all_of(lex_.technologies.begin(), lex_.technologies.end(), [&](const auto& t) {
        return std::find(s.technologies.begin(), s.technologies.end(), t) != s.technologies.end();
      });
  held[slot<evidence_kind::outside_pair>] =
      !node_python && !s.compared.empty() && !(within_one_side && both_sides_named);
  return held;
}

std::array<bool, slot_conditions.size()> understander::apply_evidence(
    const understanding& u, bool focus_technology, std::vector<double>& score) const {
  const auto held = conditions(u, focus_technology);
  for (std::size_t k = 0; k < evidence_.size(); ++k) {
    const evidence_rule& r = evidence_[k];
    const bool holds = r.when == evidence_kind::cue ? u.has_cue(r.cue) : held[evidence_slot_[k]];
    if (holds) score[r.intent] += r.add;
  }
  return held;
}

std::vector<std::string> other_kinds(const lexicon& lex) {
  std::set<std::string> kinds;
  for (const auto& [name, family] : lex.family) {
    if (std::find(lex.technologies.begin(), lex.technologies.end(), family) ==
        lex.technologies.end())
      kinds.insert(family);
  }
  return {kinds.begin(), kinds.end()};
}

std::vector<std::string> feature_names(const std::vector<std::string>& intent_names,
                                       const std::vector<std::string>& cue_names,
                                       const lexicon& lex) {
  std::vector<std::string> names;
  for (const auto& name : intent_names) {
    if (name == to_string(intent::fallback)) continue;
    names.push_back("match:" + name);
    names.push_back("score:" + name);
    names.push_back("rule:" + name);
  }
  for (const auto& [kind, name] : slot_conditions) names.push_back("when:" + std::string{name});
  for (const auto& cue : cue_names) names.push_back("cue:" + cue);
  for (const auto& topic : lex.topics) names.push_back("topic:" + topic);
  for (const auto& kind : other_kinds(lex)) names.push_back("kind:" + kind);
  for (const char* shape : {"words", "sentences", "asking_share", "compared", "others"})
    names.push_back(std::string{"shape:"} + shape);
  return names;
}

std::vector<std::string> cue_names(const std::vector<pattern_info>& patterns) {
  std::vector<std::string> names;
  for (const auto& p : patterns) {
    if (!p.cue.empty()) add_unique(names, p.cue);
  }
  return names;
}

std::vector<std::string> understander::feature_names() const {
  return intents::feature_names(intent_names_, cue_names_, lex_);
}

std::size_t understander::feature_count() const {
  const std::size_t intents = intent_names_.size() - (fallback_ < intent_names_.size() ? 1 : 0);
  return 3 * intents + slot_conditions.size() + cue_names_.size() + lex_.topics.size() +
         other_kinds_.size() + 5;
}

namespace {

// Places set to 1 for each name found, out[first, n), in order and each once (a name may
// repeat): the new end.
std::size_t add_places(std::vector<std::pair<std::size_t, double>>& out, std::size_t first,
                       std::size_t n) {
  const auto begin = out.begin() + static_cast<std::ptrdiff_t>(first);
  const auto end = out.begin() + static_cast<std::ptrdiff_t>(n);
  std::sort(begin, end);
  return static_cast<std::size_t>(
      std::unique(begin, end, [](const auto& a, const auto& b) { return a.first == b.first; }) -
      out.begin());
}

}  // namespace

// Written by place into a list sized once (at most one item per feature), where growing it item
// by item cost as much as the scan it saves.
std::size_t understander::feature_values(const weighed& w, feature_list& out) const {
  if (out.size() < feature_count()) out.resize(feature_count());
  std::size_t n = 0;  // items written
  std::size_t j = 0;  // the next place
  const auto add = [&](double value) { out[n++] = {j++, value}; };
  for (std::size_t i = 0; i < intent_names_.size(); ++i) {
    if (i == fallback_) continue;
    add(w.matched[i]);
    add(std::clamp(w.score[i], -2.0, 3.0));
    add(w.best == i ? 1.0 : 0.0);
  }
  for (const bool held : w.held) add(held ? 1.0 : 0.0);
  // One place per cue intents.json defines, set for each cue found (a message has few).
  std::size_t first = n;
  for (const auto& cue : w.result.cues) {
    const auto at = cue_at_.find(cue);
    if (at != cue_at_.end()) out[n++] = {j + at->second, 1.0};
  }
  n = add_places(out, first, n);
  j += cue_names_.size();
  const auto& found = w.result.found;
  // One place per lexicon topic, set for each topic found (not each topic searched for).
  first = n;
  for (const auto& topic : found.topics) {
    const auto at = topic_at_.find(topic);
    if (at != topic_at_.end()) out[n++] = {j + at->second, 1.0};
  }
  n = add_places(out, first, n);
  j += lex_.topics.size();
  for (const auto& kind : other_kinds_) {
    add(std::any_of(found.other_technologies.begin(), found.other_technologies.end(),
                    [&](const std::string& name) {
                      const auto f = lex_.family.find(name);
                      return f != lex_.family.end() && f->second == kind;
                    })
            ? 1.0
            : 0.0);
  }
  const auto count = [](std::size_t k) { return std::log1p(static_cast<double>(k)); };
  add(count(w.result.words) / 4.0);
  add(count(w.sentences - 1));
  add(w.sentences == 0 ? 0.0 : static_cast<double>(w.asking) / static_cast<double>(w.sentences));
  add(w.result.found.compared.empty() ? 0.0 : 1.0);
  add(count(w.result.found.other_technologies.size()));
  return n;
}

std::vector<double> understander::features(std::string_view text) const {
  weighed w = weigh(text);
  choose_by_rules(w);
  feature_list sparse;
  const std::size_t n = feature_values(w, sparse);
  std::vector<double> x(feature_count(), 0.0);
  for (std::size_t k = 0; k < n; ++k) x[sparse[k].first] = sparse[k].second;
  return x;
}

bool understander::won_outright(std::string_view text) const {
  weighed w = weigh(text);
  choose_by_rules(w);
  return w.won;
}

// A softmax over the learned weights: the most likely intent, and its probability as the
// confidence (fitted on labelled messages, so it is calibrated by construction).
void understander::choose_by_weights(weighed& w) const {
  // Scratch of each thread, kept from one message to the next.
  thread_local feature_list x;
  const std::size_t present = feature_values(w, x);
  thread_local std::vector<double> z;
  thread_local std::vector<const std::vector<double>*> seen;
  z = learned_->bias;
  seen.clear();
  // Most features are 0 for any one message: adding their (finite) products would not change a
  // sum, so only the others are added, each intent's in feature order as before (the same sums
  // to the last bit).
  const std::size_t intents = z.size();
  for (std::size_t k = 0; k < present; ++k) {
    const auto [place, value] = x[k];
    if (value == 0.0) continue;
    const double* weights = &weights_by_feature_[place * intents];
    for (std::size_t i = 0; i < intents; ++i) z[i] += weights[i] * value;
  }
  // Each word counts once, however often it is repeated, in the order first met (so the sums
  // are the same to the last bit). Few words carry weights: a list beats a hash set here.
  for (const auto& word : w.words) {
    const auto it = learned_->words.find(word);
    if (it == learned_->words.end()) continue;
    const std::vector<double>* weights = &it->second;
    if (std::find(seen.begin(), seen.end(), weights) != seen.end()) continue;
    seen.push_back(weights);
    for (std::size_t i = 0; i < z.size(); ++i) z[i] += (*weights)[i];
  }
  double top = -1e300;
  for (std::size_t i = 0; i < z.size(); ++i) {
    z[i] /= learned_->temperature;
    if (i != fallback_) top = std::max(top, z[i]);
  }
  // Each exponential once: z[i] becomes its share before the division.
  double total = 0.0;
  for (std::size_t i = 0; i < z.size(); ++i) {
    if (i == fallback_) continue;
    z[i] = std::exp(z[i] - top);
    total += z[i];
  }
  std::size_t best = w.best;
  std::size_t second = no_intent;
  double best_p = 0.0;
  double second_p = 0.0;
  for (std::size_t i = 0; i < z.size(); ++i) {
    if (i == fallback_) continue;
    const double p = z[i] / total;
    if (p > best_p) {
      second = best_p > 0.0 ? best : no_intent;
      second_p = best_p;
      best_p = p;
      best = i;
    } else if (p > second_p) {
      second = i;
      second_p = p;
    }
  }
  // A chat line the rules read below their threshold ("any plans for a node port?") is the
  // weighting's to read: no rule has a choice to keep.
  const bool short_line = w.result.words <= learned_->short_words && w.best != fallback_;
  if (best_p < learned_->rules_below || (short_line && best_p < learned_->short_rules_below)) {
    w.kept = true;
    return;
  }
  w.best = best;
  w.second = second;
  w.result.confidence = best_p;
  w.result.margin = best_p - second_p;
  if (second != no_intent) {
    w.result.runner_up = intents_[second];
    w.result.runner_up_confidence = second_p;
  }
}

// Below the rules' threshold a message that names a technology is still one the weighting has
// words for ("is there a nodejs version for this?"), and so is a post of several sentences in
// words it knows: "I need to find this wiki urgently" after two sentences about a bot is about
// something else, not a message to ask again. Gibberish names nothing, and its words are unknown.
bool understander::worth_weighing(const weighed& w) const {
  if (w.best != fallback_) return true;
  if (!w.result.found.technologies.empty() || !w.result.found.other_technologies.empty())
    return true;
  constexpr std::size_t post_words = 15;
  constexpr std::size_t known_words = 8;
  if (w.sentences < 2 || w.result.words < post_words) return false;
  // Distinct words: "the the the" is one.
  std::vector<std::string_view> known;
  for (const auto& word : w.words) {
    if (!learned_->words.contains(word)) continue;
    if (std::find(known.begin(), known.end(), word) == known.end()) known.push_back(word);
    if (known.size() >= known_words) return true;
  }
  return false;
}

// Close readings that intents.json lists as a choice the visitor can make.
bool understander::worth_asking(const weighed& w) const {
  if (!learned_ || w.second == no_intent) return false;
  const std::pair pair{w.best, w.second};
  if (std::find(clarify_.begin(), clarify_.end(), pair) == clarify_.end()) return false;
  const auto margin = learned_->clarify_margins.find(pair);
  return margin != learned_->clarify_margins.end() && w.result.margin < margin->second;
}

std::vector<std::pair<std::string, std::string>> understander::clarify_readings() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [top, second] : clarify_)
    out.emplace_back(intent_names_[top], intent_names_[second]);
  return out;
}

double understander::confidence_of(const understanding& u) const {
  if (calibrated_) {
    const auto& c = *calibrated_;
    const double z = c.bias + c.score * u.score + c.margin * u.margin +
                     c.words * std::log1p(static_cast<double>(u.words));
    return 1.0 / (1.0 + std::exp(-z));
  }
  // Scores add up past 1 when patterns and evidence agree; squash them into 0..1 so more
  // agreement still reads as more confidence (0.35 -> 0.58, 0.7 -> 0.83, 1.0 -> 0.92).
  double confidence = u.score <= 0.0 ? 0.0 : 1.0 - std::exp(-2.5 * u.score);
  // Two readings nearly as likely: not sure, whatever the score.
  if (u.margin < close_margin_) confidence *= 0.75;
  return confidence;
}

// Reads every sentence: the asking ones decide the intent; background ("we use X today")
// gives no needs. Fills the slots, the cues and each intent's score.
understander::weighed understander::weigh(std::string_view text) const {
  weighed w;
  understanding& result = w.result;
  const std::string folded = text::fold(text);
  std::vector<reading> sentences;
  const auto pieces = text::sentences(folded);
  sentences.reserve(std::max<std::size_t>(pieces.size(), 1));
  for (const auto piece : pieces) sentences.push_back(read(piece));
  if (sentences.empty()) sentences.push_back(read(folded));
  w.sentences = sentences.size();

  const bool any_asks =
      std::any_of(sentences.begin(), sentences.end(), [](const reading& r) { return r.asks; });
  // Background gives no needs when another sentence brings some; a bare "How do I do it?"
  // after "I built a model in Python and want it in my Node app" takes the needs from there.
  const bool any_need = std::any_of(sentences.begin(), sentences.end(), [](const reading& r) {
    return !r.background && (!r.a.topics.empty() || !r.a.mentions.empty());
  });
  analysis message;   // every sentence's words, and the needs of those that are not background
  focus_slots focus;  // the asking sentences
  std::vector<int> hits;
  std::string moving_to;  // where the first sentence that moves something takes it
  for (reading& r : sentences) {
    if (moving_to.empty() && has_cue(r, cue::migrate)) moving_to = destination(r.a.canonical);
    const bool asking = !any_asks || r.asks;
    if (asking) {
      ++w.asking;
      focus.mentions = focus.mentions || !r.a.mentions.empty();
      focus.topics = focus.topics || !r.a.topics.empty();
      focus.technologies = focus.technologies || !r.a.technologies.empty();
      for (const auto& o : r.a.other_technologies) add_unique(result.found.other_technologies, o);
      for (const auto& pair : pairs(r.a)) result.found.compared.push_back(pair);
      hits.insert(hits.end(), r.hits.begin(), r.hits.end());
    } else {
      // A sentence that does not ask still brings its cues and any intent that wins outright.
      for (const int h : r.hits) {
        const pattern_info& p = patterns_[static_cast<std::size_t>(h)];
        const bool winner = std::any_of(wins_.begin(), wins_.end(),
                                        [&](const auto& win) { return win.first == p.intent; });
        if (p.intent == no_intent || winner) hits.push_back(h);
      }
    }
    // Last: the sentence's words move into the message's (only its outside technologies are
    // read again below).
    merge(message, r.a, !r.background || !any_need);
  }
  // Asking about something named before ("Deno feels stable, but Bun is faster. Thoughts?"),
  // or with no need of its own: what is weighed comes from the whole message.
  if (result.found.compared.empty() && (!focus.mentions || !focus.topics)) {
    if (!focus.mentions) {
      for (const reading& r : sentences) {
        for (const auto& o : r.a.other_technologies) add_unique(result.found.other_technologies, o);
      }
    }
    result.found.compared = pairs(message);  // `message` holds every sentence's names
  }
  result.question = message.question;
  result.found.technologies = std::move(message.technologies);
  result.found.topics = std::move(message.topics);
  result.found.by_name = std::move(message.by_name);
  const std::string raw = text::fold(text, text::letter_case::keep);
  extract_people_slots(raw, result.found);
  result.found.context_technologies = surroundings(result.found);

  // First each intent's product of (1 - weight), then its noisy-or, in place.
  std::vector<double>& miss = w.matched;
  miss.assign(intent_names_.size(), 1.0);
  for (const int h : hits) {
    const pattern_info& p = patterns_[static_cast<std::size_t>(h)];
    if (p.intent == no_intent) {
      if (std::find(result.cues.begin(), result.cues.end(), p.cue) == result.cues.end())
        result.cues.push_back(p.cue);
      continue;
    }
    miss[p.intent] *= 1.0 - p.weight;
  }
  for (double& m : miss) m = 1.0 - m;
  settle_cues(result);
  if (result.has_cue(cue::migrate)) result.moving_to = std::move(moving_to);
  w.score = w.matched;
  w.held = apply_evidence(result, focus.technologies, w.score);
  w.hits = std::move(hits);
  result.words = message.canonical.size();
  result.subject = follow_up_subject(subject_, message.canonical);
  result.asked_for = asked_for(subject_, message.canonical);
  result.normalized = std::move(message.normalized);
  w.words = std::move(message.canonical);
  for (auto& word : member_words(message)) w.words.push_back(std::move(word));
  return w;
}

// Frameworks and libraries are rewritten to their side ("django" is "python"), which hides
// from the weighting what the patterns need hidden: "Flask or Django" (a choice inside one
// side, outside the guide) reads like "Flask or Express" (the guide's). Each guide member
// named adds its own name, and the names' shape adds one word: members of one side only,
// two or more of them ("@one_side_members": a choice or a how-to among one side's tools),
// or one of them with its side named by nothing else ("@one_member"; a question about one
// framework), or members of both sides ("@both_sides_members").
std::vector<std::string> understander::member_words(const analysis& message) const {
  std::vector<std::string> out;
  std::vector<std::string> sides;    // guide families named, bare or by a member
  std::vector<std::string> members;  // guide members named, as "@name"
  std::vector<std::string> member_sides;
  for (const auto& m : message.mentions) {
    if (std::find(lex_.technologies.begin(), lex_.technologies.end(), m.family) ==
        lex_.technologies.end()) {
      continue;
    }
    add_unique(sides, m.family);
    if (m.member == m.family) continue;
    add_unique(members, "@" + m.member);
    add_unique(member_sides, m.family);
  }
  if (members.empty()) return out;
  out = members;
  if (member_sides.size() > 1) {
    out.emplace_back("@both_sides_members");
  } else if (sides.size() == 1) {
    out.emplace_back(members.size() > 1 ? "@one_side_members" : "@one_member");
  }
  return out;
}

std::string understander::weighed_words(std::string_view text) const {
  const weighed w = weigh(text);
  std::string out;
  for (const auto& word : w.words) {
    if (!out.empty()) out.push_back(' ');
    out += word;
  }
  return out;
}

// The hand-set choice: the best score, unless an intent that wins outright reaches its mark.
void understander::choose_by_rules(weighed& w) const {
  std::size_t best = fallback_;
  double best_score = 0.0;
  double runner_up = 0.0;
  for (std::size_t i = 0; i < w.score.size(); ++i) {
    if (i == fallback_) continue;
    if (w.score[i] > best_score) {
      runner_up = best_score;
      best_score = w.score[i];
      best = i;
    } else if (w.score[i] > runner_up) {
      runner_up = w.score[i];
    }
  }
  for (const auto& [intent, at_least] : wins_) {
    if (intent != best && w.score[intent] >= at_least) {
      runner_up = best_score;
      best = intent;
      best_score = w.score[intent];
      w.won = true;
      break;
    }
  }
  w.best = best_score < threshold_ ? fallback_ : best;
  w.result.score = best_score;
  w.result.margin = best_score - runner_up;
}

void understander::take_follow_up(weighed& w) const {
  double cue_weight = 0.0;
  for (const int h : w.hits) {
    const pattern_info& p = patterns_[static_cast<std::size_t>(h)];
    if (p.intent == w.best && !p.follow_up.empty() && p.weight > cue_weight) {
      cue_weight = p.weight;
      w.result.follow_up = p.follow_up;
    }
  }
}

// "redirect": a cue that turns the request round ("hire me") takes the intent it forbids
// away, however it was chosen. A written rule decided, so the rules' confidence stands.
bool understander::redirect(weighed& w) const {
  for (const auto& r : redirects_) {
    if (w.best != r.from || !w.result.has_cue(r.cue)) continue;
    w.best = r.to;
    w.kept = true;
    w.result.follow_up.clear();
    return true;
  }
  return false;
}

understanding understander::understand(std::string_view text) const {
  weighed w = weigh(text);
  choose_by_rules(w);
  // A short follow-up ("why?", "what about node?") is read against the conversation, which
  // the weighting never saw (it is fitted on single messages): the rules' reading stands. A
  // longer post that opens with "how about ..." is a message of its own.
  constexpr std::size_t follow_up_words = 8;
  if (w.best != fallback_ && w.sentences == 1 && w.result.words <= follow_up_words)
    take_follow_up(w);
  // A quick reply to a clarifying question ("Just explain it") is the bot's own wording, read
  // by its pattern: three words give the weighting nothing to weigh (it read "Just explain it"
  // as a greeting), so the rules' reading stands for it as for a follow-up.
  if (!w.result.follow_up.empty() || w.result.has_cue(cue::picks_reading)) {
    w.kept = true;
  } else {
    if (learned_ && !w.won && worth_weighing(w)) choose_by_weights(w);
    // Whichever way the intent was chosen (weights, an outright win, no weights loaded); but a
    // long post that says "Why Python?" halfway through asks it of itself, not of the bot.
    constexpr std::size_t own_post_words = 25;
    if (w.best != fallback_ && w.result.words <= own_post_words) take_follow_up(w);
  }
  const bool redirected = redirect(w);
  w.result.unsure = !redirected && worth_asking(w);
  understanding& result = w.result;
  const auto plain = plain_words(text);
  result.yes_or_no = read_yes_no(plain);
  result.asks_booking_status = intents::asks_booking_status(plain);
  result.intent = intents_[w.best];
  if (w.best == fallback_) {
    result.confidence = 0.0;
  } else if (!learned_ || w.won || w.kept) {
    result.confidence = confidence_of(result);
  }
  return std::move(w.result);
}

}  // namespace advisor::intents
