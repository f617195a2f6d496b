// The understanding cache: what it keeps and drops, and that an engine using it answers every
// conversation exactly as one that reads each message afresh.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "dialogue/engine.hpp"
#include "intents/understanding_cache.hpp"
#include "tests/support/source_files.hpp"

namespace {

using advisor::intents::understanding;
using advisor::intents::understanding_cache;
using namespace advisor::dialogue;

understanding_cache::shared made(double confidence) {
  auto u = std::make_shared<understanding>();
  u->confidence = confidence;
  return u;
}

engine_ptr build(std::size_t cache_entries) {
  engine_inputs inputs;
  inputs.intent_files = advisor::test::read_source_folder("intents/data");
  inputs.knowledge_files = advisor::test::read_source_folder("knowledge/data");
  inputs.understanding_cache_entries = cache_entries;
  auto built = build_engine(inputs);
  if (const auto* error = std::get_if<std::string>(&built)) FAIL(*error);
  return std::get<engine_ptr>(built);
}

// Every reply of every scripted conversation in tests/eval/dialogues.jsonl, as one string.
std::string run_dialogues(const engine& bot) {
  std::istringstream lines{advisor::test::read_source_file("tests/eval/dialogues.jsonl")};
  std::string line;
  std::ostringstream out;
  const turn_context fixed_now{};
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    conversation state;
    const auto script = nlohmann::json::parse(line);
    for (const auto& turn : script.at("turns")) {
      const auto r = bot.respond(state, turn.at("text").get<std::string>(), fixed_now);
      out << r.text << '|' << r.confidence << '|' << r.recommendation.value_or("-") << '|';
      for (const auto& s : r.sources) out << s.section << ':' << s.text << ';';
      for (const auto& s : r.suggestions) out << s << ';';
      out << (r.form ? r.form->field : "-") << '\n';
    }
  }
  return out.str();
}

}  // namespace

TEST_CASE("the cache gives back what was kept, for short texts only", "[cache]") {
  const understanding_cache cache{8};
  CHECK(cache.find("hi") == nullptr);
  const auto hi = made(0.5);
  cache.keep("hi", hi);
  CHECK(cache.find("hi") == hi);
  CHECK(cache.find("Hi") == nullptr);  // exact texts only: reading is not repeated here
  const std::string long_text(understanding_cache::max_text_bytes + 1, 'a');
  cache.keep(long_text, made(0.1));
  CHECK(cache.find(long_text) == nullptr);
}

TEST_CASE("the cache keeps nothing when it has no entries", "[cache]") {
  const understanding_cache cache{0};
  cache.keep("hi", made(0.5));
  CHECK(cache.find("hi") == nullptr);
}

TEST_CASE("the cache is bounded and keeps what is asked for", "[cache]") {
  const understanding_cache cache{4};
  const auto asked = made(0.9);
  cache.keep("asked", asked);
  for (int i = 0; i < 100; ++i) {
    cache.keep("text " + std::to_string(i), made(0.1));
    // Asked for in every generation: never dropped.
    REQUIRE(cache.find("asked") == asked);
  }
  int kept = 0;
  for (int i = 0; i < 100; ++i) kept += cache.find("text " + std::to_string(i)) != nullptr;
  CHECK(kept <= 8);  // two generations of at most four
  CHECK(kept >= 3);  // the last ones are still there
}

TEST_CASE("an engine with the cache answers every conversation as one without", "[cache]") {
  const auto fresh = build(0);
  const auto cached = build(4096);
  const auto expected = run_dialogues(*fresh);
  REQUIRE_FALSE(expected.empty());
  CHECK(run_dialogues(*cached) == expected);  // filling the cache
  CHECK(run_dialogues(*cached) == expected);  // every text found in it
}
