// advisor_eval: scores the conversation engine on the labelled set in tests/eval/
// (utterances.jsonl, dialogues.jsonl) and prints what `rasa test nlu` reports: per-intent
// precision, recall, F1 and support, their averages, accuracies and the confusions.
// Exit code: 0 when the thresholds are met, 1 below them, 2 on a load or usage error.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "dialogue/engine.hpp"
#include "server/engine_loader.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// ---------------------------------------------------------------- the labelled data

struct expectation {
  std::string text;
  std::string intent;
  std::optional<std::string> recommendation;  // only for compare
  std::vector<std::string> sections;          // any one of them cited is a hit; empty = none
  std::string where;                          // "utterances.jsonl:12"
};

struct script {
  std::string name;
  std::string where;
  std::vector<expectation> turns;
};

// What the engine answered to one expectation.
struct outcome {
  const expectation* want = nullptr;
  std::string intent;
  double confidence = 0.0;
  std::optional<std::string> recommendation;
  std::vector<std::string> sections;
  std::string dialogue;  // the script's name, for dialogue turns
  std::size_t turn = 0;  // 1-based, for dialogue turns

  bool intent_ok() const { return intent == want->intent; }
  bool recommendation_ok() const { return recommendation == want->recommendation; }
  bool sections_ok() const {
    if (want->sections.empty()) return true;
    return std::any_of(want->sections.begin(), want->sections.end(), [&](const std::string& s) {
      return std::find(sections.begin(), sections.end(), s) != sections.end();
    });
  }
  bool scored_recommendation() const { return want->recommendation.has_value(); }
  bool scored_sections() const { return !want->sections.empty(); }
};

struct load_failure {
  std::string what;
};

const std::set<std::string> k_recommendations{"node", "python", "hybrid", "depends"};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw load_failure{path.string() + ": cannot open"};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string fail_at(const std::string& where, const std::string& what) { return where + ": " + what; }

// Reads the fields of one labelled turn; throws load_failure naming file and line.
expectation parse_expectation(const json& obj, const std::string& where) {
  if (!obj.is_object()) throw load_failure{fail_at(where, "expected a JSON object")};
  expectation e;
  e.where = where;
  if (!obj.contains("text") || !obj.at("text").is_string())
    throw load_failure{fail_at(where, "\"text\" must be a string")};
  e.text = obj.at("text").get<std::string>();
  if (!obj.contains("intent") || !obj.at("intent").is_string())
    throw load_failure{fail_at(where, "\"intent\" must be a string")};
  e.intent = obj.at("intent").get<std::string>();
  if (obj.contains("recommendation") && !obj.at("recommendation").is_null()) {
    const json& r = obj.at("recommendation");
    if (!r.is_string() || k_recommendations.count(r.get<std::string>()) == 0)
      throw load_failure{
          fail_at(where, "\"recommendation\" must be node, python, hybrid, depends or null")};
    e.recommendation = r.get<std::string>();
  }
  if (obj.contains("sections")) {
    const json& s = obj.at("sections");
    if (!s.is_array()) throw load_failure{fail_at(where, "\"sections\" must be an array")};
    for (const json& section : s) {
      if (!section.is_string())
        throw load_failure{fail_at(where, "\"sections\" must hold strings")};
      e.sections.push_back(section.get<std::string>());
    }
  }
  return e;
}

// Calls on_line(object, "file:line") for every non-blank line of a JSON Lines file.
template <typename F>
void for_each_jsonl(const fs::path& path, F&& on_line) {
  std::istringstream in(read_file(path));
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = path.filename().string() + ":" + std::to_string(number);
    const json obj = json::parse(line, nullptr, false);
    if (obj.is_discarded()) throw load_failure{fail_at(where, "not valid JSON")};
    on_line(obj, where);
  }
}

std::vector<expectation> load_utterances(const fs::path& path) {
  std::vector<expectation> out;
  for_each_jsonl(path, [&](const json& obj, const std::string& where) {
    out.push_back(parse_expectation(obj, where));
  });
  return out;
}

std::vector<script> load_dialogues(const fs::path& path) {
  std::vector<script> out;
  for_each_jsonl(path, [&](const json& obj, const std::string& where) {
    if (!obj.is_object()) throw load_failure{fail_at(where, "expected a JSON object")};
    script s;
    s.where = where;
    if (!obj.contains("name") || !obj.at("name").is_string())
      throw load_failure{fail_at(where, "\"name\" must be a string")};
    s.name = obj.at("name").get<std::string>();
    if (!obj.contains("turns") || !obj.at("turns").is_array() || obj.at("turns").empty())
      throw load_failure{fail_at(where, "\"turns\" must be a non-empty array")};
    std::size_t index = 0;
    for (const json& turn : obj.at("turns")) {
      ++index;
      s.turns.push_back(
          parse_expectation(turn, where + " (" + s.name + ", turn " + std::to_string(index) + ")"));
    }
    out.push_back(std::move(s));
  });
  return out;
}

