// Parses knowledge.txt; its format is documented at the top of knowledge/data/knowledge.txt.

#include <algorithm>
#include <charconv>
#include <optional>

#include "intents/text.hpp"
#include "knowledge/rules.hpp"

namespace advisor::knowledge {
namespace {

using intents::text::split_list;
using intents::text::trim;

std::vector<std::string> tokens_of(std::string_view entry) {
  std::vector<std::string> tokens;
  intents::text::tokenize(intents::text::fold(entry), tokens);
  return tokens;
}

using rules = knowledge_base::rules;
using problem = std::optional<std::string>;  // what is wrong with a line; none when it is right

// "directive argument: value", trimmed.
struct directive_line {
  std::string directive;
  std::string argument;  // only "counterpart", "yields", "label" and "define" take one
  std::string_view value;
  int number = 0;  // the line's, for topic references checked later
};

std::variant<directive_line, std::string> split_directive(std::string_view line, int number) {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return std::string{"expected \"directive: value\""};
  const std::string_view head = trim(line.substr(0, colon));
  const auto space = head.find(' ');
  directive_line d{std::string{head.substr(0, space)},
                   std::string{space == std::string_view::npos ? "" : trim(head.substr(space))},
                   trim(line.substr(colon + 1)), number};
  if (d.value.empty()) return "\"" + d.directive + "\" needs a value after ':'";
  const bool takes_topic = d.directive == "counterpart" || d.directive == "yields" ||
                           d.directive == "label" || d.directive == "define";
  if (!d.argument.empty() && !takes_topic)
    return "\"" + d.directive + "\" takes no argument before ':'";
  return d;
}

// skip_line, skip_section, stop_at, summary_section: an RE2 pattern.
problem read_pattern(rules& r, const directive_line& d) {
  re2::RE2::Options options;  // case-sensitive: "(?i)" in the pattern where case does not matter
  options.set_log_errors(false);
  auto re = std::make_unique<re2::RE2>(std::string{d.value}, options);
  if (!re->ok()) return d.directive + " \"" + std::string{d.value} + "\": " + re->error();
  auto& list = d.directive == "skip_line"      ? r.skip_line
               : d.directive == "skip_section" ? r.skip_section
               : d.directive == "stop_at"      ? r.stop_at
                                               : r.summary_section;
  list.push_back(std::move(re));
  return std::nullopt;
}

// heading_max_words, heading_max_chars, decisive_ratio, hedge_factor: a positive number.
problem read_number(rules& r, const directive_line& d) {
  double number = 0.0;
  const auto [end, ec] = std::from_chars(d.value.data(), d.value.data() + d.value.size(), number);
  if (ec != std::errc{} || end != d.value.data() + d.value.size() || number <= 0.0) {
    return "\"" + d.directive + "\" needs a positive number, not \"" + std::string{d.value} + "\"";
  }
  if (d.directive == "heading_max_words") r.heading_max_words = static_cast<std::size_t>(number);
  if (d.directive == "heading_max_chars") r.heading_max_chars = static_cast<std::size_t>(number);
  if (d.directive == "decisive_ratio") r.decisive_ratio = number;
  if (d.directive == "hedge_factor") r.hedge_factor = number;
  return std::nullopt;
}

// strength, limit, hedge, both, hybrid: phrases of one or more words; contrast: single words.
problem read_phrases(rules& r, const directive_line& d, const std::vector<std::string>& entries) {
  if (d.directive == "contrast") {
    for (const auto& e : entries) {
      const auto t = tokens_of(e);
      if (t.size() != 1) return "contrast \"" + e + "\" must be one word";
      r.contrast.insert(t.front());
    }
    return std::nullopt;
  }
  phrase_list& phrases = d.directive == "strength" ? r.strength
                         : d.directive == "limit"  ? r.limit
                         : d.directive == "hedge"  ? r.hedge
                         : d.directive == "both"   ? r.both
                                                   : r.hybrid;
  for (const auto& e : entries) {
    auto t = tokens_of(e);
    if (t.empty()) return "entry \"" + e + "\" has no words";
    phrases.push_back(std::move(t));
  }
  return std::nullopt;
}

// detail, generic, together, left_behind: sets of topics; counterpart TOPIC: the topics it stands
// against; yields TOPIC: the topics that outweigh it when asked together.
void read_topics(rules& r, const directive_line& d, const std::vector<std::string>& entries) {
  if (d.directive == "counterpart" || d.directive == "yields") {
    auto& list = (d.directive == "counterpart" ? r.counterpart : r.yields)[d.argument];
    list.insert(list.end(), entries.begin(), entries.end());
    r.topic_refs.emplace_back(d.argument, d.number);
  } else {
    auto& set = d.directive == "detail"        ? r.detail
                : d.directive == "generic"     ? r.generic
                : d.directive == "left_behind" ? r.left_behind
                                               : r.together;
    set.insert(entries.begin(), entries.end());
  }
  for (const auto& e : entries) r.topic_refs.emplace_back(e, d.number);
}

// The directives whose value is a comma-separated list.
problem read_list(rules& r, const directive_line& d) {
  const auto entries = split_list(d.value);
  if (std::any_of(entries.begin(), entries.end(), [](const std::string& e) { return e.empty(); }))
    return std::string{"empty entry in the list"};
  const std::string& name = d.directive;
  if (name == "abbreviation") {
    for (const auto& e : entries) r.abbreviations.insert(intents::text::fold(e));
    return std::nullopt;
  }
  if (name == "contrast" || name == "strength" || name == "limit" || name == "hedge" ||
      name == "both" || name == "hybrid")
    return read_phrases(r, d, entries);
  if ((name == "counterpart" || name == "yields") && d.argument.empty())
    return "\"" + name + "\" needs a topic before ':'";
  if (name == "detail" || name == "generic" || name == "together" || name == "left_behind" ||
      name == "counterpart" || name == "yields") {
    read_topics(r, d, entries);
    return std::nullopt;
  }
  return "unknown directive \"" + name + "\"";
}

problem apply(rules& r, const directive_line& d) {
  const std::string& name = d.directive;
  if (name == "skip_line" || name == "skip_section" || name == "stop_at" ||
      name == "summary_section")
    return read_pattern(r, d);
  if (name == "heading_max_words" || name == "heading_max_chars" || name == "decisive_ratio" ||
      name == "hedge_factor")
    return read_number(r, d);
  if (name == "hedged_alone_decides") {
    if (d.value != "yes" && d.value != "no")
      return "\"hedged_alone_decides\" is yes or no, not \"" + std::string{d.value} + "\"";
    r.hedged_alone_decides = d.value == "yes";
    return std::nullopt;
  }
  if (name == "label" || name == "define") {
    if (d.argument.empty()) return "\"" + name + "\" needs a topic before ':'";
    (name == "label" ? r.labels : r.definitions)[d.argument] = std::string{d.value};
    r.topic_refs.emplace_back(d.argument, d.number);
    return std::nullopt;
  }
  return read_list(r, d);
}

}  // namespace

std::variant<std::unique_ptr<knowledge_base::rules>, load_error> parse_rules(
    const text_file& file) {
  auto r = std::make_unique<knowledge_base::rules>();
  std::string_view rest = file.content;
  int line_no = 0;
  while (!rest.empty()) {
    ++line_no;
    const auto nl = rest.find('\n');
    const std::string_view line = trim(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    if (line.empty() || line.front() == '#') continue;
    auto split = split_directive(line, line_no);
    if (auto* wrong = std::get_if<std::string>(&split))
      return load_error{file.name, line_no, std::move(*wrong)};
    if (auto wrong = apply(*r, std::get<directive_line>(split)))
      return load_error{file.name, line_no, std::move(*wrong)};
  }
  return r;
}

}  // namespace advisor::knowledge
