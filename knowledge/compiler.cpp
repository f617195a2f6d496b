// compile_knowledge(): guide text -> sections -> sentences -> facts.
// Nothing here knows this particular guide: headings are found by their shape, and what to
// skip, which words mark a strength or a limit, and how to split claims come from
// knowledge.txt; topics and technologies come from the understander's lexicon.

#include <algorithm>

#include "intents/text.hpp"
#include "knowledge/rules.hpp"

namespace advisor::knowledge {
namespace {

using intents::text::trim;

bool matches_any(const std::vector<std::unique_ptr<re2::RE2>>& list, std::string_view line) {
  return std::any_of(list.begin(), list.end(),
                     [&](const auto& re) { return re2::RE2::PartialMatch(line, *re); });
}

std::size_t word_count(std::string_view line) {
  std::size_t words = 0;
  bool in_word = false;
  for (const char c : line) {
    const bool space = c == ' ' || c == '\t';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

bool is_heading(const knowledge_base::rules& r, std::string_view line) {
  if (line.size() > r.heading_max_chars || word_count(line) > r.heading_max_words) return false;
  const char last = line.back();
  return last != '.' && last != '!' && last != '?' && last != ':' && last != ',' && last != ';';
}

// Splits a paragraph into sentences at . ! ? followed by a space and a capital, digit,
// quote or bracket (or the end), unless the word before is a known abbreviation.
std::vector<std::string> split_sentences(const knowledge_base::rules& r, std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '.' && c != '!' && c != '?') continue;
    std::size_t j = i + 1;
    while (j < text.size() && (text[j] == '"' || text[j] == ')' || text[j] == '\'')) ++j;
    bool boundary = j >= text.size();
    if (!boundary && text[j] == ' ') {
      std::size_t k = j;
      while (k < text.size() && text[k] == ' ') ++k;
      const auto next = static_cast<unsigned char>(k < text.size() ? text[k] : 'A');
      boundary = (next >= 'A' && next <= 'Z') || (next >= '0' && next <= '9') || next == '"' ||
                 next == '(' || next >= 0x80;
    }
    if (!boundary) continue;
    const auto word_start = text.rfind(' ', i);
    const std::string last_word = intents::text::fold(
        text.substr(word_start == std::string_view::npos ? start : word_start + 1,
                    i + 1 - (word_start == std::string_view::npos ? start : word_start + 1)));
    if (r.abbreviations.contains(last_word)) continue;
    const auto sentence = trim(text.substr(start, j - start));
    if (!sentence.empty()) out.emplace_back(sentence);
    start = j;
  }
  const auto tail = trim(text.substr(std::min(start, text.size())));
  if (!tail.empty()) out.emplace_back(tail);
  return out;
}

bool contains_phrase(const std::vector<std::string>& words, const phrase_list& phrases) {
  for (const auto& p : phrases) {
    if (p.size() > words.size()) continue;
    for (std::size_t i = 0; i + p.size() <= words.size(); ++i) {
      if (std::equal(p.begin(), p.end(), words.begin() + static_cast<std::ptrdiff_t>(i)))
        return true;
    }
  }
  return false;
}

void add_unique(std::vector<std::string>& list, const std::string& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

polarity stance_of(const knowledge_base::rules& r, const std::vector<std::string>& words) {
  const bool strength = contains_phrase(words, r.strength);
  const bool limit = contains_phrase(words, r.limit);
  if (strength && limit) return polarity::mixed;
  if (strength) return polarity::strength;
  if (limit) return polarity::limit;
  return polarity::neutral;
}

fact make_fact(const knowledge_base::rules& r, const intents::understander& u, std::string section,
               std::string text, const fact* previous) {
  fact f;
  f.section = std::move(section);
  f.text = std::move(text);
  const intents::analysis a = u.analyze(f.text);
  f.technologies = a.technologies;
  f.both = contains_phrase(a.words, r.both);
  f.hybrid = f.technologies.size() >= 2 && contains_phrase(a.words, r.hybrid);
  if (f.technologies.empty()) {
    if (f.both) {
      f.technologies = u.vocabulary().technologies;
    } else if (previous != nullptr) {
      // "Asynchronous processing is central to the language": the previous sentence's subject.
      f.technologies = previous->technologies;
      f.both = previous->both;
    }
  }
  // Claims: the sentence cut at contrast words ("..., but ...").
  std::size_t from = 0;
  const auto& words = a.words;
  for (std::size_t i = 0; i <= words.size(); ++i) {
    if (i < words.size() && !r.contrast.contains(words[i])) continue;
    if (i > from) {
      const std::vector<std::string> clause(words.begin() + static_cast<std::ptrdiff_t>(from),
                                            words.begin() + static_cast<std::ptrdiff_t>(i));
      claim c;
      c.stance = stance_of(r, clause);
      c.hedged = contains_phrase(clause, r.hedge);
      c.topics = u.analyze(intents::text::join_words(words, from, i)).topics;
      for (const auto& t : c.topics) add_unique(f.topics, t);
      f.claims.push_back(std::move(c));
    }
    from = i + 1;
  }
  bool strength = false;
  bool limit = false;
  bool all_hedged = !f.claims.empty();
  for (const claim& c : f.claims) {
    strength = strength || c.stance == polarity::strength || c.stance == polarity::mixed;
    limit = limit || c.stance == polarity::limit || c.stance == polarity::mixed;
    if (c.stance != polarity::neutral) all_hedged = all_hedged && c.hedged;
  }
  f.stance = strength && limit ? polarity::mixed
             : strength        ? polarity::strength
             : limit           ? polarity::limit
                               : polarity::neutral;
  f.hedged = f.stance != polarity::neutral && all_hedged;
  return f;
}

}  // namespace

std::string_view to_string(polarity p) {
  switch (p) {
    case polarity::strength:
      return "strength";
    case polarity::limit:
      return "limit";
    case polarity::mixed:
      return "mixed";
    case polarity::neutral:
      break;
  }
  return "neutral";
}

knowledge_base::knowledge_base(std::vector<fact> facts, std::vector<section> sections,
                               std::vector<std::string> technologies, std::unique_ptr<rules> r)
    : facts_(std::move(facts)),
      sections_(std::move(sections)),
      technologies_(std::move(technologies)),
      rules_(std::move(r)) {
  weigh_the_guide();
}

knowledge_base::~knowledge_base() = default;

std::variant<knowledge_ptr, load_error> compile_knowledge(const std::vector<text_file>& files,
                                                          const intents::understander& u) {
  const auto rules_file = std::find_if(files.begin(), files.end(), [](const text_file& f) {
    return f.name == "knowledge.txt" || f.name.ends_with("/knowledge.txt");
  });
  if (rules_file == files.end()) {
    return load_error{"knowledge.txt", 0, "missing: the knowledge rules file is required"};
  }
  auto parsed = parse_rules(*rules_file);
  if (auto* e = std::get_if<load_error>(&parsed)) return *e;
  auto r = std::move(std::get<std::unique_ptr<knowledge_base::rules>>(parsed));
  const auto& topics = u.vocabulary().topics;
  for (const auto& [topic, line] : r->topic_refs) {
    if (std::find(topics.begin(), topics.end(), topic) == topics.end()) {
      return load_error{rules_file->name, line,
                        "unknown topic \"" + topic + "\" (not in the lexicon)"};
    }
  }

  std::vector<fact> facts;
  std::vector<section> sections;
  bool any_guide = false;
  for (const text_file& file : files) {
    if (&file == &*rules_file || !file.name.ends_with(".txt")) continue;
    any_guide = true;
    std::string heading;
    bool skipping = true;  // text before the first heading is not content
    bool stopped = false;
    std::string_view rest = file.content;
    while (!rest.empty() && !stopped) {
      const auto nl = rest.find('\n');
      const std::string line{trim(rest.substr(0, nl))};
      rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
      if (line.empty() || matches_any(r->skip_line, line)) continue;
      if (is_heading(*r, line)) {
        if (matches_any(r->stop_at, line)) {
          stopped = true;
          continue;
        }
        skipping = matches_any(r->skip_section, line);
        heading = line;
        continue;
      }
      if (skipping) continue;
      if (sections.empty() || sections.back().heading != heading)
        sections.push_back(section{heading, {}});
      for (auto& sentence : split_sentences(*r, line)) {
        const fact* previous =
            sections.back().facts.empty() ? nullptr : &facts[sections.back().facts.back()];
        fact f = make_fact(*r, u, heading, std::move(sentence), previous);
        f.id = facts.size();
        sections.back().facts.push_back(f.id);
        facts.push_back(std::move(f));
      }
    }
  }
  if (!any_guide)
    return load_error{"knowledge", 0, "no guide: expected a .txt file besides knowledge.txt"};
  if (facts.empty())
    return load_error{"knowledge", 0, "the guide has no sentences under any heading"};
  return std::make_shared<const knowledge_base>(std::move(facts), std::move(sections),
                                                u.vocabulary().technologies, std::move(r));
}

}  // namespace advisor::knowledge
