#pragma once
// Knowledge: the guide compiled into facts, and the recommender and explainer over them.
// Pure: compiled from file contents handed in (knowledge/data/*) and the understander, whose
// lexicon tags guide sentences, so a question's topics and a sentence's topics meet by
// construction. Immutable after compile_knowledge(); safe to share between threads.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "intents/understander.hpp"
#include "intents/understanding.hpp"

namespace advisor::knowledge {

using intents::load_error;
using intents::text_file;

enum class polarity { neutral, strength, limit, mixed };  // mixed: a strength and a limit
std::string_view to_string(polarity p);

// One clause of a sentence ("X limits Y, but Z improved W" has two), with its own stance.
struct claim {
  polarity stance = polarity::neutral;
  bool hedged = false;              // "can sometimes", "may": a weak claim
  std::vector<std::string> topics;  // lexicon topic ids this clause speaks of
};

// One guide sentence, verbatim, with what it says.
struct fact {
  std::size_t id = 0;                     // position in the guide, 0-based
  std::string section;                    // the heading of its section, e.g. "Use Case Fit"
  std::string text;                       // the sentence exactly as in the guide
  std::vector<std::string> technologies;  // "node", "python" or both; inherited from the
                                          // previous sentence when it names none ("it")
  bool both = false;                      // speaks of both technologies alike ("Both are ...")
  bool hybrid = false;                    // recommends them together ("a hybrid setup ...")
  polarity stance = polarity::neutral;
  bool hedged = false;
  std::vector<std::string> topics;  // union of its claims' topics, in order
  std::vector<claim> claims;
};

struct section {
  std::string heading;
  std::vector<std::size_t> facts;  // ids
};

// How the guide answers one need of the question.
struct need_outcome {
  std::string topic;    // e.g. "streaming"
  std::string favours;  // "node", "python" or "depends" (the guide gives both sides or hedges)
  double node = 0.0;    // weighed support (strengths minus limits, focused sentences weigh more)
  double python = 0.0;
  std::vector<const fact*> facts;  // the sentences behind it, strongest first
};

struct recommendation {
  std::string verdict;                 // "node", "python", "hybrid", "depends"
  bool general = false;                // no need the guide covers was asked: a general comparison
  std::vector<need_outcome> needs;     // in the question's order
  std::vector<std::string> uncovered;  // topics asked that no guide sentence speaks to
  std::vector<const fact*> sources;    // what the answer rests on, most relevant first
  // Set when verdict is "hybrid" and the guide has a sentence recommending both together.
  const fact* hybrid_fact = nullptr;
};

// The compiled guide. Pointers it returns stay valid as long as the knowledge_base lives.
class knowledge_base {
 public:
  struct rules;  // compiled knowledge.txt (see knowledge/data/knowledge.txt)
  knowledge_base(std::vector<fact> facts, std::vector<section> sections,
                 std::vector<std::string> technologies, std::unique_ptr<rules> r);
  ~knowledge_base();
  knowledge_base(const knowledge_base&) = delete;
  knowledge_base& operator=(const knowledge_base&) = delete;

  const std::vector<fact>& facts() const { return facts_; }
  const std::vector<section>& sections() const { return sections_; }

  // Weighs the guide's facts for the needs (topic ids, in the question's order) and the
  // technologies the question names; max_sources caps recommendation::sources. `moving_to`
  // is the side a move in the question goes to ("port our Flask server to Node"), if any.
  recommendation recommend(const std::vector<std::string>& topics,
                           const std::vector<std::string>& technologies,
                           std::size_t max_sources = 3, std::string_view moving_to = {}) const;

  // The sentences that explain a topic ("gil", "npm", "event_loop", ...): the most specific
  // topic asked wins; with no topic, the sentences that introduce the technologies named.
  std::vector<const fact*> explain(const std::vector<std::string>& topics,
                                   const std::vector<std::string>& technologies,
                                   std::size_t max_facts = 3) const;

  // Every fact tagged with `topic`, in guide order.
  const std::vector<const fact*>& about(std::string_view topic) const;

  // How to name a topic in an answer ("cpu_bound" -> "CPU-bound work"), from knowledge.txt;
  // the id with spaces for underscores when it has no label.
  std::string label(std::string_view topic) const;

  // What a topic is, one sentence ("gil" -> "The GIL is Python's global interpreter lock: ..."),
  // from knowledge.txt's "define"; empty when it has none. An explanation opens with it.
  std::string definition(std::string_view topic) const;

  // How knowledge.txt classes a topic: a detail is for explain only ("npm"); a broad need
  // counts only when nothing more specific is asked ("performance"). Answers use these to
  // name what a sentence is mainly about.
  bool is_detail(std::string_view topic) const;
  bool is_generic(std::string_view topic) const;

  // The technologies compared, in the lexicon's order ("node", "python").
  const std::vector<std::string>& technologies() const { return technologies_; }

 private:
  // Support of one technology for one need.
  struct side {
    double score = 0.0;
    bool firm = false;                                  // at least one unhedged strength
    std::vector<std::pair<double, const fact*>> facts;  // (weight, fact) of its strengths
  };
  const fact* hybrid_fact_for(const std::vector<std::string>& needs) const;
  std::pair<std::vector<std::string>, bool> needs_of(const std::vector<std::string>& topics,
                                                     recommendation& out) const;
  std::map<std::string, side> sides_for(const std::string& need) const;
  bool leaves(const std::string& need, const need_outcome& n, std::string_view moving_to) const;
  const fact* counterpart_fact(const std::string& need, const std::string& tech) const;
  std::string winner_of(const std::string& need, std::map<std::string, side>& sides) const;
  need_outcome outcome_for(const std::string& need) const;
  const fact* broadest_strength(const std::string& tech) const;
  void general_sources(const std::vector<std::string>& technologies, std::size_t max_sources,
                       recommendation& out) const;
  void weigh_the_guide();

  std::vector<fact> facts_;
  std::vector<section> sections_;
  std::vector<std::string> technologies_;
  std::unique_ptr<rules> rules_;
  // Weighed once when the guide is compiled, not on every question: how the guide answers
  // each need some sentence speaks of, and each technology's broadest strength.
  std::unordered_map<std::string, std::vector<const fact*>> about_;  // in guide order
  std::unordered_map<std::string, need_outcome> outcomes_;
  std::map<std::string, const fact*, std::less<>> broadest_;
};

using knowledge_ptr = std::shared_ptr<const knowledge_base>;

// Compiles knowledge/data/*: "knowledge.txt" holds the rules; every other ".txt" file is a
// guide document (headings and sentences), taken in the order given; other files are
// ignored (a README may sit beside them). Errors name the file and line.
std::variant<knowledge_ptr, load_error> compile_knowledge(
    const std::vector<text_file>& files, const intents::understander& understander);

}  // namespace advisor::knowledge