// ---------------------------------------------------------------- running the engine

// A fixed clock (Monday 4 May 2026, 08:00 UTC) so that runs are reproducible.
advisor::dialogue::turn_context fixed_context() {
  using namespace std::chrono;
  advisor::dialogue::turn_context context;
  context.now = sys_days{year{2026} / May / 4} + hours{8};
  return context;
}

outcome ask(const advisor::dialogue::engine& engine, advisor::dialogue::conversation& state,
            const expectation& want) {
  const advisor::dialogue::reply reply = engine.respond(state, want.text, fixed_context());
  outcome o;
  o.want = &want;
  o.intent = reply.intent;
  o.confidence = reply.confidence;
  o.recommendation = reply.recommendation;
  for (const auto& source : reply.sources) {
    if (std::find(o.sections.begin(), o.sections.end(), source.section) == o.sections.end())
      o.sections.push_back(source.section);
  }
  return o;
}

// ---------------------------------------------------------------- scoring

struct ratio {
  std::size_t hits = 0;
  std::size_t total = 0;
  double value() const { return total == 0 ? 0.0 : static_cast<double>(hits) / static_cast<double>(total); }
  void add(bool hit) {
    ++total;
    if (hit) ++hits;
  }
};

struct class_score {
  std::string label;
  double precision = 0.0;
  double recall = 0.0;
  double f1 = 0.0;
  std::size_t support = 0;  // how many expected with this label
  std::size_t predicted = 0;
};

struct averages {
  double precision = 0.0;
  double recall = 0.0;
  double f1 = 0.0;
};

struct confusion {
  std::string expected;
  std::string got;
  std::size_t count = 0;
  std::vector<std::string> examples;  // up to 3 texts
};

struct classification {
  std::vector<class_score> classes;  // labels expected or predicted, sorted by name
  averages macro;
  averages weighted;
  ratio accuracy;
  std::vector<confusion> confusions;  // most frequent first
};

// scikit-learn's classification_report over (expected, got) pairs: the labels are the union
// of both sides; a label never predicted has precision 0, one never expected has recall 0.
classification classify(const std::vector<std::pair<std::string, std::string>>& pairs,
                        const std::vector<std::string>& texts) {
  classification c;
  std::map<std::string, class_score> by_label;
  std::map<std::string, std::size_t> true_positives;
  std::map<std::pair<std::string, std::string>, confusion> confusions;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const auto& [expected, got] = pairs[i];
    ++by_label[expected].support;
    ++by_label[got].predicted;
    c.accuracy.add(expected == got);
    if (expected == got) {
      ++true_positives[expected];
      continue;
    }
    confusion& entry = confusions[{expected, got}];
    entry.expected = expected;
    entry.got = got;
    ++entry.count;
    if (entry.examples.size() < 3) entry.examples.push_back(texts[i]);
  }
  std::size_t support_total = 0;
  for (auto& [label, score] : by_label) {
    score.label = label;
    const double tp = static_cast<double>(true_positives[label]);
    score.precision = score.predicted == 0 ? 0.0 : tp / static_cast<double>(score.predicted);
    score.recall = score.support == 0 ? 0.0 : tp / static_cast<double>(score.support);
    const double sum = score.precision + score.recall;
    score.f1 = sum == 0.0 ? 0.0 : 2.0 * score.precision * score.recall / sum;
    c.classes.push_back(score);
    support_total += score.support;
  }
  for (const class_score& score : c.classes) {
    const double n = static_cast<double>(c.classes.size());
    c.macro.precision += score.precision / n;
    c.macro.recall += score.recall / n;
    c.macro.f1 += score.f1 / n;
    if (support_total > 0) {
      const double w = static_cast<double>(score.support) / static_cast<double>(support_total);
      c.weighted.precision += score.precision * w;
      c.weighted.recall += score.recall * w;
      c.weighted.f1 += score.f1 * w;
    }
  }
  for (auto& [key, entry] : confusions) c.confusions.push_back(std::move(entry));
  std::stable_sort(c.confusions.begin(), c.confusions.end(),
                   [](const confusion& a, const confusion& b) { return a.count > b.count; });
  return c;
}

std::string recommendation_name(const std::optional<std::string>& r) { return r ? *r : "null"; }

