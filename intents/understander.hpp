#pragma once
// The compiled understander: lexicon + one pattern set over every intent pattern.
// Immutable after compile_understander(); every const member is safe to call concurrently.

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <re2/re2.h>
#include <boost/unordered/unordered_flat_map.hpp>

#include "intents/lexicon.hpp"
#include "intents/pattern_set.hpp"
#include "intents/subject.hpp"
#include "intents/typo_corrector.hpp"
#include "intents/understanding.hpp"

namespace advisor::intents {

// Hashes strings and string_views alike, so a table keyed by std::string is looked up by a
// std::string_view without a temporary string (with std::equal_to<>).
struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

// Text after normalization, before intent matching. Also what the knowledge compiler uses
// to tag guide sentences, so a question's topics and a sentence's topics meet by construction.
struct analysis {
  std::vector<std::string> words;      // tokens after typo correction, before rewriting
  std::vector<std::string> canonical;  // tokens after synonym rewriting ("node", "ml", ...)
  std::string normalized;              // `canonical` joined by single spaces
  std::vector<std::string> technologies;
  std::vector<std::string> other_technologies;
  std::vector<std::string> topics;   // in order of first mention
  std::vector<std::string> by_name;  // topics only a framework's name brings, beside a concept
  // Every technology named, guide or other, in order: id (family), the name as written
  // (member: "express" of "node"), and its index in `canonical`.
  struct mention {
    std::string family;
    std::string member;
    std::size_t at = 0;
  };
  std::vector<mention> mentions;
  bool question = false;
};

// Conditions on the slots that raise or lower an intent's score ("evidence" in intents.json).
enum class evidence_kind {
  topic,                  // any topic found
  technology,             // any guide technology
  two_technologies,       // at least two guide technologies ("node or python")
  other_technology,       // any technology the guide does not cover
  only_other_technology,  // other technologies and no guide technology ("go vs rust")
  question,               // '?' or a leading question word
  email,
  person_name,
  date,
  no_slots,             // no technology, topic, or other technology
  feature_topic,        // a topic naming a feature or concept ("npm", "gil"): lexicon "feature"
  only_feature_topics,  // topics found, and every one a feature
  guide_pair,           // the asking sentence sets Node.js against Python ("express or django")
  outside_pair,         // it sets other things against each other, and no guide pair
                        // ("go vs rust", "django or fastapi", "laravel or node")
  cue,                  // "cue:NAME": the cue NAME was found (intents.json's "cues")
};

// The conditions on slots by the name intents.json spells them ("cue" is "cue:NAME" there).
inline constexpr std::array<std::pair<evidence_kind, std::string_view>, 14> slot_conditions = {{
    {evidence_kind::topic, "topic"},
    {evidence_kind::technology, "technology"},
    {evidence_kind::two_technologies, "two_technologies"},
    {evidence_kind::other_technology, "other_technology"},
    {evidence_kind::only_other_technology, "only_other_technology"},
    {evidence_kind::question, "question"},
    {evidence_kind::email, "email"},
    {evidence_kind::person_name, "person_name"},
    {evidence_kind::date, "date"},
    {evidence_kind::no_slots, "no_slots"},
    {evidence_kind::feature_topic, "feature_topic"},
    {evidence_kind::only_feature_topics, "only_feature_topics"},
    {evidence_kind::guide_pair, "guide_pair"},
    {evidence_kind::outside_pair, "outside_pair"},
}};

struct evidence_rule {
  std::size_t intent = 0;  // index into understander's intent names
  evidence_kind when = evidence_kind::topic;
  double add = 0.0;  // may be negative
  std::string cue;   // for evidence_kind::cue
};

inline constexpr std::size_t no_intent = static_cast<std::size_t>(-1);  // a cue's pattern

struct pattern_info {
  std::size_t intent = 0;
  double weight = 0.0;
  std::string follow_up;  // non-empty when the pattern recognises a follow-up
  std::string cue;        // non-empty for a pattern of intents.json's "cues": no intent score
};

// How comparisons are recognised: "<tech> [words] <connector> [words] <tech>".
struct comparison_words {
  std::unordered_set<std::string> connectors;  // "vs", "or", "over", ...
  std::unordered_set<std::string> between;     // "and" connects only with one of these
  std::size_t max_gap = 4;                     // words allowed between the two names
  bool from_to = false;                        // "from <tech> to <tech>" is a comparison too
  // "from X to Y" shortly after one of these is data moving between the two ("stream frames
  // from Flask to Node"), not a move of the project: no pair.
  std::unordered_set<std::string> flows;
  std::size_t flow_reach = 5;  // words before "from" where a flow word counts
};

// Slot extractors, compiled from intents.json's "slots" (case-insensitive, on the text as typed).
struct slot_patterns {
  std::unique_ptr<re2::RE2> email;        // the whole match is the address
  std::unique_ptr<re2::RE2> strong_name;  // group 1: "my name is X": X is taken even if a word
  std::unique_ptr<re2::RE2> weak_name;    // group 1: "I'm X": X only if not a known word
  std::unique_ptr<re2::RE2> date;         // the longest leftmost match is the date text
};

// Every part compile_understander() validated, handed over whole.
struct understander_parts {
  lexicon lex;
  std::vector<std::string> intent_names;  // as intents.json spells them, in its order
  std::vector<intent> intent_ids;         // parallel to intent_names
  std::vector<pattern_info> patterns;     // parallel to the pattern set's indices
  std::unique_ptr<pattern_set> set;
  std::vector<evidence_rule> evidence;
  std::vector<std::string> question_words;
  slot_patterns slot_res;
  double threshold = 0.3;  // best score below this -> "fallback"
  comparison_words comparing;
  // An intent whose score reaches its value here wins over every other ("a lead anywhere
  // in a message wins").
  std::vector<std::pair<std::size_t, double>> wins;
  // An intent never given when a cue says the request goes the other way (an agency's pitch is
  // no lead): the message gets `to` instead, whichever way it was chosen.
  struct redirect {
    std::size_t from = 0;
    std::string cue;
    std::size_t to = 0;
  };
  std::vector<redirect> redirects;
  double close_margin = 0.0;  // best and runner-up closer than this: confidence is lowered
  // Confidence = logistic(bias + score * s + margin * m + words * log(1 + n)), fitted on the
  // tuning part of the real set (tests/eval/real/calibrate.py); absent: a squashed score.
  struct calibration {
    double bias = 0.0;
    double score = 0.0;
    double margin = 0.0;
    double words = 0.0;
  };
  std::optional<calibration> calibrated;
  subject_words subject;
  std::map<std::string, std::vector<std::string>> cue_topics;  // topics a cue brings ("hybrid")
  // Topics a cue brings only beside one of some needs: an existing Node.js service and a need
  // on the Python side ("our backend is Express; we now need ML") is the both-together answer.
  // A need written "cue:NAME" holds when that cue does (the other side's part named elsewhere).
  struct cue_with_need {
    std::vector<std::string> needs;
    std::vector<std::string> topics;
  };
  std::map<std::string, cue_with_need> cue_topics_with_need;
  static constexpr std::string_view cue_need_prefix = "cue:";
  std::set<std::string> choice_cancels;  // cues that do not hold when a choice is asked
  // A cue that holds takes these away: "alternatives" (several options offered) is no yes/no
  // question ("polar"); a job ad's company describing its services ("offers_work") still hires;
  // a sentence that turns to the project asked about is no background.
  std::map<std::string, std::set<std::string>> cue_cancels;
  std::set<std::string> choice_cues;  // cues that ask for a choice ("migrate")
  // Joining the two sides ("call my python script from node", "hook them up") is what is
  // asked, not a how-to or a search for a library: while one of `join_cues` holds, the cues of
  // `join_cancels` do not, unless one of `join_kept_by` does (a named bridge library: a
  // question about one tool of the plumbing stays one).
  std::set<std::string> join_cues;
  std::set<std::string> join_cancels;
  std::set<std::string> join_kept_by;
  // The sides a join needs named, each a list of technologies, topics or "cue:NAME": a joining
  // word beside one side only ("use node as a backend", "both basic python and discord")
  // cancels nothing. Empty: any joining cue cancels.
  std::vector<std::vector<std::string>> join_sides;
  // Needs of both sides in one message ("predictions on data coming in over websockets"):
  // when each group of `sides` has a topic asked, `topics` are added (the both-together one).
  struct needs_on_both_sides {
    std::vector<std::vector<std::string>> sides;
    std::vector<std::string> topics;
  };
  needs_on_both_sides both_sides;
  // Kinds of outside technology that are the project's surroundings when named alone (a React
  // frontend, a Postgres database): only a competitor (a language, a backend framework) or
  // a pair set against each other puts a question outside the guide.
  std::set<std::string> context_kinds;
  // Readings worth a clarifying question when close, as (top, runner-up) intent indices
  // (intents.json "clarify"): a choice the visitor can make, never one with a lead on top.
  std::vector<std::pair<std::size_t, std::size_t>> clarify;
  // Weights learned from labelled messages (intents/data/weights.json): when present they,
  // not the hand-set scores alone, choose among the intents (see docs/understanding.md).
  struct learned {
    std::vector<double> bias;                  // per intent
    std::vector<std::vector<double>> weights;  // per intent, per feature (feature_names())
    // Per word of the normalized text ("w:<word>" in weights.json): per intent.
    boost::unordered_flat_map<std::string, std::vector<double>, string_hash, std::equal_to<>> words;
    double temperature = 1.0;  // the confidence is the softmax of the sums divided by this
    // Per (top, runner-up) listed in `clarify`: closer than this, the reading is `unsure`.
    // Chosen by train.py on the tuning part's cross-validation (docs/understanding.md); a
    // pair not named here is never asked about.
    std::map<std::pair<std::size_t, std::size_t>, double> clarify_margins;
    // Below this top probability the rules' choice stands: the weighting had too little to
    // weigh ("why?" alone). Chosen by train.py on left-out messages; 0 never.
    double rules_below = 0.0;
    // The same for a chat line of at most `short_words` words, which the rules were written
    // for and the weighting (fitted mostly on long posts) has little to weigh in: below
    // `short_rules_below` the rules' choice stands. Fixed in train.py; 0 never.
    std::size_t short_words = 0;
    double short_rules_below = 0.0;
  };
  std::optional<learned> weighting;
};

// The names of understander::features(), from the intents and the cues intents.json defines
// and the topics and kinds of outside technologies the lexicon defines.
std::vector<std::string> feature_names(const std::vector<std::string>& intent_names,
                                       const std::vector<std::string>& cue_names,
                                       const lexicon& lex);
// The kinds of technologies outside the guide ("database", "language", ...), sorted.
std::vector<std::string> other_kinds(const lexicon& lex);
// Every cue the patterns set, in the order first defined.
std::vector<std::string> cue_names(const std::vector<pattern_info>& patterns);

class understander {
 public:
  explicit understander(understander_parts parts);
  ~understander();
  understander(const understander&) = delete;
  understander& operator=(const understander&) = delete;

