// compile_understander(), declared in understanding.hpp: validates intents.json and lexicon.txt
// and builds the understander. intents.json describes its own format in its "about" list.

#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "intents/learned_weights.hpp"
#include "intents/understander.hpp"
#include "intents/understanding.hpp"

namespace advisor::intents {

namespace {

using json = nlohmann::json;

const std::map<std::string, evidence_kind, std::less<>>& evidence_names() {
  static const auto names = [] {
    std::map<std::string, evidence_kind, std::less<>> out;
    for (const auto& [kind, name] : slot_conditions) out.emplace(name, kind);
    return out;
  }();
  return names;
}

int line_of(std::string_view content, std::size_t offset) {
  offset = std::min(offset, content.size());
  return 1 + static_cast<int>(std::count(
                 content.begin(), content.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

// Locates JSON string values in the source to give errors a line: each lookup starts after
// the previous one, so repeated strings resolve in file order.
class locator {
 public:
  explicit locator(std::string_view content) : content_(content) {}
  int find(const std::string& value) {
    const std::string quoted = json(value).dump();
    const auto at = content_.find(quoted, from_);
    if (at == std::string_view::npos) return 0;
    from_ = at + quoted.size();
    return line_of(content_, at);
  }

 private:
  std::string_view content_;
  std::size_t from_ = 0;
};

// RE2 reports "missing ): foo(": the pattern is already in our message, keep the reason.
std::string re2_reason(const std::string& error, const std::string& pattern) {
  const std::string tail = ": " + pattern;
  if (error.size() > tail.size() &&
      error.compare(error.size() - tail.size(), tail.size(), tail) == 0) {
    return error.substr(0, error.size() - tail.size());
  }
  return error;
}

// Replaces {NAME} (upper-case letters, digits, '_') with (?:macros[NAME]), recursively.
// RE2's own {n,m} repetitions never start with an upper-case letter, so they pass through.
// On failure `problem` says why (an unknown macro, or macros that use each other in a loop).
std::optional<std::string> expand(const std::string& pattern,
                                  const std::map<std::string, std::string>& macros,
                                  std::string& problem, int depth = 0) {
  if (depth > 16) {
    problem = "macros use each other in a loop";
    return std::nullopt;
  }
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\' && i + 1 < pattern.size()) {
      out.push_back(pattern[i]);
      out.push_back(pattern[++i]);
      continue;
    }
    if (pattern[i] == '{' && i + 1 < pattern.size() && pattern[i + 1] >= 'A' &&
        pattern[i + 1] <= 'Z') {
      const auto close = pattern.find('}', i);
      if (close != std::string::npos) {
        const std::string name = pattern.substr(i + 1, close - i - 1);
        const auto it = macros.find(name);
        if (it == macros.end()) {
          problem = "unknown macro {" + name + "}";
          return std::nullopt;
        }
        auto inner = expand(it->second, macros, problem, depth + 1);
        if (!inner) return std::nullopt;
        out += "(?:" + *inner + ")";
        i = close;
        continue;
      }
    }
    out.push_back(pattern[i]);
  }
  return out;
}

// Lower-case words of 4+ letters written literally in a pattern ("talk" in "(?:talk|speak)").
// The typo corrector must never change them, or the pattern could not match its own word.
void collect_words(const std::string& pattern, std::set<std::string>& out) {
  std::string word;
  for (std::size_t i = 0; i <= pattern.size(); ++i) {
    const char c = i < pattern.size() ? pattern[i] : ' ';
    if (c == '\\') {  // an escape (\b, \w, \d) is not part of a word
      ++i;
      if (word.size() >= 4) out.insert(word);
      word.clear();
      continue;
    }
    if (c >= 'a' && c <= 'z') {
      word.push_back(c);
      continue;
    }
    if (word.size() >= 4) out.insert(word);
    word.clear();
  }
}

struct json_compiler {
  const text_file& file;
  locator where;
  std::map<std::string, std::string> macros;
  int pattern_number = 0;
  std::set<std::string> pattern_words;

  load_error error(int line, std::string message) const {
    return load_error{file.name, line, std::move(message)};
  }

  // Expands and checks one pattern; returns the expanded text or the error.
  std::variant<std::string, load_error> check_pattern(const std::string& source, int line,
                                                      const re2::RE2::Options& options) {
    const std::string label =
        "pattern #" + std::to_string(pattern_number) + " " + json(source).dump();
    std::string problem;
    auto expanded = expand(source, macros, problem);
    if (!expanded) return error(line, label + ": " + problem);
    collect_words(*expanded, pattern_words);
    re2::RE2 probe(*expanded, options);
    if (!probe.ok()) return error(line, label + ": " + re2_reason(probe.error(), *expanded));
    return *expanded;
  }

  std::variant<std::unique_ptr<re2::RE2>, load_error> slot_regex(const json& spec,
                                                                 const std::string& what) {
    if (!spec.is_string() && !spec.is_array()) {
      return error(0, "\"slots\": \"" + what + "\" must be a pattern or a list of patterns");
    }
    std::vector<std::string> alternatives;
    const json list = spec.is_string() ? json::array({spec}) : spec;
    re2::RE2::Options options;
    options.set_case_sensitive(false);
    options.set_log_errors(false);
    options.set_longest_match(what == "date_text");
    for (const auto& p : list) {
      ++pattern_number;
      if (!p.is_string()) return error(0, "\"slots\": \"" + what + "\" entries must be strings");
      const std::string source = p.get<std::string>();
      const int line = where.find(source);
      auto checked = check_pattern(source, line, options);
      if (auto* e = std::get_if<load_error>(&checked)) return *e;
      const std::string& expanded = std::get<std::string>(checked);
      if (re2::RE2(expanded, options).NumberOfCapturingGroups() != 0) {
        return error(line, "pattern #" + std::to_string(pattern_number) + " " +
                               json(source).dump() +
                               ": use (?:...) groups, the slot takes the whole match");
      }
      alternatives.push_back("(?:" + expanded + ")");
    }
    if (alternatives.empty()) return std::unique_ptr<re2::RE2>{};
    std::string joined;
    for (const auto& a : alternatives) joined += (joined.empty() ? "" : "|") + a;
    // Group 1 is what the slot takes: the whole match, or for names the words after the cue.
    const bool name = what.starts_with("person_name");
    return std::make_unique<re2::RE2>(
        name ? "(?:" + joined + ")[ \t]+([^ \t].*)" : "(" + joined + ")", options);
  }
};

std::optional<load_error> parse_slots(json_compiler& c, const json& spec, slot_patterns& out) {
  if (!spec.is_object()) return c.error(0, "\"slots\" must be an object");
  const std::array<std::pair<const char*, std::unique_ptr<re2::RE2>*>, 4> fields = {{
      {"email", &out.email},
      {"person_name", &out.strong_name},
      {"person_name_weak", &out.weak_name},
      {"date_text", &out.date},
  }};
  for (const auto& [key, dest] : fields) {
    if (!spec.contains(key)) continue;
    auto re = c.slot_regex(spec.at(key), key);
    if (auto* e = std::get_if<load_error>(&re)) return *e;
    *dest = std::move(std::get<std::unique_ptr<re2::RE2>>(re));
  }
  for (const auto& [key, value] : spec.items()) {
    const bool known =
        std::any_of(fields.begin(), fields.end(), [&](const auto& f) { return key == f.first; });
    if (!known) return c.error(c.where.find(key), "\"slots\": unknown slot \"" + key + "\"");
  }
  return std::nullopt;
}

std::optional<load_error> parse_cues(json_compiler& c, const json& spec,
                                     const re2::RE2::Options& options, understander_parts& parts) {
  if (!spec.is_object()) return c.error(0, "\"cues\" must be an object of pattern lists");
  for (const auto& [cue, list] : spec.items()) {
    if (!list.is_array())
      return c.error(c.where.find(cue), "cue \"" + cue + "\" needs a list of patterns");
    for (const auto& p : list) {
      ++c.pattern_number;
      if (!p.is_string())
        return c.error(c.where.find(cue), "cue \"" + cue + "\": patterns are strings");
      const std::string source = p.get<std::string>();
      const int line = c.where.find(source);
      auto checked = c.check_pattern(source, line, options);
      if (auto* e = std::get_if<load_error>(&checked)) return *e;
      std::string set_error;
      if (parts.set->add(std::get<std::string>(checked), set_error) < 0) {
        return c.error(line, "pattern #" + std::to_string(c.pattern_number) + ": " + set_error);
      }
      parts.patterns.push_back(pattern_info{no_intent, 0.0, {}, cue});
    }
  }
  return std::nullopt;
}

// `spec[key]`, when present, is a list of strings added to `into`; `what` names it in errors.
template <typename Set>
std::optional<load_error> read_words(json_compiler& c, const json& spec, const char* key,
                                     const std::string& what, Set& into) {
  if (!spec.contains(key)) return std::nullopt;
  const json& list = spec.at(key);
  const auto bad = [&] { return c.error(0, what + "\"" + key + "\" must be a list of words"); };
  if (!list.is_array()) return bad();
  for (const auto& w : list) {
    if (!w.is_string()) return bad();
    into.insert(w.get<std::string>());
  }
  return std::nullopt;
}

// Cues named in "cue_topics", "choice_cancels" and "choice_cues" must be defined in "cues":
// a misspelt one would otherwise do nothing, silently.
std::optional<load_error> check_cue_references(json_compiler& c, const understander_parts& parts,
                                               const std::set<std::string>& defined) {
  const auto check = [&](const std::string& cue, const char* where) -> std::optional<load_error> {
    if (defined.contains(cue)) return std::nullopt;
    return c.error(0, std::string{"\""} + where + "\": unknown cue \"" + cue + "\"");
  };
  for (const auto& [cue, topics] : parts.cue_topics) {
    if (auto err = check(cue, "cue_topics")) return err;
  }
  for (const auto& r : parts.redirects) {
    if (auto err = check(r.cue, "redirect")) return err;
  }
  for (const auto& [cue, cancelled] : parts.cue_cancels) {
    if (auto err = check(cue, "cue_cancels")) return err;
    for (const auto& gone : cancelled)
      if (auto err = check(gone, "cue_cancels")) return err;
  }
  // A name that is "cue:NAME" must name a cue (a topic or technology is checked later).
  const auto check_named = [&](const std::string& name,
                               const char* where) -> std::optional<load_error> {
    constexpr auto prefix = understander_parts::cue_need_prefix;
    if (!name.starts_with(prefix)) return std::nullopt;
    return check(name.substr(prefix.size()), where);
  };
  for (const auto& [cue, rule] : parts.cue_topics_with_need) {
    if (auto err = check(cue, "cue_topics_with_need")) return err;
    for (const auto& need : rule.needs) {
      if (auto err = check_named(need, "cue_topics_with_need")) return err;
    }
  }
  for (const auto& side : parts.join_sides) {
    for (const auto& name : side) {
      if (auto err = check_named(name, "join_sides")) return err;
    }
  }
  for (const auto& cue : parts.choice_cancels) {
    if (auto err = check(cue, "choice_cancels")) return err;
  }
  for (const auto& cue : parts.choice_cues) {
    if (auto err = check(cue, "choice_cues")) return err;
  }
  for (const auto& [names, where] :
       {std::pair{&parts.join_cues, "join_cues"}, std::pair{&parts.join_cancels, "join_cancels"},
        std::pair{&parts.join_kept_by, "join_kept_by"}}) {
    for (const auto& cue : *names) {
      if (auto err = check(cue, where)) return err;
    }
  }
  return std::nullopt;
}

// `spec[key]`, when present, is a whole number; `what` names the section in errors.
std::optional<load_error> read_count(json_compiler& c, const json& spec, const char* key,
                                     const std::string& what, std::size_t& into) {
  if (!spec.contains(key)) return std::nullopt;
  if (!spec.at(key).is_number_unsigned()) {
    return c.error(0, what + "\"" + key + "\" must be a whole number");
  }
  into = spec.at(key).get<std::size_t>();
  return std::nullopt;
}

std::optional<load_error> parse_cue_topics(json_compiler& c, const json& doc,
                                           understander_parts& parts) {
  const json no_topics = json::object();
  const json& cue_topics = doc.contains("cue_topics") ? doc.at("cue_topics") : no_topics;
  if (!cue_topics.is_object()) return c.error(0, "\"cue_topics\" must map cues to topics");
  for (const auto& [cue, topics] : cue_topics.items()) {
    std::set<std::string> read;
    if (auto err = read_words(c, cue_topics, cue.c_str(), "\"cue_topics\": ", read)) {
      return err;
    }
    parts.cue_topics[cue].assign(read.begin(), read.end());
  }
  const json& cancels = doc.contains("cue_cancels") ? doc.at("cue_cancels") : no_topics;
  if (!cancels.is_object()) return c.error(0, "\"cue_cancels\" must map cues to cues");
  for (const auto& [cue, cancelled] : cancels.items()) {
    if (auto err = read_words(c, cancels, cue.c_str(), "\"cue_cancels\": ", parts.cue_cancels[cue]))
      return err;
  }
  if (!doc.contains("cue_topics_with_need")) return std::nullopt;
  const json& with_need = doc.at("cue_topics_with_need");
  const char* shape =
      "\"cue_topics_with_need\" must map cues to {\"needs\": [...], \"topics\": [...]}";
  if (!with_need.is_object()) return c.error(0, shape);
  for (const auto& [cue, spec] : with_need.items()) {
    if (!spec.is_object() || !spec.contains("needs") || !spec.contains("topics"))
      return c.error(0, shape);
    std::set<std::string> needs;
    std::set<std::string> topics;
    const std::string what = "\"cue_topics_with_need\": \"" + cue + "\": ";
    if (auto err = read_words(c, spec, "needs", what, needs)) return err;
    if (auto err = read_words(c, spec, "topics", what, topics)) return err;
    auto& rule = parts.cue_topics_with_need[cue];
    rule.needs.assign(needs.begin(), needs.end());
    rule.topics.assign(topics.begin(), topics.end());
  }
  return std::nullopt;
}

// "needs_on_both_sides": {"sides": [[topics], [topics]], "topics": [topics]}.
std::optional<load_error> parse_both_sides(json_compiler& c, const json& doc,
                                           understander_parts& parts) {
  if (!doc.contains("needs_on_both_sides")) return std::nullopt;
  const json& spec = doc.at("needs_on_both_sides");
  const char* shape =
      "\"needs_on_both_sides\" must be {\"sides\": [[topics], ...], \"topics\": [topics]}";
  if (!spec.is_object() || !spec.contains("sides") || !spec.at("sides").is_array() ||
      !spec.contains("topics"))
    return c.error(0, shape);
  for (const json& side : spec.at("sides")) {
    if (!side.is_array() || side.empty()) return c.error(0, shape);
    auto& into = parts.both_sides.sides.emplace_back();
    for (const json& t : side) {
      if (!t.is_string()) return c.error(0, shape);
      into.push_back(t.get<std::string>());
    }
  }
  std::set<std::string> topics;
  if (auto err = read_words(c, spec, "topics", "\"needs_on_both_sides\": ", topics)) return err;
  parts.both_sides.topics.assign(topics.begin(), topics.end());
  return std::nullopt;
}

// "join_sides": [[technology, topic or "cue:NAME", ...], ...].
std::optional<load_error> parse_join_sides(json_compiler& c, const json& doc,
                                           understander_parts& parts) {
  if (!doc.contains("join_sides")) return std::nullopt;
  const json& spec = doc.at("join_sides");
  const char* shape = "\"join_sides\" must be [[technologies, topics or cue:NAME], ...]";
  if (!spec.is_array()) return c.error(0, shape);
  for (const json& side : spec) {
    if (!side.is_array() || side.empty()) return c.error(0, shape);
    auto& into = parts.join_sides.emplace_back();
    for (const json& t : side) {
      if (!t.is_string()) return c.error(0, shape);
      into.push_back(t.get<std::string>());
    }
  }
  return std::nullopt;
}

std::optional<load_error> parse_calibration(json_compiler& c, const json& doc,
                                            understander_parts& parts) {
  if (doc.contains("close_margin")) {
    if (!doc.at("close_margin").is_number()) return c.error(0, "\"close_margin\" must be a number");
    parts.close_margin = doc.at("close_margin").get<double>();
  }
  if (!doc.contains("calibration")) return std::nullopt;
  const json& cal = doc.at("calibration");
  understander_parts::calibration parsed;
  for (const auto& [key, into] :
       {std::pair{"bias", &parsed.bias}, std::pair{"score", &parsed.score},
        std::pair{"margin", &parsed.margin}, std::pair{"words", &parsed.words}}) {
    if (!cal.is_object() || !cal.contains(key) || !cal.at(key).is_number()) {
      return c.error(0, std::string{"\"calibration\" needs a number \""} + key + "\"");
    }
    *into = cal.at(key).get<double>();
  }
  parts.calibrated = parsed;
  return std::nullopt;
}

std::optional<load_error> parse_wins(json_compiler& c, const json& doc,
                                     const std::map<std::string, std::size_t>& intent_index,
                                     understander_parts& parts) {
  if (!doc.contains("wins")) return std::nullopt;
  if (!doc.at("wins").is_object()) return c.error(0, "\"wins\" must map intents to scores");
  for (const auto& [intent, value] : doc.at("wins").items()) {
    const auto it = intent_index.find(intent);
    if (it == intent_index.end())
      return c.error(c.where.find(intent), "\"wins\": unknown intent \"" + intent + "\"");
    if (!value.is_number())
      return c.error(c.where.find(intent), "\"wins\": \"" + intent + "\" needs a score");
    parts.wins.emplace_back(it->second, value.get<double>());
  }
  return std::nullopt;
}

// "redirect": [{"from": intent, "cues": [...], "to": intent}]: an intent a cue rules out.
std::optional<load_error> parse_redirects(json_compiler& c, const json& doc,
                                          const std::map<std::string, std::size_t>& intent_index,
                                          understander_parts& parts) {
  if (!doc.contains("redirect")) return std::nullopt;
  const auto& list = doc.at("redirect");
  const auto bad = [&] {
    return c.error(c.where.find("redirect"),
                   "\"redirect\" must list {\"from\": intent, \"cues\": [...], \"to\": intent}");
  };
  if (!list.is_array()) return bad();
  for (const auto& r : list) {
    if (!r.is_object() || !r.contains("from") || !r.contains("to") || !r.contains("cues") ||
        !r.at("from").is_string() || !r.at("to").is_string() || !r.at("cues").is_array())
      return bad();
    const auto from = intent_index.find(r.at("from").get<std::string>());
    const auto to = intent_index.find(r.at("to").get<std::string>());
    if (from == intent_index.end() || to == intent_index.end())
      return c.error(c.where.find("redirect"), "\"redirect\": unknown intent");
    for (const auto& cue : r.at("cues")) {
      if (!cue.is_string()) return bad();
      parts.redirects.push_back({from->second, cue.get<std::string>(), to->second});
    }
  }
  return std::nullopt;
}

// "clarify": {"between": [[top, runner_up], ...]}: readings a visitor can choose between.
std::optional<load_error> parse_clarify(json_compiler& c, const json& doc,
                                        const std::map<std::string, std::size_t>& intent_index,
                                        understander_parts& parts) {
  if (!doc.contains("clarify")) return std::nullopt;
  const json& spec = doc.at("clarify");
  const auto bad = [&] {
    return c.error(0, "\"clarify\": \"between\" must be a list of [top, runner-up] intents");
  };
  if (!spec.is_object() || !spec.contains("between") || !spec.at("between").is_array())
    return bad();
  for (const json& pair : spec.at("between")) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string())
      return bad();
    const auto top = intent_index.find(pair[0].get<std::string>());
    const auto second = intent_index.find(pair[1].get<std::string>());
    if (top == intent_index.end() || second == intent_index.end() || top == second) {
      return c.error(0, "\"clarify\": unknown or repeated intent in " + pair.dump());
    }
    // A lead on top is never questioned: booking stays one step away.
    for (const auto& [winner, at_least] : parts.wins) {
      if (winner == top->second)
        return c.error(0, "\"clarify\": \"" + top->first + "\" wins outright; never ask over it");
    }
    parts.clarify.emplace_back(top->second, second->second);
  }
  return std::nullopt;
}

std::optional<load_error> parse_subject(json_compiler& c, const json& doc, subject_words& out) {
  if (!doc.contains("subject")) return std::nullopt;
  const json& spec = doc.at("subject");
  if (!spec.is_object()) return c.error(0, "\"subject\" must be an object");
  const std::string what = "\"subject\": ";
  for (const auto& [key, into] :
       {std::pair{"leading_words", &out.leading}, std::pair{"articles", &out.articles},
        std::pair{"project_words", &out.project}, std::pair{"pronouns", &out.pronouns}}) {
    if (auto err = read_words(c, spec, key, what, *into)) return err;
  }
  return read_count(c, spec, "max_words", what, out.max_words);
}

std::optional<load_error> parse_comparison(json_compiler& c, const json& doc,
                                           comparison_words& out) {
  if (!doc.contains("comparison")) return std::nullopt;
  const json& spec = doc.at("comparison");
  if (!spec.is_object()) return c.error(0, "\"comparison\" must be an object");
  const std::string what = "\"comparison\": ";
  if (auto err = read_words(c, spec, "connectors", what, out.connectors)) return err;
  if (auto err = read_words(c, spec, "between", what, out.between)) return err;
  if (auto err = read_words(c, spec, "flows", what, out.flows)) return err;
  if (auto err = read_count(c, spec, "flow_reach", what, out.flow_reach)) return err;
  if (spec.contains("from_to")) {
    if (!spec.at("from_to").is_boolean())
      return c.error(0, "\"comparison\": \"from_to\" must be true or false");
    out.from_to = spec.at("from_to").get<bool>();
  }
  return read_count(c, spec, "max_gap", what, out.max_gap);
}

// Everything around the patterns: how scores are read, compared and turned into confidence.
std::optional<load_error> parse_reading(json_compiler& c, const json& doc,
                                        const std::map<std::string, std::size_t>& intent_index,
                                        understander_parts& parts) {
  if (auto err = parse_wins(c, doc, intent_index, parts)) return err;
  if (auto err = parse_redirects(c, doc, intent_index, parts)) return err;
  if (auto err = parse_calibration(c, doc, parts)) return err;
  if (auto err = parse_cue_topics(c, doc, parts)) return err;
  if (auto err = read_words(c, doc, "choice_cancels", "", parts.choice_cancels)) return err;
  if (auto err = read_words(c, doc, "choice_cues", "", parts.choice_cues)) return err;
  if (auto err = read_words(c, doc, "join_cues", "", parts.join_cues)) return err;
  if (auto err = read_words(c, doc, "join_cancels", "", parts.join_cancels)) return err;
  if (auto err = read_words(c, doc, "join_kept_by", "", parts.join_kept_by)) return err;
  if (auto err = parse_both_sides(c, doc, parts)) return err;
  if (auto err = parse_join_sides(c, doc, parts)) return err;
  if (auto err = read_words(c, doc, "context_kinds", "", parts.context_kinds)) return err;
  if (auto err = parse_comparison(c, doc, parts.comparing)) return err;
  if (auto err = parse_clarify(c, doc, intent_index, parts)) return err;
  return parse_subject(c, doc, parts.subject);
}

std::variant<json, load_error> read_document(const text_file& file) {
  try {
    return json::parse(file.content);
  } catch (const json::parse_error& e) {
    // nlohmann's message starts "[json.exception.parse_error.101] parse error at line L, column C:
    // ".
    std::string reason = e.what();
    if (const auto colon = reason.find(": "); colon != std::string::npos)
      reason = reason.substr(colon + 2);
    return load_error{file.name, line_of(file.content, e.byte == 0 ? 0 : e.byte - 1),
                      "invalid JSON: " + reason};
  }
}

std::optional<load_error> parse_macros(json_compiler& c, const json& doc) {
  if (!doc.contains("macros")) return std::nullopt;
  if (!doc.at("macros").is_object()) return c.error(0, "\"macros\" must be an object");
  for (const auto& [name, value] : doc.at("macros").items()) {
    if (!value.is_string())
      return c.error(c.where.find(name), "macro \"" + name + "\" must be a string");
    c.macros[name] = value.get<std::string>();
  }
  // Macros may use each other in any order; check each once all are known.
  for (const auto& [name, value] : c.macros) {
    std::string problem;
    if (!expand(value, c.macros, problem)) return c.error(0, "macro \"" + name + "\": " + problem);
  }
  return std::nullopt;
}

std::optional<load_error> parse_basics(json_compiler& c, const json& doc,
                                       understander_parts& parts) {
  if (doc.contains("threshold")) {
    if (!doc.at("threshold").is_number()) return c.error(0, "\"threshold\" must be a number");
    parts.threshold = doc.at("threshold").get<double>();
  }
  if (auto err = parse_macros(c, doc)) return err;
  if (doc.contains("question_words")) {
    const json& q = doc.at("question_words");
    if (!q.is_array()) return c.error(0, "\"question_words\" must be a list of words");
    for (const auto& w : q) {
      if (!w.is_string()) return c.error(0, "\"question_words\" must be a list of words");
      parts.question_words.push_back(w.get<std::string>());
    }
  }
  return std::nullopt;
}

// One entry of an intent's "patterns": a string, or {"re", "weight", "follow_up"}.
std::optional<load_error> parse_pattern(json_compiler& c, const json& p, const std::string& name,
                                        int name_line, pattern_info info,
                                        const re2::RE2::Options& options,
                                        understander_parts& parts) {
  ++c.pattern_number;
  const auto label = [&](const std::string& source) {
    return "pattern #" + std::to_string(c.pattern_number) + " " + json(source).dump();
  };
  std::string source;
  if (p.is_string()) {
    source = p.get<std::string>();
  } else if (p.is_object() && p.contains("re") && p.at("re").is_string()) {
    source = p.at("re").get<std::string>();
    if (p.contains("weight")) {
      if (!p.at("weight").is_number())
        return c.error(c.where.find(source), label(source) + ": \"weight\" must be a number");
      info.weight = p.at("weight").get<double>();
    }
    if (p.contains("follow_up")) {
      if (!p.at("follow_up").is_string())
        return c.error(c.where.find(source), label(source) + ": \"follow_up\" must be a string");
      info.follow_up = p.at("follow_up").get<std::string>();
    }
  } else {
    return c.error(name_line, "intent \"" + name + "\": pattern #" +
                                  std::to_string(c.pattern_number) +
                                  " must be a string or {\"re\": ...}");
  }
  const int line = c.where.find(source);
  if (info.weight <= 0.0 || info.weight >= 1.0)
    return c.error(line, label(source) + ": weight must be between 0 and 1 (exclusive)");
  auto checked = c.check_pattern(source, line, options);
  if (auto* e = std::get_if<load_error>(&checked)) return *e;
  std::string set_error;
  if (parts.set->add(std::get<std::string>(checked), set_error) < 0)
    return c.error(line, label(source) + ": " + set_error);
  parts.patterns.push_back(std::move(info));
  return std::nullopt;
}

// One entry of "intents": its name, default weight and patterns.
std::optional<load_error> parse_intent_entry(json_compiler& c, const json& intent,
                                             const re2::RE2::Options& options,
                                             std::map<std::string, std::size_t>& intent_index,
                                             understander_parts& parts) {
  const std::size_t number = parts.intent_names.size() + 1;
  if (!intent.is_object() || !intent.contains("name") || !intent.at("name").is_string())
    return c.error(0, "intent #" + std::to_string(number) + " needs a \"name\"");
  const std::string name = intent.at("name").get<std::string>();
  const int name_line = c.where.find(name);
  const auto known = parse_intent(name);
  if (!known || !read_by_rules(*known))
    return c.error(name_line, "intent \"" + name +
                                  "\" is not one of the protocol's intents (intents/intent.hpp)");
  if (!intent_index.emplace(name, parts.intent_names.size()).second)
    return c.error(name_line, "intent \"" + name + "\" is defined twice");
  parts.intent_names.push_back(name);
  parts.intent_ids.push_back(*known);
  double default_weight = 0.8;
  if (intent.contains("weight")) {
    if (!intent.at("weight").is_number())
      return c.error(name_line, "intent \"" + name + "\": \"weight\" must be a number");
    default_weight = intent.at("weight").get<double>();
  }
  if (!intent.contains("patterns")) return std::nullopt;
  if (!intent.at("patterns").is_array())
    return c.error(name_line, "intent \"" + name + "\": \"patterns\" must be a list");
  for (const auto& p : intent.at("patterns")) {
    const pattern_info info{parts.intent_names.size() - 1, default_weight, {}, {}};
    if (auto err = parse_pattern(c, p, name, name_line, info, options, parts)) return err;
  }
  return std::nullopt;
}

// "evidence": [{"intent", "when", "add"}, ...].
std::optional<load_error> parse_evidence(json_compiler& c, const json& doc,
                                         const std::map<std::string, std::size_t>& intent_index,
                                         const std::set<std::string>& cue_names,
                                         understander_parts& parts) {
  if (!doc.contains("evidence")) return std::nullopt;
  if (!doc.at("evidence").is_array()) return c.error(0, "\"evidence\" must be a list");
  int number = 0;
  for (const auto& e : doc.at("evidence")) {
    ++number;
    const std::string label = "evidence #" + std::to_string(number);
    if (!e.is_object() || !e.contains("intent") || !e.at("intent").is_string() ||
        !e.contains("when") || !e.at("when").is_string() || !e.contains("add") ||
        !e.at("add").is_number()) {
      return c.error(0, label + ": needs \"intent\", \"when\" and \"add\"");
    }
    const std::string intent = e.at("intent").get<std::string>();
    const std::string when = e.at("when").get<std::string>();
    const auto it = intent_index.find(intent);
    if (it == intent_index.end()) return c.error(0, label + ": unknown intent \"" + intent + "\"");
    if (when.starts_with("cue:")) {
      const std::string cue = when.substr(4);
      if (!cue_names.contains(cue)) return c.error(0, label + ": unknown cue \"" + cue + "\"");
      parts.evidence.push_back(
          evidence_rule{it->second, evidence_kind::cue, e.at("add").get<double>(), cue});
      continue;
    }
    const auto kind = evidence_names().find(when);
    if (kind == evidence_names().end())
      return c.error(0, label + ": unknown condition \"" + when + "\"");
    parts.evidence.push_back(
        evidence_rule{it->second, kind->second, e.at("add").get<double>(), {}});
  }
  return std::nullopt;
}

// The intents and cues, all in one pattern set.
std::optional<load_error> parse_patterns(json_compiler& c, const json& doc,
                                         std::map<std::string, std::size_t>& intent_index,
                                         understander_parts& parts) {
  if (!doc.contains("intents") || !doc.at("intents").is_array())
    return c.error(0, "\"intents\" must be a list of intents");
  re2::RE2::Options options;
  options.set_log_errors(false);
  // Room for the DFA of the set of patterns made of words (RE2's default is 8 MiB); each
  // filtered pattern takes only what its own small DFA needs.
  options.set_max_mem(int64_t{64} << 20);
  parts.set = std::make_unique<pattern_set>(options);
  for (const auto& intent : doc.at("intents")) {
    if (auto err = parse_intent_entry(c, intent, options, intent_index, parts)) return err;
  }
  if (doc.contains("cues")) {
    if (auto err = parse_cues(c, doc.at("cues"), options, parts)) return err;
  }
  for (std::size_t i = 0; i < intent_count; ++i) {
    const auto required = static_cast<intent>(i);
    if (read_by_rules(required) && !intent_index.contains(std::string{to_string(required)}))
      return c.error(0, "missing intent \"" + std::string{to_string(required)} + "\"");
  }
  if (parts.patterns.empty()) return c.error(0, "no patterns");
  if (!parts.set->compile())
    return c.error(0, "the patterns are too large for RE2 to compile together");
  return std::nullopt;
}

std::variant<understander_parts, load_error> parse_intents(const text_file& file) {
  auto read = read_document(file);
  if (auto* e = std::get_if<load_error>(&read)) return *e;
  const json& doc = std::get<json>(read);
  json_compiler c{file, locator{file.content}, {}, 0, {}};
  if (!doc.is_object()) return c.error(0, "the top level must be an object");

  understander_parts parts;
  std::map<std::string, std::size_t> intent_index;
  if (auto err = parse_basics(c, doc, parts)) return *err;
  if (auto err = parse_patterns(c, doc, intent_index, parts)) return *err;
  std::set<std::string> cue_names;
  for (const auto& p : parts.patterns) {
    if (!p.cue.empty()) cue_names.insert(p.cue);
  }
  if (auto err = parse_evidence(c, doc, intent_index, cue_names, parts)) return *err;
  if (doc.contains("slots")) {
    if (auto err = parse_slots(c, doc.at("slots"), parts.slot_res)) return *err;
  }
  if (auto err = parse_reading(c, doc, intent_index, parts)) return *err;
  for (const auto required : cue::required) {
    if (!cue_names.contains(std::string{required})) {
      return c.error(
          0, "\"cues\": missing cue \"" + std::string{required} + "\", which the code reads");
    }
  }
  if (auto err = check_cue_references(c, parts, cue_names)) return *err;
  parts.lex.known.insert(c.pattern_words.begin(), c.pattern_words.end());
  return parts;
}

// Names intents.json gives the lexicon's topics and technologies must be the lexicon's: a
// misspelt one would otherwise do nothing, silently. Cues are checked in parse_intents.
std::optional<load_error> check_lexicon_references(const understander_parts& built,
                                                   const std::string& file) {
  const auto known = [](const std::vector<std::string>& list, const std::string& name) {
    return std::find(list.begin(), list.end(), name) != list.end();
  };
  for (const auto& side : built.join_sides) {
    for (const auto& name : side) {
      if (name.starts_with(understander_parts::cue_need_prefix) || known(built.lex.topics, name) ||
          known(built.lex.technologies, name)) {
        continue;
      }
      return load_error{file, 0, "\"join_sides\": \"" + name + "\" is no topic, technology or cue"};
    }
  }
  for (const auto& [cue, topics] : built.cue_topics) {
    for (const auto& topic : topics) {
      if (!known(built.lex.topics, topic))
        return load_error{file, 0, "\"cue_topics\": \"" + topic + "\" is not a lexicon topic"};
    }
  }
  return std::nullopt;
}

}  // namespace

std::variant<understander_ptr, load_error> compile_understander(const text_file& intents_json,
                                                                const text_file& lexicon_file,
                                                                const text_file* weights) {
  auto lex = parse_lexicon(lexicon_file);
  if (auto* e = std::get_if<load_error>(&lex)) return *e;
  auto parts = parse_intents(intents_json);
  if (auto* e = std::get_if<load_error>(&parts)) return *e;
  auto& built = std::get<understander_parts>(parts);
  auto pattern_words = std::move(built.lex.known);  // collected from the patterns
  built.lex = std::move(std::get<lexicon>(lex));
  built.lex.known.merge(pattern_words);
  if (auto err = check_lexicon_references(built, intents_json.name)) return *err;
  if (weights != nullptr) {
    auto learned =
        parse_weights(*weights, built.intent_names,
                      feature_names(built.intent_names, cue_names(built.patterns), built.lex));
    if (auto* e = std::get_if<load_error>(&learned)) return *e;
    built.weighting = std::get<understander_parts::learned>(std::move(learned));
  }
  return std::make_shared<const understander>(std::move(built));
}

}  // namespace advisor::intents
