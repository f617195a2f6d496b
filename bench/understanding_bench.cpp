// Understanding plus answer, per message, on one core: the engine on every utterance of the
// evaluation set, in turn. The baseline in the same run is parsing the message's WebSocket
// frame (nlohmann/json), the least work the server does for any message.
//
//   build/test/bench/understanding_bench --benchmark_repetitions=10
//       --benchmark_report_aggregates_only=true   (one command line)
#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "server/engine_loader.hpp"
#include "server/protocol.hpp"

namespace {

std::vector<std::string> texts_of(const char* path) {
  std::vector<std::string> out;
  std::ifstream in{path};
  for (std::string line; std::getline(in, line);) {
    auto item = nlohmann::json::parse(line, nullptr, false);
    if (item.is_object() && item.contains("text") && item.at("text").is_string()) {
      out.push_back(item.at("text").get<std::string>());
    }
  }
  return out;
}

// The hand-written chat lines, and real visitors' messages (longer, several sentences).
const std::vector<std::string>& corpus() {
  static const auto texts = texts_of(ADVISOR_SOURCE_DIR "/tests/eval/utterances.jsonl");
  return texts;
}
const std::vector<std::string>& real_corpus() {
  static const auto texts = texts_of(ADVISOR_SOURCE_DIR "/tests/eval/real/tune.jsonl");
  return texts;
}

advisor::dialogue::engine_ptr engine() {
  static const auto built = [] {
    auto loaded = advisor::server::load_engine(
        {ADVISOR_SOURCE_DIR "/intents/data", ADVISOR_SOURCE_DIR "/knowledge/data"});
    if (auto* error = std::get_if<std::string>(&loaded)) {
      std::cerr << *error << '\n';
      std::exit(2);
    }
    return std::get<advisor::dialogue::engine_ptr>(loaded);
  }();
  return built;
}

// Fixed clock: slot offers do not depend on when the benchmark runs.
const advisor::dialogue::turn_context context{
    advisor::dialogue::time_point{std::chrono::sys_days{std::chrono::year{2026} / 5 / 4}} +
        std::chrono::hours{8},
    nullptr};

void baseline_parse_frame(benchmark::State& state) {
  std::vector<std::string> frames;
  for (const auto& t : corpus())
    frames.push_back(nlohmann::json{{"type", "message"}, {"text", t}}.dump());
  const advisor::server::protocol::frame_rules rules{};
  std::size_t i = 0;
  for (auto _ : state) {
    auto parsed = advisor::server::protocol::parse_client_frame(frames[i], rules);
    benchmark::DoNotOptimize(parsed);
    i = (i + 1) % frames.size();
  }
  state.SetItemsProcessed(state.iterations());
}

void answer_each(benchmark::State& state, const std::vector<std::string>& texts) {
  const auto e = engine();
  std::size_t i = 0;
  for (auto _ : state) {
    advisor::dialogue::conversation fresh;  // one turn of a new conversation per message
    auto reply = e->respond(fresh, texts[i], context);
    benchmark::DoNotOptimize(reply);
    i = (i + 1) % texts.size();
  }
  state.SetItemsProcessed(state.iterations());
}

void understand_and_answer(benchmark::State& state) {
  answer_each(state, corpus());
}
void understand_and_answer_real(benchmark::State& state) {
  answer_each(state, real_corpus());
}

}  // namespace

BENCHMARK(baseline_parse_frame);
BENCHMARK(understand_and_answer);
BENCHMARK(understand_and_answer_real);
BENCHMARK_MAIN();