  // The one call per message: intent, confidence, slots, follow-up cue.
  understanding understand(std::string_view text) const;

  // Normalization, typo correction, synonym rewriting and slot-free extraction.
  analysis analyze(std::string_view text) const;

  // The vocabulary word `word` is corrected to, or `word` itself when none is close enough.
  std::string correct(std::string_view word) const;

  // What the learned weighting reads of a message, by name: each intent's pattern match and
  // hand-set score, each slot condition, each cue, the rules' choice and the message's shape.
  // Tools write these for training (tests/eval/real/train.py); the names are weights.json's.
  std::vector<std::string> feature_names() const;
  std::vector<double> features(std::string_view text) const;
  // Whether an intent listed under intents.json "wins" took the message outright, so the
  // learned weighting is not asked (train.py leaves these out of the clarify margins).
  bool won_outright(std::string_view text) const;
  // The words the learned weighting weighs: the normalized text's, then one word per framework
  // or library of a guide side named ("@django"; the text says "python") and the shape of
  // those names ("@one_side_members": two or more of one side, the other side unnamed).
  std::string weighed_words(std::string_view text) const;

  const lexicon& vocabulary() const { return lex_; }
  const std::vector<std::string>& intent_names() const { return intent_names_; }
  double threshold() const { return threshold_; }
  // intents.json's "clarify" readings by name, (top, runner-up): what train.py chooses the
  // clarify margin over.
  std::vector<std::pair<std::string, std::string>> clarify_readings() const;

