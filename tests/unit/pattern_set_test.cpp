// The pattern set reports what one RE2::Set over the same patterns reports, on every text of
// the evaluation sets, whichever part (words, or filtered) each pattern lands in.
#include <catch2/catch.hpp>

#include <re2/set.h>
#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "intents/pattern_set.hpp"
#include "intents/text.hpp"
#include "tests/support/source_files.hpp"

namespace {

using advisor::intents::pattern_set;

// In the style of intents.json once its macros are expanded: word alternations, anchors, word
// gaps, digits, any character, negated classes.
const std::vector<std::string> patterns = {
    R"(\b(?:thanks|thank you|cheers)\b)",
    R"(^(?:hi|hello|hey)(?: (?:there|team))?$)",
    R"(\b(?:node|python)(?: \w+){0,3} (?:vs|or|and|against) (?:\w+ ){0,3}(?:node|python)\b)",
    R"(\b(?:how much|what) (?:do|does|would) (?:you|it) (?:charge|cost)\b)",
    R"(\b(?:hire|contract|engage) (?:\w+ ){0,2}(?:team|developer|you)\b)",
    R"(\b(?:machine learning|ml|ai|pytorch|tensorflow)\b)",
    R"(\bin \d+ days?\b)",
    R"(^(?:ok|k|kk|cool)$)",
    R"(\bwhat is (?:the )?\w+\b)",
    R"(real.?time)",
    R"(\b(?:we|our team) [^ ]+ (?:node|python)\b)",
    R"(\b(?:chat|websocket|streaming)s?\b)",
    R"(\b(?:is|are) (?:\w+ )?(?:better|faster|slower)\b)",
    R"(\bcan (?:i|we) use both\b)",
    R"(\b(?:job|salary|career|course)s?\b)",
    R"((?:\w+ ){6,}\w+\?)",
};

std::vector<std::string> eval_texts() {
  std::vector<std::string> out;
  for (const char* file : {"tests/eval/utterances.jsonl", "tests/eval/real/tune.jsonl",
                           "tests/eval/real/heldout.jsonl"}) {
    std::istringstream lines{advisor::test::read_source_file(file)};
    for (std::string line; std::getline(lines, line);) {
      const auto item = nlohmann::json::parse(line, nullptr, false);
      if (!item.is_object() || !item.contains("text")) continue;
      const std::string folded = advisor::intents::text::fold(item.at("text").get<std::string>());
      out.push_back(folded);
      for (const auto piece : advisor::intents::text::sentences(folded)) out.emplace_back(piece);
    }
  }
  return out;
}

std::vector<int> reference(const re2::RE2::Set& set, const std::string& text) {
  std::vector<int> hits;
  set.Match(text, &hits);
  std::sort(hits.begin(), hits.end());
  return hits;
}

}  // namespace

TEST_CASE("pattern set: a pattern that can match words it does not name is told apart") {
  CHECK(pattern_set::skips_words(R"(\bnode (?:\w+ ){0,3}python\b)"));
  CHECK(pattern_set::skips_words("real.?time"));
  CHECK(pattern_set::skips_words("we [^ ]+ node"));
  CHECK(pattern_set::skips_words(R"(in \d+ days)"));
  CHECK_FALSE(pattern_set::skips_words(R"(\b(?:thanks|thank you)\b)"));
  CHECK_FALSE(pattern_set::skips_words(R"(^(?:hi|hello)$)"));
  CHECK_FALSE(pattern_set::skips_words(R"(node\.js)"));  // an escaped dot is a dot
  CHECK_FALSE(pattern_set::skips_words(R"(c\+\+)"));
}

TEST_CASE("pattern set: every text of the evaluation sets gets RE2::Set's hits") {
  re2::RE2::Options options;
  options.set_log_errors(false);
  pattern_set mine{options};
  re2::RE2::Set theirs{options, re2::RE2::UNANCHORED};
  std::size_t skipping = 0;
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    std::string error;
    REQUIRE(mine.add(patterns[i], error) == static_cast<int>(i));
    REQUIRE(theirs.Add(patterns[i], nullptr) == static_cast<int>(i));
    if (pattern_set::skips_words(patterns[i])) ++skipping;
  }
  REQUIRE(skipping >= 5);  // both parts are exercised
  REQUIRE(skipping + 5 <= patterns.size());
  REQUIRE(mine.compile());
  REQUIRE(theirs.Compile());
  REQUIRE(mine.size() == patterns.size());

  const auto texts = eval_texts();
  REQUIRE(texts.size() > 2000);
  std::size_t matched = 0;
  std::vector<int> hits;
  for (const auto& text : texts) {
    mine.match(text, hits);
    INFO(text);
    REQUIRE(hits == reference(theirs, text));
    if (!hits.empty()) ++matched;
  }
  CHECK(matched > texts.size() / 4);
}

TEST_CASE(
    "pattern set: a bad pattern is refused with RE2's reason, and an empty set does not compile") {
  re2::RE2::Options options;
  options.set_log_errors(false);
  pattern_set set{options};
  std::string error;
  CHECK(set.add("(?:unclosed", error) == -1);
  CHECK(error.find("missing )") != std::string::npos);
  CHECK(set.add(R"(x (?:\w+ ){0,2}[z)", error) == -1);
  CHECK_FALSE(error.empty());
  CHECK(set.size() == 0);
  CHECK_FALSE(set.compile());
}
