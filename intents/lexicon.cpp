#include "intents/lexicon.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include "intents/text.hpp"

namespace advisor::intents {
namespace {

using text::trim;

// Ids are lower-case tokens; a synonym's canonical form may be several words ("what is").
bool valid_id(std::string_view id, bool words_allowed) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '+' ||
           c == '#' || (words_allowed && c == ' ');
  });
}

std::vector<std::string> split(std::string_view list, bool on_spaces_too) {
  auto out = text::split_list(list, on_spaces_too ? ", \t" : ",");
  if (on_spaces_too) std::erase(out, std::string{});
  return out;
}

std::optional<term_kind> kind_of(std::string_view directive) {
  if (directive == "synonym") return term_kind::synonym;
  if (directive == "tech") return term_kind::technology;
  if (directive == "other") return term_kind::other;
  if (directive == "topic") return term_kind::topic;
  return std::nullopt;
}

struct builder {
  explicit builder(const text_file& f) : file(f) {}

  const text_file& file;
  lexicon lex;
  std::map<std::string, std::uint32_t> canonical_index;  // joined canonical -> index
  std::map<std::string, std::uint32_t> topic_index;
  // joined form -> (what it stands for, line), to report conflicting definitions.
  std::map<std::string, std::pair<std::string, int>> rewrite_owner;
  std::map<std::string, int> topic_form_seen;  // "topic|form" -> line
  std::unordered_set<std::string> vocabulary_seen;
  bool any_technology = false;
  std::vector<std::pair<std::string, int>> feature_refs;  // checked once every topic is known

  load_error error(int line, std::string message) const {
    return load_error{file.name, line, std::move(message)};
  }

  void add_known(const std::vector<std::string>& tokens, bool typo_target) {
    for (const auto& t : tokens) {
      lex.known.insert(t);
      if (typo_target && t.size() >= 4 && text::is_alpha_word(t) &&
          vocabulary_seen.insert(t).second) {
        lex.vocabulary.push_back(t);
      }
    }
  }

  std::optional<load_error> add_terms(term_kind kind, const std::string& id,
                                      const std::string& member, std::string_view list, int line) {
    std::vector<std::string> id_tokens;
    text::tokenize(text::fold(id), id_tokens);
    std::uint32_t target = 0;
    if (kind == term_kind::topic) {
      auto [it, fresh] = topic_index.emplace(id, static_cast<std::uint32_t>(lex.topics.size()));
      if (fresh) lex.topics.push_back(id);
      target = it->second;
    } else {
      const std::string key = text::join_words(id_tokens);
      auto [it, fresh] =
          canonical_index.emplace(key, static_cast<std::uint32_t>(lex.canonical.size()));
      if (fresh) {
        lex.canonical.push_back(id_tokens);
        lex.canonical_kind.push_back(kind);
        if (kind == term_kind::technology) lex.technologies.push_back(id);
        if (kind == term_kind::other) lex.others.push_back(id);
      } else if (lex.canonical_kind[it->second] != kind) {
        return error(line, "\"" + id + "\" was declared before as another kind of term");
      }
      target = it->second;
    }
    const bool typo_target = kind != term_kind::other;
    add_known(id_tokens, typo_target);

    std::vector<std::string> forms = split(list, false);
    forms.push_back(id);  // the id stands for itself
    for (std::size_t k = 0; k < forms.size(); ++k) {
      const std::string& form = forms[k];
      if (form.empty()) {
        return error(line, k + 1 == forms.size() ? "empty id" : "empty entry in the list");
      }
      std::vector<std::string> tokens;
      text::tokenize(text::fold(form), tokens);
      if (tokens.empty()) return error(line, "entry \"" + form + "\" has no words");
      add_known(tokens, typo_target);
      const std::string joined = text::join_words(tokens);
      if (kind == term_kind::topic) {
        if (!topic_form_seen.emplace(id + "|" + joined, line).second) continue;
        lex.topic_phrases[tokens.front()].push_back(phrase{tokens, kind, target, {}});
        continue;
      }
      auto [owner, fresh] =
          rewrite_owner.emplace(joined, std::pair{text::join_words(id_tokens), line});
      if (!fresh) {
        if (owner->second.first == text::join_words(id_tokens)) continue;
        return error(line, "\"" + joined + "\" already stands for \"" + owner->second.first +
                               "\" (line " + std::to_string(owner->second.second) + ")");
      }
      // An id that only stands for itself needs no rewrite (and must not shadow longer ones).
      if (tokens == id_tokens) continue;
      lex.rewrites[tokens.front()].push_back(phrase{tokens, kind, target, member});
    }
    return std::nullopt;
  }

