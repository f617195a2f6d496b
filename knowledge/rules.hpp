#pragma once
// The compiled knowledge.txt: how to read a guide and how to weigh it. Internal to knowledge/.

#include <re2/re2.h>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "knowledge/knowledge.hpp"

namespace advisor::knowledge {

using phrase_list = std::vector<std::vector<std::string>>;  // token sequences

struct knowledge_base::rules {
  std::size_t heading_max_words = 8;                       // a heading is a short line ...
  std::size_t heading_max_chars = 60;                      // ... without a final . ! ? or :
  std::vector<std::unique_ptr<re2::RE2>> skip_line;        // dropped lines
  std::vector<std::unique_ptr<re2::RE2>> skip_section;     // dropped sections (by heading)
  std::vector<std::unique_ptr<re2::RE2>> stop_at;          // a heading that ends the content
  std::vector<std::unique_ptr<re2::RE2>> summary_section;  // concluding sections' headings
  std::set<std::string> abbreviations;                     // "e.g." does not end a sentence
  std::set<std::string> contrast;                          // words that split claims
  phrase_list strength;
  phrase_list limit;
  phrase_list hedge;
  phrase_list both;
  phrase_list hybrid;
  // Looked up by string_view (transparent comparison): no key is copied per lookup.
  std::set<std::string, std::less<>> detail;       // topics for explain only, never needs
  std::set<std::string, std::less<>> generic;      // weighed only when nothing specific is asked
  std::set<std::string, std::less<>> together;     // topics asking for both technologies at once
  std::set<std::string, std::less<>> left_behind;  // what a move away from their side leaves
  using topic_lists = std::map<std::string, std::vector<std::string>, std::less<>>;
  topic_lists counterpart;  // need -> topics of the other side
  topic_lists yields;       // need -> stated facts that outweigh it
  std::map<std::string, std::string, std::less<>> definitions;  // topic -> one clause saying what
  std::map<std::string, std::string, std::less<>> labels;       // topic -> how answers name it
  std::vector<std::pair<std::string, int>>
      topic_refs;                     // (topic, line) to check against the lexicon
  double decisive_ratio = 2.0;        // the winner needs this many times the loser's support
  double hedge_factor = 0.5;          // a hedged claim weighs this much
  bool hedged_alone_decides = false;  // a hedged strength wins a need no other side speaks to
};

std::variant<std::unique_ptr<knowledge_base::rules>, load_error> parse_rules(const text_file& file);

}  // namespace advisor::knowledge
