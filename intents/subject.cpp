#include "intents/subject.hpp"

#include <vector>

namespace advisor::intents {
namespace {

std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto end = std::min(text.find(' ', at), text.size());
    if (end > at) out.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

std::string joined(const std::vector<std::string_view>& words, std::size_t from) {
  std::string out;
  for (std::size_t i = from; i < words.size(); ++i) {
    if (!out.empty()) out.push_back(' ');
    out.append(words[i]);
  }
  return out;
}

bool has_pronoun(const subject_words& lists, const std::vector<std::string_view>& words,
                 std::size_t from) {
  for (std::size_t i = from; i < words.size(); ++i) {
    if (lists.pronouns.contains(std::string{words[i]})) return true;
  }
  return false;
}

}  // namespace

std::string follow_up_subject(const subject_words& lists, std::string_view normalized) {
  const auto words = split_words(normalized);
  std::size_t from = 0;
  while (from < words.size() && lists.leading.contains(std::string{words[from]})) ++from;
  if (from == words.size() || has_pronoun(lists, words, from)) return {};
  return joined(words, from);
}

std::string asked_for(const subject_words& lists, std::string_view normalized) {
  const auto words = split_words(normalized);
  std::size_t at = words.size();
  for (std::size_t i = words.size(); i > 0; --i) {
    if (words[i - 1] == "for") {
      at = i;
      break;
    }
  }
  if (at == words.size()) return {};
  while (at < words.size() && lists.articles.contains(std::string{words[at]})) ++at;
  const std::size_t count = words.size() - at;
  if (count == 0 || count > lists.max_words || has_pronoun(lists, words, at)) return {};
  if (lists.project.contains(std::string{words.back()})) return {};
  return joined(words, at);
}

}  // namespace advisor::intents
