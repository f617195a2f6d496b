#pragma once
// The lexicon: vocabulary the normalizer works with, compiled from lexicon.txt.
// The file's format is documented at the top of intents/data/lexicon.txt.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include "intents/understanding.hpp"

namespace advisor::intents {

// What a recognised phrase is.
enum class term_kind : std::uint8_t {
  synonym,     // rewritten to its canonical tokens, nothing else
  technology,  // a technology the guide covers ("node", "python")
  other,       // a technology the guide does not cover ("go", "rust")
  topic,       // a need or subject ("streaming", "gil")
};

// One phrase of the lexicon: token sequence -> what it stands for.
struct phrase {
  std::vector<std::string> tokens;  // as text::tokenize produces them
  term_kind kind = term_kind::synonym;
  std::uint32_t target = 0;  // index into lexicon::canonical (rewrites) or ::topics (topics)
  std::string member;        // tech/other: which one of the family ("express" of node), or empty
};

struct lexicon {
  // Canonical forms that rewrites produce, e.g. "node", "machine learning" -> "ml".
  std::vector<std::vector<std::string>> canonical;
  std::vector<term_kind> canonical_kind;  // parallel to `canonical`
  std::vector<std::string> topics;        // topic ids in file order
  std::vector<std::string> technologies;  // guide technology ids in file order
  std::vector<std::string> others;        // other technology ids in file order
  // Family of each member named on a "tech <id> <member>:" line ("django" -> "python").
  std::unordered_map<std::string, std::string> family;

  // Rewrite phrases and topic phrases, indexed by their first token, longest first.
  std::unordered_map<std::string, std::vector<phrase>> rewrites;
  std::unordered_map<std::string, std::vector<phrase>> topic_phrases;

  std::unordered_set<std::string> features;   // topic ids naming a feature or concept (npm, gil)
  std::unordered_set<std::string> negations;  // "no", "little": the topic after it is not asked
  std::unordered_set<std::string> keep;       // known words the typo corrector never changes
  std::vector<std::string> vocabulary;        // typo-correction targets (alpha words, >= 4 letters)
  std::unordered_set<std::string> known;      // keep + every word of every form: never corrected
};

// Parses lexicon.txt. Errors carry the file name and the 1-based line.
std::variant<lexicon, load_error> parse_lexicon(const text_file& file);

}  // namespace advisor::intents
