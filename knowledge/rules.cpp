// Parses knowledge.txt; its format is documented at the top of knowledge/data/knowledge.txt.

#include <algorithm>
#include <charconv>
#include <optional>

#include "intents/text.hpp"
#include "knowledge/rules.hpp"

namespace advisor::knowledge {
namespace {

using intents::text::trim;

std::vector<std::string> split_commas(std::string_view list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto comma = list.find(',', start);
    const auto end = comma == std::string_view::npos ? list.size() : comma;
    out.emplace_back(trim(list.substr(start, end - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::vector<std::string> tokens_of(std::string_view entry) {
  std::vector<std::string> tokens;
  intents::text::tokenize(intents::text::fold(entry), tokens);
  return tokens;
}

}  // namespace

std::variant<std::unique_ptr<knowledge_base::rules>, load_error> parse_rules(
    const text_file& file) {
  auto r = std::make_unique<knowledge_base::rules>();
  auto error = [&](int line, std::string message) {
    return load_error{file.name, line, std::move(message)};
  };
  std::string_view rest = file.content;
  int line_no = 0;
  while (!rest.empty()) {
    ++line_no;
    const auto nl = rest.find('\n');
    const std::string_view line = trim(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    if (line.empty() || line.front() == '#') continue;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      return error(line_no, "expected \"directive: value\"");
    }
    const std::string_view head = trim(line.substr(0, colon));
    const std::string_view value = trim(line.substr(colon + 1));
    const auto space = head.find(' ');
    const std::string directive{head.substr(0, space)};
    const std::string argument{space == std::string_view::npos ? "" : trim(head.substr(space))};
    if (value.empty()) return error(line_no, "\"" + directive + "\" needs a value after ':'");
    if (!argument.empty() && directive != "counterpart" && directive != "label") {
      return error(line_no, "\"" + directive + "\" takes no argument before ':'");
    }

    if (directive == "skip_line" || directive == "skip_section" || directive == "stop_at" ||
        directive == "summary_section") {
      re2::RE2::Options
          options;  // case-sensitive: "(?i)" in the pattern where case does not matter
      options.set_log_errors(false);
      auto re = std::make_unique<re2::RE2>(std::string{value}, options);
      if (!re->ok()) {
        return error(line_no, directive + " \"" + std::string{value} + "\": " + re->error());
      }
      auto& list = directive == "skip_line"      ? r->skip_line
                   : directive == "skip_section" ? r->skip_section
                   : directive == "stop_at"      ? r->stop_at
                                                 : r->summary_section;
      list.push_back(std::move(re));
      continue;
    }
    if (directive == "heading_max_words" || directive == "heading_max_chars" ||
        directive == "decisive_ratio" || directive == "hedge_factor") {
      double number = 0.0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
      if (ec != std::errc{} || end != value.data() + value.size() || number <= 0.0) {
        return error(line_no, "\"" + directive + "\" needs a positive number, not \"" +
                                  std::string{value} + "\"");
      }
      if (directive == "heading_max_words") r->heading_max_words = static_cast<std::size_t>(number);
      if (directive == "heading_max_chars") r->heading_max_chars = static_cast<std::size_t>(number);
      if (directive == "decisive_ratio") r->decisive_ratio = number;
      if (directive == "hedge_factor") r->hedge_factor = number;
      continue;
    }

    if (directive == "hedged_alone_decides") {
      if (value != "yes" && value != "no") {
        return error(line_no,
                     "\"hedged_alone_decides\" is yes or no, not \"" + std::string{value} + "\"");
      }
      r->hedged_alone_decides = value == "yes";
      continue;
    }
    if (directive == "label") {
      if (argument.empty()) return error(line_no, "\"label\" needs a topic before ':'");
      r->labels[argument] = std::string{value};
      r->topic_refs.emplace_back(argument, line_no);
      continue;
    }
    const auto entries = split_commas(value);
    if (std::any_of(entries.begin(), entries.end(),
                    [](const std::string& e) { return e.empty(); })) {
      return error(line_no, "empty entry in the list");
    }
    if (directive == "abbreviation") {
      for (const auto& e : entries) r->abbreviations.insert(intents::text::fold(e));
      continue;
    }
    if (directive == "contrast") {
      for (const auto& e : entries) {
        const auto t = tokens_of(e);
        if (t.size() != 1) return error(line_no, "contrast \"" + e + "\" must be one word");
        r->contrast.insert(t.front());
      }
      continue;
    }
    phrase_list* phrases = nullptr;
    if (directive == "strength") phrases = &r->strength;
    if (directive == "limit") phrases = &r->limit;
    if (directive == "hedge") phrases = &r->hedge;
    if (directive == "both") phrases = &r->both;
    if (directive == "hybrid") phrases = &r->hybrid;
    if (phrases != nullptr) {
      for (const auto& e : entries) {
        auto t = tokens_of(e);
        if (t.empty()) return error(line_no, "entry \"" + e + "\" has no words");
        phrases->push_back(std::move(t));
      }
      continue;
    }
    if (directive == "detail" || directive == "generic" || directive == "together") {
      auto& set = directive == "detail"    ? r->detail
                  : directive == "generic" ? r->generic
                                           : r->together;
      set.insert(entries.begin(), entries.end());
      for (const auto& e : entries) r->topic_refs.emplace_back(e, line_no);
      continue;
    }
    if (directive == "counterpart") {
      if (argument.empty()) return error(line_no, "\"counterpart\" needs a topic before ':'");
      auto& list = r->counterpart[argument];
      list.insert(list.end(), entries.begin(), entries.end());
      r->topic_refs.emplace_back(argument, line_no);
      for (const auto& e : entries) r->topic_refs.emplace_back(e, line_no);
      continue;
    }
    return error(line_no, "unknown directive \"" + directive + "\"");
  }
  return r;
}

}  // namespace advisor::knowledge
