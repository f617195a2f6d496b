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

#include "dialogue/answers.hpp"
#include "dialogue/engine.hpp"
#include "intents/understander.hpp"
#include "knowledge/knowledge.hpp"
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
  std::string kind;    // real set only: plain, long, indirect, hybrid, lead, out_of_scope, ...
  std::string source;  // real set only: where the message was written
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
  // A clarifying question instead of an answer: the labels of the answers its quick replies
  // get when sent back (what the visitor could choose between).
  std::vector<std::string> offered;

  bool intent_ok() const { return intent == want->intent; }
  bool recommendation_ok() const { return recommendation == want->recommendation; }
  bool sections_ok() const {
    if (want->sections.empty()) return true;
    return std::any_of(want->sections.begin(), want->sections.end(), [&](const std::string& s) {
      return std::find(sections.begin(), sections.end(), s) != sections.end();
    });
  }
  bool scored_recommendation() const { return want->recommendation.has_value(); }
  // The kind of answer, as the real set scores it: the intent, and for compare the verdict.
  std::string expected_label() const { return label_of(want->intent, want->recommendation); }
  std::string got_label() const { return label_of(intent, recommendation); }
  bool label_ok() const { return expected_label() == got_label(); }
  static std::string label_of(const std::string& intent, const std::optional<std::string>& rec) {
    if (intent != "compare") return intent;
    return intent + "/" + (rec ? *rec : std::string{"null"});
  }
  bool scored_sections() const { return !want->sections.empty(); }
  bool clarified() const { return intent == to_string(advisor::intents::intent::clarify); }
  // Asked which reading was meant, and one of those offered is the right answer.
  bool clarified_with_gold() const {
    return clarified() &&
           std::find(offered.begin(), offered.end(), expected_label()) != offered.end();
  }
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

