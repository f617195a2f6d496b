#pragma once
// What a follow-up or a "for ..." phrase is about, read from the normalized words with the
// word lists of intents.json's "subject" section.

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace advisor::intents {

struct subject_words {
  std::unordered_set<std::string> leading;   // words that lead a follow-up ("and what about")
  std::unordered_set<std::string> articles;  // dropped after "for"
  std::unordered_set<std::string> project;   // "for my app": the project itself, not a subject
  std::unordered_set<std::string> pronouns;  // "what about it": what was just discussed
  std::size_t max_words = 4;
};

// "and what about security" -> "security"; empty when nothing is left or it is a pronoun.
std::string follow_up_subject(const subject_words& lists, const std::vector<std::string>& words);

// "node or python for security" -> "security"; empty when it names the project or a pronoun,
// or is longer than lists.max_words.
std::string asked_for(const subject_words& lists, const std::vector<std::string>& words);

}  // namespace advisor::intents
