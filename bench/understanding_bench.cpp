// Understanding plus answer, per message, on one core: the engine on every utterance of the
// evaluation set, in turn. The baseline in the same run is parsing the message's WebSocket
// frame (the protocol's strict reader), the least work the server does for any message.
//
//   build/test/bench/understanding_bench --benchmark_repetitions=10
//       --benchmark_report_aggregates_only=true   (one command line)
//
// Two modes outside Google Benchmark, for what a shared machine's clock cannot show:
//   --count-passes N   one pass over the chat lines inside first_pass(), then N passes
//                      inside counted_passes(), for callgrind's --toggle-collect
//                      (bench/README.md)
//   --replies FILE     every chat line's and real message's reply frame, one a line, to
//                      compare two builds' outputs byte for byte
#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "bench/questions.hpp"
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
const std::vector<std::string>& heldout_corpus() {
  static const auto texts = texts_of(ADVISOR_SOURCE_DIR "/tests/eval/real/heldout.jsonl");
  return texts;
}

// cache_entries: the understanding cache as the server has it (--understanding-cache); 0, the
// default here, reads every message afresh.
advisor::dialogue::engine_ptr fresh_engine(std::size_t cache_entries = 0) {
  auto loaded = advisor::server::load_engine(
      {ADVISOR_SOURCE_DIR "/intents/data", ADVISOR_SOURCE_DIR "/knowledge/data"},
      {{}, cache_entries});
  if (auto* error = std::get_if<std::string>(&loaded)) {
    std::cerr << *error << '\n';
    std::exit(2);
  }
  return std::get<advisor::dialogue::engine_ptr>(loaded);
}

advisor::dialogue::engine_ptr engine() {
  static const auto built = fresh_engine();
  return built;
}

// Fixed clock: slot offers do not depend on when the benchmark runs.
const advisor::dialogue::turn_context context{
    advisor::dialogue::time_point{std::chrono::sys_days{std::chrono::year{2026} / 5 / 4}} +
        std::chrono::hours{8},
    nullptr};

void answer_once(const advisor::dialogue::engine& e, const std::string& text) {
  advisor::dialogue::conversation fresh;  // one turn of a new conversation
  auto reply = e.respond(fresh, text, context);
  benchmark::DoNotOptimize(reply);
}

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

void answer_each(benchmark::State& state, const std::vector<std::string>& texts,
                 advisor::dialogue::engine_ptr e = engine()) {
  std::size_t i = 0;
  for (auto _ : state) {
    advisor::dialogue::conversation fresh;  // one turn of a new conversation per message
    auto reply = e->respond(fresh, texts[i], context);
    benchmark::DoNotOptimize(reply);
    i = (i + 1) % texts.size();
  }
  state.SetItemsProcessed(state.iterations());
}

// Each real message once, as a visitor's new message meets the engine: what the matchers build
// for a text they have not seen is part of the cost (the other benchmarks cycle through the same
// texts, so they mostly meet what was built before). The engine is loaded afresh, and with
// `warm` first answers the hand-written lines and the held-back real messages, as a running
// service has answered others before; neither is timed. The figure is per message.
void first_time(benchmark::State& state, bool warm) {
  const auto& texts = real_corpus();
  for (auto _ : state) {
    state.PauseTiming();
    auto e = fresh_engine();
    if (warm) {
      for (const auto* other : {&corpus(), &heldout_corpus()}) {
        for (const auto& text : *other) answer_once(*e, text);
      }
    }
    state.ResumeTiming();
    for (const auto& text : texts) answer_once(*e, text);
    state.PauseTiming();
    e.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(texts.size()));
  // Seconds per message (the time column is per pass over the texts).
  state.counters["per_message"] = benchmark::Counter(
      static_cast<double>(texts.size()),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void understand_and_answer_real_new(benchmark::State& state) {
  first_time(state, true);
}
void understand_and_answer_real_new_engine(benchmark::State& state) {
  first_time(state, false);
}

void understand_and_answer(benchmark::State& state) {
  answer_each(state, corpus());
}
// The ten questions bench/ws_load cycles through (bench/run-compare, issue 14).
void understand_and_answer_load_questions(benchmark::State& state) {
  answer_each(state, advisor::bench::questions);
}
// The same with the server's default understanding cache: each question is read once, then
// only answered.
void understand_and_answer_load_questions_cached(benchmark::State& state) {
  answer_each(state, advisor::bench::questions, fresh_engine(4096));
}
void understand_and_answer_real(benchmark::State& state) {
  answer_each(state, real_corpus());
}

// The warm-up, not counted by --toggle-collect='*counted_passes*': what RE2 builds for a text met
// the first time, which --toggle-collect='*first_pass*' counts (a visitor's new message).
[[gnu::noinline]] void first_pass(const advisor::dialogue::engine& e) {
  for (const auto& text : corpus()) answer_once(e, text);
}

// Not inlined, so that callgrind's --toggle-collect can name it.
[[gnu::noinline]] void counted_passes(const advisor::dialogue::engine& e, int passes) {
  for (int pass = 0; pass < passes; ++pass) {
    for (const auto& text : corpus()) answer_once(e, text);
  }
}

int count_passes(int passes) {
  const auto e = engine();
  first_pass(*e);
  counted_passes(*e, passes);
  std::cout << passes << " passes over " << corpus().size() << " chat lines\n";
  return 0;
}

int write_replies(const char* path) {
  std::ofstream out{path};
  const auto e = engine();
  for (const auto* texts : {&corpus(), &real_corpus()}) {
    for (const auto& text : *texts) {
      advisor::dialogue::conversation fresh;
      out << advisor::server::protocol::reply_json(e->respond(fresh, text, context), std::nullopt)
          << '\n';
    }
  }
  return out ? 0 : 1;
}

}  // namespace

BENCHMARK(baseline_parse_frame);
BENCHMARK(understand_and_answer);
BENCHMARK(understand_and_answer_load_questions);
BENCHMARK(understand_and_answer_load_questions_cached);
BENCHMARK(understand_and_answer_real);
BENCHMARK(understand_and_answer_real_new)->Unit(benchmark::kMicrosecond);
BENCHMARK(understand_and_answer_real_new_engine)->Unit(benchmark::kMicrosecond);
int main(int argc, char** argv) {
  if (argc == 3 && std::string_view{argv[1]} == "--count-passes")
    return count_passes(std::atoi(argv[2]));
  if (argc == 3 && std::string_view{argv[1]} == "--replies") return write_replies(argv[2]);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
