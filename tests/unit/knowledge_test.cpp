// Unit tests of the knowledge layer: guide compiler, tagging, recommender, explainer, load errors.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "knowledge/knowledge.hpp"
#include "tests/support/source_files.hpp"

namespace {

using advisor::test::read_source_file;
using advisor::test::read_source_folder;

using advisor::intents::load_error;
using advisor::intents::text_file;
using advisor::intents::understander_ptr;
using advisor::knowledge::compile_knowledge;
using advisor::knowledge::fact;
using advisor::knowledge::knowledge_ptr;
using advisor::knowledge::polarity;

const understander_ptr& understander() {
  static const understander_ptr compiled = [] {
    auto result = advisor::intents::compile_understander(
        {"intents.json", read_source_file("intents/data/intents.json")},
        {"lexicon.txt", read_source_file("intents/data/lexicon.txt")});
    if (auto* e = std::get_if<load_error>(&result)) FAIL(e->what());
    return std::get<understander_ptr>(result);
  }();
  return compiled;
}

std::variant<knowledge_ptr, load_error> compile(const std::string& guide,
                                                const std::string& rules) {
  return compile_knowledge({{"guide.txt", guide}, {"knowledge.txt", rules}}, *understander());
}

// The project's real knowledge files (the guide, one file per section, and the rules),
// compiled once.
const knowledge_ptr& real() {
  static const knowledge_ptr compiled = [] {
    auto result = compile_knowledge(read_source_folder("knowledge/data"), *understander());
    if (auto* e = std::get_if<load_error>(&result)) FAIL(e->what());
    return std::get<knowledge_ptr>(result);
  }();
  return compiled;
}

const fact& sentence_starting(const std::string& start) {
  for (const fact& f : real()->facts()) {
    if (f.text.rfind(start, 0) == 0) return f;
  }
  FAIL("no guide sentence starts with " << start);
  throw std::logic_error("unreachable");
}

bool has(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string error_of(const std::variant<knowledge_ptr, load_error>& result) {
  if (const auto* e = std::get_if<load_error>(&result)) return e->what();
  return "(compiled)";
}

// The recommendation for a question as a visitor types it.
advisor::knowledge::recommendation recommend_for(std::string_view question) {
  const auto u = understander()->understand(question);
  return real()->recommend(u.found.topics, u.found.technologies);
}

bool rests_on(const advisor::knowledge::recommendation& r, const std::string& start) {
  return std::any_of(r.sources.begin(), r.sources.end(),
                     [&](const fact* f) { return f->text.rfind(start, 0) == 0; });
}

const char* const minimal_rules =
    "skip_line: (?i)^last updated\n"
    "skip_section: ^[^a-z]+$\n"
    "stop_at: (?i)^contact\n"
    "abbreviation: e.g.\n"
    "contrast: but\n"
    "strength: ideal, excels\n"
    "limit: limits\n"
    "hedge: sometimes\n"
    "both: both\n"
    "hybrid: together\n";

}  // namespace

TEST_CASE("real guide compiles into sections and facts", "[knowledge]") {
  const auto& kb = *real();
  SECTION("sections are found by shape, non-content is skipped") {
    std::vector<std::string> headings;
    for (const auto& s : kb.sections()) headings.push_back(s.heading);
    CHECK(headings == std::vector<std::string>{"Introduction", "Performance & Concurrency",
                                               "Ecosystem & Libraries", "Developer Experience",
                                               "Use Case Fit", "Verdict"});
  }
  SECTION("sentences are kept verbatim, with their section") {
    CHECK(kb.facts().size() == 22);
    const fact& f = sentence_starting("For CPU-bound tasks");
    CHECK(f.text == "For CPU-bound tasks, Python can sometimes have the edge.");
    CHECK(f.section == "Performance & Concurrency");
  }
  SECTION("abbreviation-like dots do not split sentences") {
    CHECK(sentence_starting("Node.js's npm").text ==
          "Node.js's npm is the world's largest package registry.");
  }
  SECTION("the title, tagline, date and contact block are not facts") {
    for (const fact& f : kb.facts()) {
      CHECK(f.text.find("Last updated") == std::string::npos);
      CHECK(f.text.find("Comparing the two") == std::string::npos);
      CHECK(f.text.find("let's talk") == std::string::npos);
    }
  }
}

TEST_CASE("guide sentences are tagged with technology, stance and topics", "[knowledge]") {
  SECTION("Node's use-case sentence") {
    const fact& f = sentence_starting("Node.js is ideal for I/O-intensive services");
    CHECK(f.technologies == std::vector<std::string>{"node"});
    CHECK(f.stance == polarity::strength);
    CHECK(has(f.topics, "streaming"));
    CHECK(has(f.topics, "chat"));
    CHECK(has(f.topics, "realtime"));
    CHECK(has(f.topics, "api_gateway"));
    CHECK(has(f.topics, "serverless"));
    CHECK(has(f.topics, "io_bound"));
  }
  SECTION("a sentence without a technology inherits the previous one's") {
    const fact& f = sentence_starting("Asynchronous processing is central");
    CHECK(f.technologies == std::vector<std::string>{"node"});
    CHECK(has(f.topics, "microservices"));
    CHECK(sentence_starting("The introduction of type hints").technologies ==
          std::vector<std::string>{"python"});
  }
  SECTION("a contrast splits claims with their own stance") {
    const fact& f = sentence_starting("Python's GIL limits");
    CHECK(f.stance == polarity::mixed);
    REQUIRE(f.claims.size() == 2);
    CHECK(f.claims[0].stance == polarity::limit);
    CHECK(has(f.claims[0].topics, "gil"));
    CHECK(f.claims[1].stance == polarity::strength);
    CHECK(has(f.claims[1].topics, "io_bound"));
  }
  SECTION("hedged claims") {
    const fact& f = sentence_starting("For CPU-bound tasks");
    CHECK(f.hedged);
    CHECK(f.topics == std::vector<std::string>{"cpu_bound"});
  }
  SECTION("both and hybrid") {
    CHECK(sentence_starting("Both are widely used").both);
    const fact& f = sentence_starting("A hybrid setup");
    CHECK(f.hybrid);
    CHECK(f.technologies == std::vector<std::string>{"node", "python"});
    CHECK(has(f.topics, "ml"));
  }
  SECTION("ML sentences are Python's") {
    const fact& f = sentence_starting("For projects integrating AI features");
    CHECK(f.technologies == std::vector<std::string>{"python"});
    CHECK(f.topics == std::vector<std::string>{"ml"});
  }
}

TEST_CASE("recommender outcomes", "[knowledge]") {
  SECTION("streaming -> node") {
    const auto r = recommend_for("is python good for streaming?");
    CHECK(r.verdict == "node");
    CHECK(rests_on(r, "Node.js is ideal for I/O-intensive services"));
  }
  SECTION("ML -> python") {
    const auto r = recommend_for("what should I use for machine learning?");
    CHECK(r.verdict == "python");
    CHECK(rests_on(r, "For projects integrating AI features"));
  }
  SECTION("realtime chat + ML -> hybrid, on the guide's hybrid sentence") {
    const auto r = recommend_for("real-time chat with ML recommendations, which stack?");
    CHECK(r.verdict == "hybrid");
    REQUIRE(r.hybrid_fact != nullptr);
    CHECK(r.sources.front() == r.hybrid_fact);
    CHECK(rests_on(r, "A hybrid setup"));
  }
  SECTION("CPU-bound -> Python's hedged lean, with Node.js's I/O strength beside it") {
    const auto r = recommend_for("which is better for cpu-bound tasks?");
    CHECK(r.verdict == "python");
    CHECK(rests_on(r, "For CPU-bound tasks"));
    CHECK(rests_on(r, "Node.js's single-threaded event loop"));
  }
  SECTION("a general question -> depends, one strength of each side from the concluding section") {
    const auto r = recommend_for("node or python?");
    CHECK(r.verdict == "depends");
    CHECK(r.general);
    REQUIRE(r.sources.size() == 2);
    CHECK(r.sources[0]->section == "Verdict");
    CHECK(r.sources[1]->section == "Verdict");
  }
  SECTION("broad needs with support on both sides -> depends, never hybrid") {
    CHECK(recommend_for("which has better packages").verdict == "depends");
    CHECK(recommend_for("which is better for type safety").verdict == "depends");
    CHECK(recommend_for("python vs node.js for backend").verdict == "depends");
  }
  SECTION("a specific need beats broad ones") {
    CHECK(recommend_for("lots of concurrent connections, node or python").verdict == "node");
    CHECK(recommend_for("high traffic web service that also runs heavy data pipelines").verdict ==
          "hybrid");
  }
  SECTION("more needs on one side") {
    CHECK(recommend_for("serverless API gateway").verdict == "node");
    CHECK(recommend_for("microservices").verdict == "node");
    CHECK(recommend_for("full-stack with the same language as the frontend").verdict == "node");
    CHECK(recommend_for("data pipelines and an admin panel").verdict == "python");
    CHECK(recommend_for("scientific computing").verdict == "python");
    CHECK(recommend_for("rapid prototyping of an MVP").verdict == "python");
    CHECK(recommend_for("best for a beginner?").verdict == "python");
  }
  SECTION("both sides on a broad need -> depends") {
    CHECK(recommend_for("which is faster?").verdict == "depends");
  }
  SECTION("team preferences never make a hybrid: the system's needs decide") {
    CHECK(recommend_for("a beginner who also wants to write the frontend").verdict == "node");
    CHECK(recommend_for("a prototype of a realtime chat").verdict == "node");
    CHECK(recommend_for("a quick mvp with ai features").verdict == "python");
    CHECK(recommend_for("which is easier to learn").verdict == "python");
  }
  SECTION("a typing feature of each side -> depends") {
    CHECK(recommend_for("typescript vs python type hints").verdict == "depends");
    CHECK(recommend_for("we love typescript, node or python for the api?").verdict == "node");
  }
  SECTION("generic needs yield to specific ones") {
    const auto r = recommend_for("a fast backend for video streaming");
    CHECK(r.needs.size() == 1);
    CHECK(r.needs.front().topic == "streaming");
  }
  SECTION("a stated fact outweighs a need either side serves (knowledge.txt 'yields')") {
    CHECK(real()->recommend({"frontend_fullstack", "admin_cms"}, {}).verdict == "node");
    CHECK(real()->recommend({"admin_cms"}, {}).verdict == "python");
    CHECK(real()->recommend({"frontend_fullstack", "ml"}, {}).verdict == "hybrid");
  }
  SECTION("a registry's size is the guide's 'largest', Node.js's") {
    CHECK(recommend_for("is npm bigger than pypi").verdict == "node");
    CHECK(recommend_for("which has better packages").verdict == "depends");
  }
  SECTION("a move takes the needs of its destination, unless both together were asked") {
    const auto r = real()->recommend({"io_bound", "ml"}, {"python", "node"}, 3, "node");
    CHECK(r.verdict == "node");
    REQUIRE(r.needs.size() == 1);
    CHECK(r.needs.front().topic == "io_bound");
    CHECK(real()->recommend({"io_bound", "ml"}, {}, 3, "python").verdict == "python");
    CHECK(real()->recommend({"io_bound", "ml"}, {}).verdict == "hybrid");
    CHECK(real()->recommend({"io_bound", "ml", "hybrid"}, {}, 3, "node").verdict == "hybrid");
    // A move towards a side none of the needs favours is weighed as before.
    CHECK(real()->recommend({"ml"}, {}, 3, "node").verdict == "python");
  }
  SECTION("a move away from JavaScript leaves the one-language point behind") {
    // "Replace all our JavaScript with Python": no reason given.
    CHECK(real()->recommend({"frontend_fullstack"}, {}, 3, "python").verdict == "depends");
    CHECK(real()->recommend({"typescript"}, {}, 3, "python").verdict == "depends");
    // With a reason of the destination's, that reason decides.
    CHECK(real()->recommend({"frontend_fullstack", "ml"}, {}, 3, "python").verdict == "python");
    // Towards JavaScript, or with no move, it is still the reason.
    CHECK(real()->recommend({"frontend_fullstack"}, {}, 3, "node").verdict == "node");
    CHECK(real()->recommend({"frontend_fullstack"}, {}).verdict == "node");
    // A need that is not about staying in one language still counts against the move.
    CHECK(real()->recommend({"realtime"}, {}, 3, "python").verdict == "node");
  }
  SECTION("sources are capped") {
    CHECK(real()->recommend({"ml", "data_pipelines", "scientific"}, {}, 2).sources.size() == 2);
  }
}

TEST_CASE("explain", "[knowledge]") {
  const auto& kb = *real();
  SECTION("the most specific topic wins") {
    const auto gil = kb.explain({"concurrency", "gil"}, {});
    REQUIRE_FALSE(gil.empty());
    CHECK(gil.front()->text.rfind("Python's GIL limits", 0) == 0);
    const auto npm = kb.explain({"ecosystem", "npm"}, {"node"});
    REQUIRE(npm.size() == 1);
    CHECK(npm.front()->text == "Node.js's npm is the world's largest package registry.");
  }
  SECTION("a topic's definition, from knowledge.txt; none for a need") {
    CHECK(kb.definition("gil").rfind("The GIL is Python's global interpreter lock", 0) == 0);
    CHECK(kb.definition("streaming").empty());
  }
  SECTION("type hints and the event loop") {
    CHECK(kb.explain({"typing", "type_hints"}, {})
              .front()
              ->text.rfind("The introduction of type hints", 0) == 0);
    CHECK(kb.explain({"event_loop"}, {}).size() == 2);
  }
  SECTION("no topic: the technology's introduction, then what it is good at") {
    const auto node = kb.explain({}, {"node"});
    REQUIRE(node.size() == 2);
    CHECK(node.front()->text.rfind("Node.js is a JavaScript runtime", 0) == 0);
    CHECK(node.back()->text.rfind("Node.js is ideal for I/O-intensive services", 0) == 0);
    const auto python = kb.explain({}, {"python"});
    REQUIRE(python.size() == 2);
    CHECK(python.back()->section == "Use Case Fit");
  }
  SECTION("a hybrid setup is explained by the guide's hybrid sentence") {
    const auto hybrid = kb.explain({"hybrid"}, {});
    REQUIRE(hybrid.size() == 1);
    CHECK(hybrid.front()->hybrid);
  }
  SECTION("labels") {
    CHECK(kb.label("cpu_bound") == "CPU-bound work");
    CHECK(kb.label("some_topic") == "some topic");
  }
  SECTION("topic classes from knowledge.txt") {
    CHECK(kb.is_detail("npm"));
    CHECK_FALSE(kb.is_detail("streaming"));
    CHECK(kb.is_generic("performance"));
    CHECK_FALSE(kb.is_generic("cpu_bound"));
  }
}

TEST_CASE("a different guide in the same shape compiles", "[knowledge]") {
  const std::string guide =
      "MY TITLE\n"
      "Last updated: today\n"
      "Speed Matters\n"
      "Python excels at data pipelines, e.g. ETL jobs. It is ideal for ML too.\n"
      "\n"
      "Other Notes\n"
      "Node.js is ideal for streaming! Both are fine for small APIs, but Python limits threads.\n"
      "Contact\n"
      "Call us. We are ideal.\n";
  const auto result = compile(guide, minimal_rules);
  REQUIRE(error_of(result) == "(compiled)");
  const auto& kb = *std::get<knowledge_ptr>(result);
  REQUIRE(kb.sections().size() == 2);
  CHECK(kb.sections()[0].heading == "Speed Matters");
  CHECK(kb.sections()[1].heading == "Other Notes");
  REQUIRE(kb.facts().size() == 4);
  CHECK(kb.facts()[0].text == "Python excels at data pipelines, e.g. ETL jobs.");
  CHECK(kb.facts()[1].technologies == std::vector<std::string>{"python"});
  CHECK(kb.facts()[3].both);
  CHECK(kb.recommend({"streaming"}, {}).verdict == "node");
  CHECK(kb.recommend({"streaming", "ml"}, {}).verdict == "hybrid");
}

TEST_CASE("knowledge load errors name file and line", "[knowledge]") {
  const std::string guide = "Heading\nNode.js is ideal for streaming.\n";
  SECTION("unknown directive") {
    CHECK(error_of(compile(guide, "contrast: but\nstrenght: ideal\n")) ==
          "knowledge.txt:2: unknown directive \"strenght\"");
  }
  SECTION("missing colon") {
    CHECK(error_of(compile(guide, "# rules\nstrength ideal\n")) ==
          "knowledge.txt:2: expected \"directive: value\"");
  }
  SECTION("a bad skip pattern") {
    CHECK(error_of(compile(guide, "skip_line: ^(unclosed\n")) ==
          "knowledge.txt:1: skip_line \"^(unclosed\": missing ): ^(unclosed");
  }
  SECTION("an unknown topic") {
    CHECK(error_of(compile(guide, "strength: ideal\n\ngeneric: web_backend, cpu_bond\n")) ==
          "knowledge.txt:3: unknown topic \"cpu_bond\" (not in the lexicon)");
  }
  SECTION("a bad number") {
    CHECK(error_of(compile(guide, "decisive_ratio: two\n")) ==
          "knowledge.txt:1: \"decisive_ratio\" needs a positive number, not \"two\"");
  }
  SECTION("an empty list entry") {
    CHECK(error_of(compile(guide, "strength: ideal,, excels\n")) ==
          "knowledge.txt:1: empty entry in the list");
  }
  SECTION("a multi-word contrast") {
    CHECK(error_of(compile(guide, "contrast: on the other hand\n")) ==
          "knowledge.txt:1: contrast \"on the other hand\" must be one word");
  }
  SECTION("yields and define need a topic") {
    CHECK(error_of(compile(guide, "strength: ideal\nyields: streaming\n")) ==
          "knowledge.txt:2: \"yields\" needs a topic before ':'");
    CHECK(error_of(compile(guide, "define: a thing\n")) ==
          "knowledge.txt:1: \"define\" needs a topic before ':'");
    CHECK(error_of(compile(guide, "define cpu_bond: CPU work.\n")) ==
          "knowledge.txt:1: unknown topic \"cpu_bond\" (not in the lexicon)");
  }
  SECTION("no rules file") {
    CHECK(error_of(compile_knowledge({{"guide.txt", guide}}, *understander())) ==
          "knowledge.txt: missing: the knowledge rules file is required");
  }
  SECTION("a guide without sentences") {
    CHECK(error_of(compile("TITLE ONLY\n", minimal_rules)) ==
          "knowledge: the guide has no sentences under any heading");
  }
}