std::string fail_at(const std::string& where, const std::string& what) {
  return where + ": " + what;
}

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
  for (const char* field : {"kind", "source"}) {
    if (!obj.contains(field)) continue;
    if (!obj.at(field).is_string())
      throw load_failure{fail_at(where, std::string{"\""} + field + "\" must be a string")};
    (std::string{field} == "kind" ? e.kind : e.source) = obj.at(field).get<std::string>();
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

// The label of each answer a clarifying question's quick replies get, each sent back in a
// copy of the conversation.
std::vector<std::string> offered_labels(const advisor::dialogue::engine& engine,
                                        const advisor::dialogue::conversation& state,
                                        const advisor::dialogue::reply& question) {
  std::vector<std::string> labels;
  for (const auto& suggestion : question.suggestions) {
    auto copy = state;
    const auto answer = engine.respond(copy, suggestion, fixed_context());
    labels.push_back(
        outcome::label_of(std::string{to_string(answer.intent)}, answer.recommendation));
  }
  return labels;
}

outcome ask(const advisor::dialogue::engine& engine, advisor::dialogue::conversation& state,
            const expectation& want) {
  const advisor::dialogue::reply reply = engine.respond(state, want.text, fixed_context());
  outcome o;
  if (reply.intent == advisor::intents::intent::clarify)
    o.offered = offered_labels(engine, state, reply);
  o.want = &want;
  o.intent = to_string(reply.intent);
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
  double value() const {
    return total == 0 ? 0.0 : static_cast<double>(hits) / static_cast<double>(total);
  }
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

std::string recommendation_name(const std::optional<std::string>& r) {
  return r ? *r : "null";
}

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
      << std::setw(10) << "f1-score" << std::setw(10) << "support"
      << "\n\n";
  for (const auto& s : c.classes) {
    out << std::setw(w) << s.label << std::setw(11) << fixed(s.precision) << std::setw(10)
        << fixed(s.recall) << std::setw(10) << fixed(s.f1) << std::setw(10) << s.support << "\n";
  }
  out << "\n"
      << std::setw(w) << "accuracy" << std::setw(11) << "" << std::setw(10) << "" << std::setw(10)
      << fixed(c.accuracy.value()) << std::setw(10) << total << "\n";
  out << std::setw(w) << "macro avg" << std::setw(11) << fixed(c.macro.precision) << std::setw(10)
      << fixed(c.macro.recall) << std::setw(10) << fixed(c.macro.f1) << std::setw(10) << total
      << "\n";
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
  if (o.want->recommendation || o.recommendation)
    out << "/" << recommendation_name(o.recommendation);
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
    classes[s.label] = {
        {"precision", s.precision}, {"recall", s.recall}, {"f1", s.f1}, {"support", s.support}};
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

// ---------------------------------------------------------------- the real visitors' set

// Thresholds for one part of the real set; a negative value is not enforced.
struct real_gate {
  double min_accuracy = -1.0;
  double min_lead_recall = -1.0;
  double min_hybrid_recall = -1.0;
  double min_out_of_scope_recall = -1.0;
  double max_confident_mistakes = -1.0;
  double max_clarification_rate = -1.0;
  double min_right_or_clarified = -1.0;
};

struct real_score {
  classification labels;
  ratio lead_recall;
  ratio hybrid_recall;
  ratio out_of_scope_recall;
  ratio confident_mistakes;  // wrong with confidence >= 0.8, over every message
  // Asked which reading was meant: every clarification, and the messages answered right or
  // clarified with the right answer among the quick replies (a clarification is never right).
  ratio clarified;
  ratio right_or_clarified;
  std::map<std::string, ratio> by_kind;
  std::vector<const outcome*> wrong;
};

constexpr double confident = 0.8;

real_score score_real(const std::vector<outcome>& outcomes) {
  real_score r;
  std::vector<std::pair<std::string, std::string>> pairs;
  std::vector<std::string> texts;
  for (const outcome& o : outcomes) {
    const std::string want = o.expected_label();
    const bool ok = o.label_ok();
    pairs.emplace_back(want, o.got_label());
    texts.push_back(o.want->text);
    if (want == "book_consultation") r.lead_recall.add(ok);
    if (want == "compare/hybrid") r.hybrid_recall.add(ok);
    if (want == "out_of_scope") r.out_of_scope_recall.add(ok);
    // A question asserts nothing, so it is never a confident mistake.
    r.confident_mistakes.add(!ok && !o.clarified() && o.confidence >= confident);
    r.clarified.add(o.clarified());
    r.right_or_clarified.add(ok || o.clarified_with_gold());
    r.by_kind[o.want->kind.empty() ? "-" : o.want->kind].add(ok);
    if (!ok) r.wrong.push_back(&o);
  }
  r.labels = classify(pairs, texts);
  return r;
}

// Rows are the expected labels, columns what the engine answered.
void print_matrix(std::ostream& out, const std::vector<outcome>& outcomes) {
  std::map<std::string, std::map<std::string, std::size_t>> cells;
  std::set<std::string> labels;
  for (const outcome& o : outcomes) {
    ++cells[o.expected_label()][o.got_label()];
    labels.insert(o.expected_label());
    labels.insert(o.got_label());
  }
  std::vector<std::string> order(labels.begin(), labels.end());
  out << "Confusion matrix (rows expected, columns got; labels numbered)\n";
  for (std::size_t i = 0; i < order.size(); ++i)
    out << "  " << std::setw(2) << i + 1 << " " << order[i] << "\n";
  out << "      ";
  for (std::size_t i = 0; i < order.size(); ++i) out << std::setw(4) << i + 1;
  out << "\n";
  for (std::size_t i = 0; i < order.size(); ++i) {
    out << "  " << std::setw(2) << i + 1 << "  ";
    for (const auto& got : order) {
      const auto row = cells.find(order[i]);
      const std::size_t n =
          row == cells.end() || !row->second.contains(got) ? 0 : row->second.at(got);
      out << std::setw(4) << (n == 0 ? std::string{"."} : std::to_string(n));
    }
    out << "\n";
  }
  out << "\n";
}

bool print_gate_line(std::ostream& out, const std::string& name, const ratio& r, double bound,
                     bool upper) {
  out << "  " << std::left << std::setw(30) << name << std::right << fixed(r.value(), 4) << "  ("
      << r.hits << "/" << r.total << ")";
  if (bound < 0.0) {
    out << "\n";
    return true;
  }
  const bool ok = upper ? r.value() <= bound + 1e-12 : r.value() + 1e-12 >= bound;
  out << (upper ? "  max " : "  min ") << fixed(bound) << (ok ? "  ok" : "  FAIL") << "\n";
  return ok;
}

// Prints one part's report; returns whether its gate holds.
bool print_real(std::ostream& out, const std::string& part, const std::vector<outcome>& outcomes,
                const real_gate& gate, bool show_errors) {
  const real_score r = score_real(outcomes);
  out << "==== real visitors, " << part << " part: " << outcomes.size() << " messages\n\n";
  print_report(out, "Answer-kind report (" + part + ")", r.labels);
  print_matrix(out, outcomes);
  out << "Accuracy by kind of message\n";
  for (const auto& [kind, k] : r.by_kind) print_gate_line(out, kind, k, -1.0, false);
  out << "\n";
  if (show_errors) {
    out << "Errors (" << part << "): " << r.wrong.size() << "\n";
    for (const outcome* o : r.wrong) {
      out << "  " << o->want->where << " [" << o->want->kind << "] \"" << o->want->text
          << "\"\n      expected " << o->expected_label() << ", got " << o->got_label()
          << (o->clarified() ? " offering " + join(o->offered) : std::string{}) << " (confidence "
          << fixed(o->confidence) << ")\n";
    }
  } else {
    out << "Errors (" << part << "): " << r.wrong.size()
        << " (not listed: this part is held back; nothing is fitted to it)\n";
  }
  out << "\nSummary (" << part << ")\n";
  bool ok = print_gate_line(out, "accuracy", r.labels.accuracy, gate.min_accuracy, false);
  ok = print_gate_line(out, "lead recall", r.lead_recall, gate.min_lead_recall, false) && ok;
  ok = print_gate_line(out, "hybrid recall", r.hybrid_recall, gate.min_hybrid_recall, false) && ok;
  ok = print_gate_line(out, "out-of-scope recall", r.out_of_scope_recall,
                       gate.min_out_of_scope_recall, false) &&
       ok;
  ok = print_gate_line(out, "confident mistakes (>=0.8)", r.confident_mistakes,
                       gate.max_confident_mistakes, true) &&
       ok;
  ok = print_gate_line(out, "clarification rate", r.clarified, gate.max_clarification_rate, true) &&
       ok;
  ok = print_gate_line(out, "right, or clarified with it", r.right_or_clarified,
                       gate.min_right_or_clarified, false) &&
       ok;
  out << (ok ? "PASS" : "FAIL") << " (" << part << ")\n\n";
  return ok;
}

json real_json(const std::vector<outcome>& outcomes, bool with_errors) {
  const real_score r = score_real(outcomes);
  json kinds = json::object();
  for (const auto& [kind, k] : r.by_kind) kinds[kind] = to_json(k);
  json j = {{"messages", outcomes.size()},
            {"labels", to_json(r.labels)},
            {"lead_recall", to_json(r.lead_recall)},
            {"hybrid_recall", to_json(r.hybrid_recall)},
            {"out_of_scope_recall", to_json(r.out_of_scope_recall)},
            {"confident_mistakes", to_json(r.confident_mistakes)},
            {"clarified", to_json(r.clarified)},
            {"right_or_clarified", to_json(r.right_or_clarified)},
            {"by_kind", kinds}};
  if (with_errors) {
    json errors = json::array();
    for (const outcome* o : r.wrong) {
      errors.push_back({{"text", o->want->text},
                        {"where", o->want->where},
                        {"kind", o->want->kind},
                        {"source", o->want->source},
                        {"expected", o->expected_label()},
                        {"got", o->got_label()},
                        {"confidence", o->confidence}});
    }
    j["errors"] = errors;
  } else {
    j.erase("labels");  // its confusions quote texts
    j["accuracy"] = to_json(r.labels.accuracy);
  }
  return j;
}

std::vector<outcome> ask_each(const advisor::dialogue::engine& engine,
                              const std::vector<expectation>& items) {
  std::vector<outcome> out;
  out.reserve(items.size());
  for (const expectation& want : items) {
    advisor::dialogue::conversation state;
    out.push_back(ask(engine, state, want));
  }
  return out;
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
  fs::path real = "tests/eval/real";  // tune.jsonl and heldout.jsonl; skipped when absent
  real_gate tune_gate;
  real_gate heldout_gate;
  bool show_heldout_errors = false;
  bool real_only = false;           // skip the hand-written set (its own ctest entry scores it)
  std::vector<std::string> probes;  // texts to show the understanding of, instead of scoring
  bool facts = false;               // print the compiled guide instead of scoring
  bool skip_real = false;           // score only the hand-written set
  bool dialogue = false;            // the probes are one conversation
  std::string features;             // write training rows here instead of scoring
  std::string corrections;          // words to typo-correct, one per line ("-": standard input)
};

// With weights.json unless `rules_only` (train.py's features come from the rules alone).
advisor::intents::understander_ptr load_understander(const options& opt, bool rules_only = false) {
  const fs::path weights_path = opt.intents_dir / "weights.json";
  std::optional<advisor::intents::text_file> weights;
  if (!rules_only && fs::exists(weights_path))
    weights = advisor::intents::text_file{"weights.json", read_file(weights_path)};
  const auto compiled = advisor::intents::compile_understander(
      {"intents.json", read_file(opt.intents_dir / "intents.json")},
      {"lexicon.txt", read_file(opt.intents_dir / "lexicon.txt")}, weights ? &*weights : nullptr);
  if (const auto* e = std::get_if<advisor::intents::load_error>(&compiled)) {
    throw load_failure{e->what()};
  }
  return std::get<advisor::intents::understander_ptr>(compiled);
}

// What calibrate.py fits the confidence on: the matcher's numbers and whether it was right.
json calibration_data(const advisor::intents::understander& u,
                      const std::vector<outcome>& outcomes) {
  json rows = json::array();
  for (const outcome& o : outcomes) {
    const auto understood = u.understand(o.want->text);
    rows.push_back({{"score", understood.score},
                    {"margin", understood.margin},
                    {"words", understood.words},
                    {"intent", to_string(understood.intent)},
                    {"right", o.label_ok()}});
  }
  return rows;
}

void write_report(const std::string& path, const json& report) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) throw load_failure{path + ": cannot write the report"};
  file << report.dump(2) << "\n";
  if (!file) throw load_failure{path + ": cannot write the report"};
}