// ---------------------------------------------------------------- printing

std::string fixed(double value, int digits = 2) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(digits) << value;
  return out.str();
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

void print_report(std::ostream& out, const std::string& title, const classification& c) {
  std::size_t width = 12;
  for (const auto& score : c.classes) width = std::max(width, score.label.size());
  width += 2;
  const auto w = static_cast<int>(width);
  std::size_t total = 0;
  for (const auto& score : c.classes) total += score.support;
  out << title << "\n";
  out << std::setw(w) << "" << std::setw(11) << "precision" << std::setw(10) << "recall"
      << std::setw(10) << "f1-score" << std::setw(10) << "support" << "\n\n";
  for (const auto& s : c.classes) {
    out << std::setw(w) << s.label << std::setw(11) << fixed(s.precision) << std::setw(10)
        << fixed(s.recall) << std::setw(10) << fixed(s.f1) << std::setw(10) << s.support << "\n";
  }
  out << "\n"
      << std::setw(w) << "accuracy" << std::setw(11) << "" << std::setw(10) << ""
      << std::setw(10) << fixed(c.accuracy.value()) << std::setw(10) << total << "\n";
  out << std::setw(w) << "macro avg" << std::setw(11) << fixed(c.macro.precision)
      << std::setw(10) << fixed(c.macro.recall) << std::setw(10) << fixed(c.macro.f1)
      << std::setw(10) << total << "\n";
  out << std::setw(w) << "weighted avg" << std::setw(11) << fixed(c.weighted.precision)
      << std::setw(10) << fixed(c.weighted.recall) << std::setw(10) << fixed(c.weighted.f1)
      << std::setw(10) << total << "\n\n";
}

void print_confusions(std::ostream& out, const std::string& title,
                      const std::vector<confusion>& confusions) {
  out << title << (confusions.empty() ? ": none\n\n" : " (expected -> got, count):\n");
  for (const auto& c : confusions) {
    out << "  " << c.expected << " -> " << c.got << "  " << c.count << "\n";
    for (const auto& text : c.examples) out << "      \"" << text << "\"\n";
  }
  if (!confusions.empty()) out << "\n";
}

std::string describe(const outcome& o) {
  std::ostringstream out;
  out << "\"" << o.want->text << "\"\n      expected " << o.want->intent;
  if (o.want->recommendation) out << "/" << *o.want->recommendation;
  if (!o.want->sections.empty()) out << " [" << join(o.want->sections) << "]";
  out << "\n      got      " << o.intent;
  if (o.want->recommendation || o.recommendation) out << "/" << recommendation_name(o.recommendation);
  if (!o.want->sections.empty()) out << " [" << join(o.sections) << "]";
  out << " (confidence " << fixed(o.confidence) << ")";
  std::vector<std::string> wrong;
  if (!o.intent_ok()) wrong.emplace_back("intent");
  if (!o.recommendation_ok()) wrong.emplace_back("recommendation");
  if (!o.sections_ok()) wrong.emplace_back("sections");
  out << "  wrong: " << join(wrong) << "\n";
  return out.str();
}

// ---------------------------------------------------------------- JSON report

json to_json(const classification& c) {
  json classes = json::object();
  for (const auto& s : c.classes) {
    classes[s.label] = {{"precision", s.precision},
                        {"recall", s.recall},
                        {"f1", s.f1},
                        {"support", s.support}};
  }
  json confusions = json::array();
  for (const auto& entry : c.confusions) {
    confusions.push_back({{"expected", entry.expected},
                          {"got", entry.got},
                          {"count", entry.count},
                          {"examples", entry.examples}});
  }
  const auto avg = [](const averages& a) {
    return json{{"precision", a.precision}, {"recall", a.recall}, {"f1", a.f1}};
  };
  return {{"accuracy", c.accuracy.value()},
          {"classes", classes},
          {"macro_avg", avg(c.macro)},
          {"weighted_avg", avg(c.weighted)},
          {"confusions", confusions}};
}

json to_json(const outcome& o) {
  json j = {{"text", o.want->text},
            {"where", o.want->where},
            {"expected",
             {{"intent", o.want->intent},
              {"recommendation", o.want->recommendation ? json(*o.want->recommendation) : json()},
              {"sections", o.want->sections}}},
            {"got",
             {{"intent", o.intent},
              {"confidence", o.confidence},
              {"recommendation", o.recommendation ? json(*o.recommendation) : json()},
              {"sections", o.sections}}},
            {"intent_ok", o.intent_ok()},
            {"recommendation_ok", o.recommendation_ok()},
            {"sections_ok", o.sections_ok()}};
  if (!o.dialogue.empty()) {
    j["dialogue"] = o.dialogue;
    j["turn"] = o.turn;
  }
  return j;
}