  // "keep:", "vocab:", "feature:" or "negation:" followed by single words.
  std::optional<load_error> add_words(const std::string& directive, std::string_view list,
                                      int line) {
    const auto words = split(list, true);
    if (words.empty()) return error(line, "no entries after ':'");
    for (const auto& w : words) {
      std::vector<std::string> tokens;
      text::tokenize(text::fold(w), tokens);
      if (tokens.size() != 1 || tokens.front() != w)
        return error(line, "\"" + w + "\" is not a single lower-case word");
      if (directive == "feature") {
        feature_refs.emplace_back(w, line);
      } else if (directive == "negation") {
        lex.negations.insert(w);
        lex.known.insert(w);
      } else if (directive == "keep") {
        lex.keep.insert(w);
        lex.known.insert(w);
      } else {
        add_known(tokens, true);
      }
    }
    return std::nullopt;
  }

  // "tech <id> <member>:": the entries are one member of the family <id> ("node express").
  std::optional<load_error> split_member(std::string& id, std::string& member, int line) {
    const auto space = id.find(' ');
    if (space == std::string::npos) return std::nullopt;
    member = std::string{trim(std::string_view{id}.substr(space + 1))};
    id.resize(space);
    if (!valid_id(member, false)) return error(line, "bad member name \"" + member + "\"");
    const auto [known, fresh] = lex.family.emplace(member, id);
    if (!fresh && known->second != id)
      return error(line, "\"" + member + "\" is a member of \"" + known->second + "\" already");
    return std::nullopt;
  }

  // One directive line (not blank, not a comment).
  std::optional<load_error> add_line(std::string_view line, int line_no) {
    const auto colon = line.find(':');
    const auto head_end = std::min(colon, line.find_first_of(" \t"));
    const std::string directive{line.substr(0, head_end)};
    const auto kind = kind_of(directive);
    const bool word_list = directive == "keep" || directive == "vocab" || directive == "feature" ||
                           directive == "negation";
    if (!kind && !word_list) return error(line_no, "unknown directive \"" + directive + "\"");
    if (colon == std::string_view::npos) {
      return error(line_no,
                   "expected \"" + directive + (word_list ? "" : " <id>") + ": <entries>\"");
    }
    std::string id{trim(line.substr(head_end, colon - head_end))};
    const std::string_view list = trim(line.substr(colon + 1));
    if (word_list) {
      if (!id.empty()) return error(line_no, "\"" + directive + "\" takes no id");
      return add_words(directive, list, line_no);
    }
    std::string member;
    if (*kind == term_kind::technology || *kind == term_kind::other) {
      if (auto err = split_member(id, member, line_no)) return err;
    }
    if (id.empty()) return error(line_no, "\"" + directive + "\" needs an id before ':'");
    if (!valid_id(id, *kind == term_kind::synonym)) {
      return error(line_no,
                   "bad id \"" + id + "\": use lower-case letters, digits, '_', '.', '+' and '#'");
    }
    if (list.empty() && *kind != term_kind::technology && *kind != term_kind::other &&
        *kind != term_kind::topic) {
      return error(line_no, "no entries after ':'");
    }
    if (*kind == term_kind::technology) any_technology = true;
    // Outside the guide, a technology keeps its own name; its kind only groups it.
    const bool named = *kind == term_kind::other && !member.empty();
    return add_terms(*kind, named ? member : id, member, list, line_no);
  }

  // Checks what needs the whole file, and orders the phrases longest first.
  std::optional<load_error> finish() {
    if (!any_technology) return error(0, "no \"tech\" line: at least one technology is needed");
    for (const auto& [topic, line] : feature_refs) {
      if (!topic_index.contains(topic))
        return error(line, "feature \"" + topic + "\" is not a topic");
      lex.features.insert(topic);
    }
    // Longest phrase first, so "machine learning" wins over "machine".
    auto by_length = [](const phrase& x, const phrase& y) {
      return x.tokens.size() > y.tokens.size();
    };
    for (auto& [first, list] : lex.rewrites) std::stable_sort(list.begin(), list.end(), by_length);
    for (auto& [first, list] : lex.topic_phrases) {
      std::stable_sort(list.begin(), list.end(), by_length);
    }
    return std::nullopt;
  }
};

}  // namespace

std::variant<lexicon, load_error> parse_lexicon(const text_file& file) {
  builder b{file};
  int line_no = 0;
  std::string_view rest = file.content;
  while (!rest.empty()) {
    ++line_no;
    const auto nl = rest.find('\n');
    const std::string_view raw = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    if (auto err = b.add_line(line, line_no)) return *err;
  }
  if (auto err = b.finish()) return *err;
  return std::move(b.lex);
}

}  // namespace advisor::intents