 private:
  // What the lexicon and the question words say of one word: a message's word is hashed once,
  // where asking each table in turn hashed it about five times.
  struct word_facts {
    const std::vector<phrase>* rewrites = nullptr;  // lexicon::rewrites that start with it
    const std::vector<phrase>* topics = nullptr;    // lexicon::topic_phrases that start with it
    bool has_kind = false;                          // a one-token canonical form ...
    term_kind kind = term_kind::synonym;            // ... of this kind
    bool known = false;                             // lexicon::known: never corrected
    bool negation = false;                          // lexicon::negations
    bool question = false;                          // a question word
  };
  using word_list = std::vector<const word_facts*>;  // per word; null: none of the tables has it
  const word_facts* facts_of(std::string_view word) const;
  void index_words();

  void rewrite_and_tag(analysis& out, const word_list& facts) const;
  analysis::mention mention_of(const std::string& id, const std::string& member,
                               std::size_t at) const;

  void extract_people_slots(std::string_view raw, slots& out) const;

  // One sentence (or the whole message) analyzed and matched.
  struct reading {
    analysis a;
    std::vector<int> hits;
    bool asks = false;        // a question, or a request ("I need ..."): the sentence that asks
    bool background = false;  // says what is, not what is wanted ("we currently use ...")
  };
  reading read(std::string_view folded) const;
  bool has_cue(const reading& r, std::string_view cue) const;
  bool cue_stands(const reading& r, std::string_view cue) const;
  std::vector<std::pair<std::string, std::string>> pairs(const analysis& a) const;
  void listed_choice(const analysis& a,
                     std::vector<std::pair<std::string, std::string>>& out) const;
  // A message read whole: its understanding so far and what each intent scored.
  struct weighed {
    understanding result;
    std::vector<int> hits;
    std::vector<std::string> words;                   // the message's normalized words
    std::vector<double> matched;                      // per intent: the patterns' noisy-or
    std::vector<double> score;                        // per intent: matched plus evidence
    std::array<bool, slot_conditions.size()> held{};  // which slot conditions held
    std::size_t sentences = 0;
    std::size_t asking = 0;
    std::size_t best = 0;            // the chosen intent
    std::size_t second = no_intent;  // the learned weighting's runner-up
    bool won = false;                // chosen because it wins outright ("wins")
    bool kept = false;               // the weighting was too unsure: the rules' choice stands
  };
  std::vector<std::string> member_words(const analysis& message) const;
  weighed weigh(std::string_view text) const;
  void choose_by_rules(weighed& w) const;
  bool worth_weighing(const weighed& w) const;
  void choose_by_weights(weighed& w) const;
  void take_follow_up(weighed& w) const;
  bool worth_asking(const weighed& w) const;
  bool redirect(weighed& w) const;
  // The learned weighting's features as (place in feature_names(), value), in that order: every
  // place but those of the cues and topics not found, which are 0. The softmax adds these alone,
  // where it scanned a few hundred places for the few that are not 0.
  using feature_list = std::vector<std::pair<std::size_t, double>>;
  std::size_t feature_values(const weighed& w, feature_list& out) const;  // items written
  std::size_t feature_count() const;
  // What is read of the asking sentences together, beside the message's slots.
  struct focus_slots {
    bool mentions = false;      // a technology named, guide or other
    bool topics = false;        // a topic found
    bool technologies = false;  // a guide technology named
  };
  std::array<bool, slot_conditions.size()> conditions(const understanding& u,
                                                      bool focus_technology) const;
  std::array<bool, slot_conditions.size()> apply_evidence(const understanding& u,
                                                          bool focus_technology,
                                                          std::vector<double>& score) const;
  bool guide_pair(const slots& s) const;
  bool one_guide_family(const std::pair<std::string, std::string>& pair) const;
  bool flows_before(const analysis& a, std::size_t from) const;
  bool competitor_named(const slots& s) const;
  std::vector<std::string> surroundings(const slots& s) const;
  double confidence_of(const understanding& u) const;
  void settle_cues(understanding& u) const;
  std::string destination(const std::vector<std::string>& canonical) const;
  analysis analyze_folded(std::string_view folded, bool question) const;
  std::optional<std::string> take_name(std::string_view raw, bool strong) const;

