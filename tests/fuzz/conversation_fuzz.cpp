// The restore of a saved conversation (the session store's JSON, read back after a restart):
// any text is refused or gives a conversation the engine can carry on with and save again.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/fuzz/fuzz_engine.hpp"

using namespace advisor;

namespace {
dialogue::engine_ptr engine;
}  // namespace

// Built before the first input: libFuzzer's -timeout is per input, and compiling the project's
// data under the sanitizers takes seconds (it timed out the first input on a loaded machine).
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  engine = fuzz::project_engine();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  auto restored = dialogue::restore_conversation(text);
  if (!restored) return 0;
  (void)dialogue::save_conversation(*restored);
  // A fixed clock: 2026-03-02 10:00 UTC, a Monday.
  dialogue::turn_context context;
  context.now = dialogue::time_point{std::chrono::seconds{1772445600}};
  // Each reply to a restored state: the form's next step, the summary's "yes" (which asks the
  // shell to store), a correction, the stored outcome, and the booking asked about.
  for (const std::string_view message :
       {"yes", "tomorrow at 10", "my email is a@b.co", "yes", "did my booking go through?"}) {
    auto reply = engine->respond(*restored, message, context);
    if (reply.to_store) {
      (void)engine->complete_booking(*restored, {dialogue::booking_outcome::kind::stored, "ADV-X"},
                                     context);
    }
  }
  (void)dialogue::save_conversation(*restored);
  return 0;
}
