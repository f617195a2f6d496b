#include "intents/subject.hpp"

#include <algorithm>
#include <vector>

#include "intents/text.hpp"

namespace advisor::intents {
namespace {

bool has_pronoun(const subject_words& lists, const std::vector<std::string>& words,
                 std::size_t from) {
  return std::any_of(words.begin() + static_cast<std::ptrdiff_t>(from), words.end(),
                     [&](const std::string& w) { return lists.pronouns.contains(w); });
}

}  // namespace

std::string follow_up_subject(const subject_words& lists, const std::vector<std::string>& words) {
  std::size_t from = 0;
  while (from < words.size() && lists.leading.contains(words[from])) ++from;
  if (from == words.size() || has_pronoun(lists, words, from)) return {};
  return text::join_words(words, from);
}

std::string asked_for(const subject_words& lists, const std::vector<std::string>& words) {
  std::size_t at = words.size();
  for (std::size_t i = words.size(); i > 1; --i) {  // the last "for" after the first word
    if (words[i - 1] == "for") {
      at = i;
      break;
    }
  }
  if (at == words.size()) return {};
  while (at < words.size() && lists.articles.contains(words[at])) ++at;
  const std::size_t count = words.size() - at;
  if (count == 0 || count > lists.max_words || has_pronoun(lists, words, at)) return {};
  if (lists.project.contains(words.back())) return {};
  return text::join_words(words, at);
}

}  // namespace advisor::intents