  lexicon lex_;
  std::vector<std::string> intent_names_;
  std::vector<intent> intents_;  // parallel to intent_names_
  std::vector<pattern_info> patterns_;
  std::unique_ptr<pattern_set> set_;
  std::vector<evidence_rule> evidence_;
  std::unordered_set<std::string> question_words_;
  slot_patterns slot_res_;
  double threshold_ = 0.3;
  comparison_words comparing_;
  std::vector<std::pair<std::size_t, double>> wins_;
  std::vector<understander_parts::redirect> redirects_;
  double close_margin_ = 0.0;
  std::optional<understander_parts::calibration> calibrated_;
  subject_words subject_;
  std::map<std::string, std::vector<std::string>> cue_topics_;
  std::map<std::string, understander_parts::cue_with_need> cue_topics_with_need_;
  std::set<std::string> choice_cancels_;
  std::map<std::string, std::set<std::string>> cue_cancels_;
  std::set<std::string> choice_cues_;
  std::set<std::string> join_cues_;
  std::set<std::string> join_cancels_;
  std::set<std::string> join_kept_by_;
  std::vector<std::vector<std::string>> join_sides_;
  understander_parts::needs_on_both_sides both_sides_;
  std::set<std::string> context_kinds_;
  std::vector<std::pair<std::size_t, std::size_t>> clarify_;
  std::optional<understander_parts::learned> learned_;
  std::vector<std::string> cue_names_;  // every cue intents.json defines, in order
  std::vector<std::string> other_kinds_;
  std::size_t fallback_ = 0;
  // Single-token canonical forms -> their kind, for slot extraction after rewriting.
  std::unordered_map<std::string, term_kind> canonical_kind_;
  boost::unordered_flat_map<std::string, word_facts, string_hash, std::equal_to<>> facts_;
  std::vector<word_list> canonical_facts_;  // per lexicon::canonical entry, per token
  // Each lexicon topic's place in lexicon::topics (the learned weighting's topic features).
  boost::unordered_flat_map<std::string, std::size_t, string_hash, std::equal_to<>> topic_at_;
  // Each cue's place in cue_names_ (the learned weighting's cue features).
  boost::unordered_flat_map<std::string, std::size_t, string_hash, std::equal_to<>> cue_at_;
  // Per evidence rule: its slot condition's place in slot_conditions (unused for a cue), so
  // that no list is searched per rule and message.
  std::vector<std::size_t> evidence_slot_;
  typo_corrector typos_;
  // The learned weights feature by feature, each feature's per intent side by side (learned::
  // weights is intent by intent): the softmax reads one feature's weights in a row.
  std::vector<double> weights_by_feature_;
};

}  // namespace advisor::intents