// --features: what train.py fits the learned weighting on: the understander's features of
// every hand-written utterance and every TUNING message, with its label. Never the held-back part.
void write_features(const options& opt) {
  const auto reader = load_understander(opt, true);
  json rows = json::array();
  const auto add = [&](const fs::path& path, const char* set) {
    for (const expectation& e : load_utterances(path)) {
      rows.push_back({{"set", set},
                      {"intent", e.intent},
                      {"x", reader->features(e.text)},
                      {"won", reader->won_outright(e.text)},
                      {"normalized", reader->weighed_words(e.text)}});
    }
  };
  add(opt.data / "utterances.jsonl", "hand");
  add(opt.real / "tune.jsonl", "tune");
  json readings = json::array();
  for (const auto& [top, second] : reader->clarify_readings()) readings.push_back({top, second});
  write_report(
      opt.features,
      {{"names", reader->feature_names()}, {"rows", rows}, {"clarify_readings", readings}});
}

// --probe: what the understanding layer took from a text, and what the engine answered.
void probe(const advisor::dialogue::engine& engine, const advisor::intents::understander& reader,
           const std::string& text, advisor::dialogue::conversation& state) {
  const auto u = reader.understand(text);
  std::vector<std::string> pairs;
  for (const auto& [x, y] : u.found.compared) pairs.push_back(x + "~" + y);
  std::cout << "\"" << text << "\"\n  intent " << to_string(u.intent) << " (" << fixed(u.confidence)
            << "; score " << fixed(u.score) << ", margin " << fixed(u.margin) << ", runner-up "
            << (u.runner_up ? to_string(*u.runner_up) : "-") << " " << fixed(u.runner_up_confidence)
            << (u.unsure ? ", unsure" : "") << ")  follow_up " << u.follow_up << "\n  technologies "
            << join(u.found.technologies) << "\n  others " << join(u.found.other_technologies)
            << "\n  topics " << join(u.found.topics) << "\n  compared " << join(pairs)
            << "\n  cues " << join(u.cues) << "\n  normalized " << u.normalized << "\n";
  const auto reply = engine.respond(state, text, fixed_context());
  std::cout << "  reply " << to_string(reply.intent) << "/"
            << recommendation_name(reply.recommendation) << ": " << reply.text << "\n\n";
}