json to_json(const ratio& r) {
  return {{"value", r.value()}, {"hits", r.hits}, {"total", r.total}};
}

// ---------------------------------------------------------------- main

struct options {
  fs::path data = "tests/eval";
  fs::path intents_dir = "intents/data";
  fs::path knowledge_dir = "knowledge/data";
  double min_intent_accuracy = 0.95;
  double min_recommendation_accuracy = 0.95;
  double min_dialogue_accuracy = 0.0;
  std::string report;  // empty = no JSON report
  long show = -1;
};

int run(const options& opt) {
  const std::vector<expectation> utterances = load_utterances(opt.data / "utterances.jsonl");
  const fs::path dialogues_path = opt.data / "dialogues.jsonl";
  const std::vector<script> dialogues =
      fs::exists(dialogues_path) ? load_dialogues(dialogues_path) : std::vector<script>{};

  auto loaded = advisor::server::load_engine({opt.intents_dir, opt.knowledge_dir});
  if (const auto* error = std::get_if<std::string>(&loaded)) throw load_failure{*error};
  const advisor::dialogue::engine_ptr engine = std::get<advisor::dialogue::engine_ptr>(loaded);
  if (!engine) throw load_failure{"load_engine returned no engine"};

  // Single turns: a fresh conversation each.
  std::vector<outcome> singles;
  singles.reserve(utterances.size());
  for (const expectation& want : utterances) {
    advisor::dialogue::conversation state;
    singles.push_back(ask(*engine, state, want));
  }
  // Dialogues: one conversation across the turns of a script.
  std::vector<outcome> turns;
  ratio dialogues_whole;
  for (const script& s : dialogues) {
    advisor::dialogue::conversation state;
    bool all_ok = true;
    for (std::size_t i = 0; i < s.turns.size(); ++i) {
      outcome o = ask(*engine, state, s.turns[i]);
      o.dialogue = s.name;
      o.turn = i + 1;
      all_ok = all_ok && o.intent_ok() && o.recommendation_ok() && o.sections_ok();
      turns.push_back(std::move(o));
    }
    dialogues_whole.add(all_ok);
  }

  // Intents.
  std::vector<std::pair<std::string, std::string>> intent_pairs;
  std::vector<std::string> texts;
  for (const outcome& o : singles) {
    intent_pairs.emplace_back(o.want->intent, o.intent);
    texts.push_back(o.want->text);
  }
  const classification intents = classify(intent_pairs, texts);

  // Recommendations, over the utterances labelled with one.
  std::vector<std::pair<std::string, std::string>> rec_pairs;
  std::vector<std::string> rec_texts;
  ratio sections;
  for (const outcome& o : singles) {
    if (o.scored_recommendation()) {
      rec_pairs.emplace_back(*o.want->recommendation, recommendation_name(o.recommendation));
      rec_texts.push_back(o.want->text);
    }
    if (o.scored_sections()) sections.add(o.sections_ok());
  }
  const classification recommendations = classify(rec_pairs, rec_texts);

  // Dialogue turns: right when intent, recommendation and (if labelled) sections all are.
  ratio turn_accuracy;
  for (const outcome& o : turns)
    turn_accuracy.add(o.intent_ok() && o.recommendation_ok() && o.sections_ok());

  std::ostream& out = std::cout;
  out << "advisor_eval: " << singles.size() << " utterances, " << dialogues.size()
      << " dialogues (" << turns.size() << " turns)\n\n";
  print_report(out, "Intent classification report", intents);
  print_report(out, "Recommendation report (utterances labelled compare)", recommendations);
  print_confusions(out, "Intent confusions", intents.confusions);
  print_confusions(out, "Recommendation confusions", recommendations.confusions);

  std::vector<const outcome*> wrong_singles;
  for (const outcome& o : singles)
    if (!o.intent_ok() || !o.recommendation_ok() || !o.sections_ok()) wrong_singles.push_back(&o);
  const auto limit = opt.show < 0 ? wrong_singles.size() : static_cast<std::size_t>(opt.show);
  out << "Misclassified utterances (wrong intent, recommendation or sections): "
      << wrong_singles.size() << "\n";
  for (std::size_t i = 0; i < wrong_singles.size() && i < limit; ++i)
    out << "  " << wrong_singles[i]->want->where << "  " << describe(*wrong_singles[i]);
  out << "\n";

  std::vector<const outcome*> wrong_turns;
  for (const outcome& o : turns)
    if (!o.intent_ok() || !o.recommendation_ok() || !o.sections_ok()) wrong_turns.push_back(&o);
  out << "Dialogue turns wrong: " << wrong_turns.size() << "\n";
  for (std::size_t i = 0; i < wrong_turns.size() && i < limit; ++i)
    out << "  " << wrong_turns[i]->dialogue << " turn " << wrong_turns[i]->turn << "  "
        << describe(*wrong_turns[i]);
  out << "\n";

  const auto line = [&](const std::string& name, const ratio& r, std::optional<double> min) {
    out << "  " << std::left << std::setw(28) << name << std::right << fixed(r.value(), 4) << "  ("
        << r.hits << "/" << r.total << ")";
    if (min) out << "  min " << fixed(*min) << (r.value() + 1e-12 >= *min ? "  ok" : "  FAIL");
    out << "\n";
  };
  const bool intent_pass = intents.accuracy.value() + 1e-12 >= opt.min_intent_accuracy;
  const bool rec_pass =
      recommendations.accuracy.value() + 1e-12 >= opt.min_recommendation_accuracy;
  const bool dialogue_pass = turn_accuracy.value() + 1e-12 >= opt.min_dialogue_accuracy;
  out << "Summary\n";
  line("intent accuracy", intents.accuracy, opt.min_intent_accuracy);
  line("recommendation accuracy", recommendations.accuracy, opt.min_recommendation_accuracy);
  line("source-section accuracy", sections, std::nullopt);
  line("dialogue turn accuracy", turn_accuracy,
       opt.min_dialogue_accuracy > 0.0 ? std::optional<double>(opt.min_dialogue_accuracy)
                                       : std::nullopt);
  line("dialogues fully right", dialogues_whole, std::nullopt);
  const bool pass = intent_pass && rec_pass && dialogue_pass;
  out << (pass ? "PASS" : "FAIL") << "\n";

  if (!opt.report.empty()) {
    json errors = json::array();
    for (const outcome* o : wrong_singles) errors.push_back(to_json(*o));
    json dialogue_errors = json::array();
    for (const outcome* o : wrong_turns) dialogue_errors.push_back(to_json(*o));
    const json report = {
        {"utterances", singles.size()},
        {"dialogues", dialogues.size()},
        {"dialogue_turns", turns.size()},
        {"intent", to_json(intents)},
        {"recommendation", to_json(recommendations)},
        {"summary",
         {{"intent_accuracy", to_json(intents.accuracy)},
          {"recommendation_accuracy", to_json(recommendations.accuracy)},
          {"section_accuracy", to_json(sections)},
          {"dialogue_turn_accuracy", to_json(turn_accuracy)},
          {"dialogues_fully_right", to_json(dialogues_whole)}}},
        {"thresholds",
         {{"min_intent_accuracy", opt.min_intent_accuracy},
          {"min_recommendation_accuracy", opt.min_recommendation_accuracy},
          {"min_dialogue_accuracy", opt.min_dialogue_accuracy}}},
        {"pass", pass},
        {"errors", errors},
        {"dialogue_errors", dialogue_errors}};
    std::ofstream file(opt.report, std::ios::binary | std::ios::trunc);
    if (!file) throw load_failure{opt.report + ": cannot write the report"};
    file << report.dump(2) << "\n";
    if (!file) throw load_failure{opt.report + ": cannot write the report"};
  }
  return pass ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  options opt;
  CLI::App app{"Scores the Advisor engine on the labelled evaluation set"};
  app.add_option("--data", opt.data, "folder with utterances.jsonl and dialogues.jsonl")
      ->capture_default_str();
  app.add_option("--intents-dir", opt.intents_dir, "intent data folder")->capture_default_str();
  app.add_option("--knowledge-dir", opt.knowledge_dir, "knowledge data folder")
      ->capture_default_str();
  app.add_option("--min-intent-accuracy", opt.min_intent_accuracy,
                 "fail below this intent accuracy (utterances)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--min-recommendation-accuracy", opt.min_recommendation_accuracy,
                 "fail below this recommendation accuracy (utterances labelled compare)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--min-dialogue-accuracy", opt.min_dialogue_accuracy,
                 "fail below this dialogue turn accuracy (0 = not enforced)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--report", opt.report, "also write the results as JSON to this file");
  app.add_option("--show", opt.show, "misclassified examples to print (-1 = all)")
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  try {
    return run(opt);
  } catch (const load_failure& e) {
    std::cerr << "advisor_eval: " << e.what << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "advisor_eval: " << e.what() << "\n";
    return 2;
  }
}
