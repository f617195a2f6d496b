// The understanding of any text (intents::understander::understand), and the engine's answer
// to it as a first message.

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string_view>

#include "intents/understander.hpp"
#include "tests/fuzz/fuzz_engine.hpp"

using namespace advisor;

namespace {

intents::text_file read(const std::string& name) {
  std::ifstream in{std::filesystem::path{ADVISOR_SOURCE_DIR} / "intents" / "data" / name,
                   std::ios::binary};
  std::ostringstream content;
  content << in.rdbuf();
  return {name, content.str()};
}

intents::understander_ptr project_understander() {
  const auto patterns = read("intents.json");
  const auto lexicon = read("lexicon.txt");
  const auto weights = read("weights.json");
  auto compiled = intents::compile_understander(patterns, lexicon, &weights);
  if (auto* error = std::get_if<intents::load_error>(&compiled)) std::abort();
  return std::get<intents::understander_ptr>(std::move(compiled));
}

intents::understander_ptr understander;
dialogue::engine_ptr engine;

}  // namespace

// Built before the first input: libFuzzer's -timeout is per input, and compiling the project's
// data under the sanitizers takes seconds (it timed out the first input on a loaded machine).
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  understander = project_understander();
  engine = fuzz::project_engine();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  (void)understander->understand(text);
  dialogue::conversation state;
  (void)engine->respond(state, text);
  return 0;
}