// --corrections: "word -> target" for each word of the list the typo corrector changes
// (scripts/typo-corrected-words checks a dictionary with it).
void print_corrections(const options& opt) {
  const auto reader = load_understander(opt);
  std::ifstream file;
  if (opt.corrections != "-") {
    file.open(opt.corrections);
    if (!file) throw load_failure{"cannot read " + opt.corrections};
  }
  std::istream& in = opt.corrections == "-" ? std::cin : file;
  for (std::string word; std::getline(in, word);) {
    const std::string target = reader->correct(word);
    if (target != word) std::cout << word << " -> " << target << "\n";
  }
}

// --facts: how the guide was read (each sentence's section, technologies, stance and topics).
void print_facts(const options& opt) {
  const auto understander = load_understander(opt);
  std::vector<fs::path> paths;
  for (const auto& entry : fs::recursive_directory_iterator(opt.knowledge_dir)) {
    if (entry.is_regular_file()) paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<advisor::intents::text_file> files;
  for (const auto& path : paths)
    files.push_back({fs::relative(path, opt.knowledge_dir).generic_string(), read_file(path)});
  const auto kb = advisor::knowledge::compile_knowledge(files, *understander);
  if (const auto* e = std::get_if<advisor::intents::load_error>(&kb)) throw load_failure{e->what()};
  for (const auto& f : std::get<advisor::knowledge::knowledge_ptr>(kb)->facts()) {
    std::cout << f.section << " | " << join(f.technologies) << " | "
              << advisor::knowledge::to_string(f.stance) << (f.hedged ? " (hedged)" : "") << " | "
              << join(f.topics) << "\n  " << f.text << "\n";
  }
}

// The hand-written set; writes its part of the JSON report. Returns whether it passes.
bool run_hand_written(const advisor::dialogue::engine_ptr& engine, const options& opt,
                      json& report_out) {
  const std::vector<expectation> utterances = load_utterances(opt.data / "utterances.jsonl");
  const fs::path dialogues_path = opt.data / "dialogues.jsonl";
  const std::vector<script> dialogues =
      fs::exists(dialogues_path) ? load_dialogues(dialogues_path) : std::vector<script>{};

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
  out << "advisor_eval: " << singles.size() << " utterances, " << dialogues.size() << " dialogues ("
      << turns.size() << " turns)\n\n";
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
  const bool rec_pass = recommendations.accuracy.value() + 1e-12 >= opt.min_recommendation_accuracy;
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

  {
    json errors = json::array();
    for (const outcome* o : wrong_singles) errors.push_back(to_json(*o));
    json dialogue_errors = json::array();
    for (const outcome* o : wrong_turns) dialogue_errors.push_back(to_json(*o));
    const json report = {{"utterances", singles.size()},
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
    report_out["hand_written"] = report;
  }
  return pass;
}

// The real visitors' set: the tuning part with its errors, the held-back part without.
bool run_real(const advisor::dialogue::engine_ptr& engine, const options& opt, json& report) {
  const fs::path tune_path = opt.real / "tune.jsonl";
  const fs::path heldout_path = opt.real / "heldout.jsonl";
  if (!fs::exists(tune_path) || !fs::exists(heldout_path)) {
    std::cout << "advisor_eval: no real set in " << opt.real.string() << "\n";
    return !opt.real_only;
  }
  // The outcomes point into these: they live as long as the outcomes.
  const std::vector<expectation> tune_set = load_utterances(tune_path);
  const std::vector<expectation> heldout_set = load_utterances(heldout_path);
  const auto tune = ask_each(*engine, tune_set);
  const auto heldout = ask_each(*engine, heldout_set);
  const bool tune_ok = print_real(std::cout, "tuning", tune, opt.tune_gate, true);
  const bool heldout_ok =
      print_real(std::cout, "held-back", heldout, opt.heldout_gate, opt.show_heldout_errors);
  report["real"] = {{"tuning", real_json(tune, true)},
                    {"held_back", real_json(heldout, opt.show_heldout_errors)}};
  report["real"]["tuning"]["calibration_data"] = calibration_data(*load_understander(opt), tune);
  return tune_ok && heldout_ok;
}

int run(const options& opt) {
  if (!opt.features.empty()) {
    write_features(opt);
    return 0;
  }
  if (opt.facts) {
    print_facts(opt);
    return 0;
  }
  if (!opt.corrections.empty()) {
    print_corrections(opt);
    return 0;
  }
  auto loaded = advisor::server::load_engine({opt.intents_dir, opt.knowledge_dir});
  if (const auto* error = std::get_if<std::string>(&loaded)) throw load_failure{*error};
  const advisor::dialogue::engine_ptr engine = std::get<advisor::dialogue::engine_ptr>(loaded);
  if (!engine) throw load_failure{"load_engine returned no engine"};
  if (!opt.probes.empty()) {
    // One conversation across the probes with --dialogue, a fresh one for each otherwise.
    advisor::dialogue::conversation shared;
    const auto reader = load_understander(opt);
    for (const auto& text : opt.probes) {
      advisor::dialogue::conversation fresh;
      probe(*engine, *reader, text, opt.dialogue ? shared : fresh);
    }
    return 0;
  }
  json report = json::object();
  bool pass = true;
  if (!opt.real_only) pass = run_hand_written(engine, opt, report);
  if (!opt.skip_real) pass = run_real(engine, opt, report) && pass;
  if (!opt.report.empty()) write_report(opt.report, report);
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
  app.add_option("--real", opt.real, "folder with the real set (tune.jsonl, heldout.jsonl)")
      ->capture_default_str();
  app.add_flag("--real-only", opt.real_only, "score only the real set");
  app.add_flag("--skip-real", opt.skip_real, "score only the hand-written set");
  app.add_flag("--dialogue", opt.dialogue, "with --probe: the texts are one conversation");
  app.add_option("--probe", opt.probes, "show how a text is understood and answered (repeatable)");
  app.add_option("--corrections", opt.corrections,
                 "print 'word -> target' for each word of this file (one per line; '-' reads "
                 "standard input) that the typo corrector changes");
  app.add_option("--features", opt.features,
                 "write the understander's features of the hand-written and tuning messages "
                 "(for train.py) to this file");
  app.add_flag("--facts", opt.facts, "print how the guide was read, sentence by sentence");
  app.add_flag("--show-heldout-errors", opt.show_heldout_errors,
               "also list the held-back part's errors (never while tuning)");
  const auto gate = [&](const std::string& part, real_gate& g) {
    const auto range = CLI::Range(0.0, 1.0);
    app.add_option("--" + part + "-min-accuracy", g.min_accuracy)->check(range);
    app.add_option("--" + part + "-min-lead-recall", g.min_lead_recall)->check(range);
    app.add_option("--" + part + "-min-hybrid-recall", g.min_hybrid_recall)->check(range);
    app.add_option("--" + part + "-min-out-of-scope-recall", g.min_out_of_scope_recall)
        ->check(range);
    app.add_option("--" + part + "-max-confident-mistakes", g.max_confident_mistakes)->check(range);
    app.add_option("--" + part + "-max-clarification-rate", g.max_clarification_rate)->check(range);
    app.add_option("--" + part + "-min-right-or-clarified", g.min_right_or_clarified)->check(range);
  };
  gate("tune", opt.tune_gate);
  gate("heldout", opt.heldout_gate);
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
