// The conversation around the form: building the engine, the transcript, persistence of the
// whole conversation, and the answers outside the form.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "dialogue/engine.hpp"
#include "tests/support/intent_printing.hpp"
#include "tests/support/source_files.hpp"

namespace {

using advisor::test::read_source_folder;

using namespace advisor::dialogue;
using advisor::intents::intent;

engine_inputs real_inputs() {
  engine_inputs inputs;
  inputs.intent_files = read_source_folder("intents/data");
  inputs.knowledge_files = read_source_folder("knowledge/data");
  return inputs;
}

engine_ptr build(const engine_inputs& inputs) {
  auto built = build_engine(inputs);
  if (const auto* error = std::get_if<std::string>(&built)) FAIL(*error);
  return std::get<engine_ptr>(built);
}

// The real data with a learned weighting of biases only, so the test does not hang on what
// training learns: every message the rules do not send to fallback reads as `top`, with
// `second` close behind (0.52 against 0.48); a message matching a pattern of out_of_scope,
// explain or book_consultation reads as that intent.
engine_ptr build_close(const std::string& top, const std::string& second) {
  std::map<std::string, double> bias{
      {"out_of_scope", 0.0}, {"explain", 0.0}, {"book_consultation", 0.0}, {"compare", 0.0}};
  bias[top] = 1.0;
  bias[second] = 0.9;
  std::string intents;
  for (const auto& [intent, b] : bias) {
    const std::string match = intent == "compare" ? "" : R"("match:)" + intent + R"(": 6.0)";
    intents += (intents.empty() ? "" : ",") + ("\"" + intent + "\": {\"bias\": ") +
               std::to_string(b) + ", \"weights\": {" + match + "}}";
  }
  auto inputs = real_inputs();
  std::erase_if(inputs.intent_files, [](const auto& f) { return f.name == "weights.json"; });
  inputs.intent_files.push_back({"weights.json", R"({"clarify_margins": {")" + top + ">" + second +
                                                     R"(": 0.2}, )" + R"("intents": {)" + intents +
                                                     "}}"});
  return build(inputs);
}

bool offers(const reply& r, const std::string& suggestion) {
  return std::find(r.suggestions.begin(), r.suggestions.end(), suggestion) != r.suggestions.end();
}

std::string build_error(const availability& hours) {
  auto inputs = real_inputs();
  inputs.hours = hours;
  auto built = build_engine(inputs);
  const auto* error = std::get_if<std::string>(&built);
  return error == nullptr ? std::string{} : *error;
}

}  // namespace

TEST_CASE("build_engine checks the availability", "[dialogue]") {
  SECTION("the default is fine") {
    CHECK(build_error({}).empty());
  }
  SECTION("an unknown zone") {
    availability hours;
    hours.time_zone = "Mars/Olympus_Mons";
    CHECK(build_error(hours) == "availability: unknown time zone \"Mars/Olympus_Mons\"");
  }
  SECTION("a weekday out of range") {
    availability hours;
    hours.weekdays = {1, 8};
    CHECK(build_error(hours) == "availability: weekday 8 is not 1 (Monday) to 7 (Sunday)");
  }
  SECTION("no slot fits the hours") {
    availability hours;
    hours.opens = std::chrono::minutes{17 * 60};
    hours.closes = std::chrono::minutes{17 * 60};
    CHECK(build_error(hours) == "availability: no slot fits between the opening and closing times");
  }
  SECTION("a horizon of zero days") {
    availability hours;
    hours.horizon_days = 0;
    CHECK(build_error(hours) == "availability: horizon must be 1 to 366 days");
  }
}

TEST_CASE("outside the form the answers are as before", "[dialogue]") {
  const auto engine = build(real_inputs());
  conversation state;
  const reply r = engine->respond(state, "Which is better for streaming?");
  CHECK(r.intent == intent::compare);
  CHECK_FALSE(r.form.has_value());
  CHECK_FALSE(r.to_store.has_value());
  CHECK(state.turns == 1);
  CHECK(engine->respond(state, "never mind").intent == intent::cancel);
  CHECK_FALSE(state.form.has_value());
}

TEST_CASE("the transcript keeps the last 40 lines of both speakers", "[dialogue]") {
  const auto engine = build(real_inputs());
  conversation state;
  engine->respond(state, "hello");
  REQUIRE(state.transcript.size() == 2);
  CHECK(state.transcript[0].speaker == "visitor");
  CHECK(state.transcript[0].text == "hello");
  CHECK(state.transcript[1].speaker == "bot");
  for (int i = 0; i < 30; ++i) engine->respond(state, "message " + std::to_string(i));
  CHECK(state.transcript.size() == conversation::transcript_lines);
  CHECK(state.transcript[conversation::transcript_lines - 2].text == "message 29");
  // 62 lines were said: the oldest kept is the 23rd, and the order holds across the ring.
  CHECK(state.transcript[0].text == "message 10");
  CHECK(state.transcript[1].speaker == "bot");
  CHECK(state.transcript[2].text == "message 11");
  const auto ordered = state.transcript.ordered();
  REQUIRE(ordered.size() == conversation::transcript_lines);
  CHECK(ordered.front().text == "message 10");
  CHECK(ordered[conversation::transcript_lines - 2].text == "message 29");
  // Saved and restored, the same lines in the same order.
  const auto back = restore_conversation(save_conversation(state));
  REQUIRE(back.has_value());
  REQUIRE(back->transcript.size() == conversation::transcript_lines);
  for (std::size_t i = 0; i < conversation::transcript_lines; ++i) {
    CHECK(back->transcript[i].text == state.transcript[i].text);
  }
}

TEST_CASE("restore rejects what save never writes", "[dialogue]") {
  conversation state;
  state.last_topics = {"streaming"};
  state.last_recommendation = "node";
  state.turns = 3;
  state.form = booking_form{};
  state.form->asking = booking_field::email;
  state.form->name = "Ada";
  state.form->slot = time_point{std::chrono::seconds{1'796'112'000}};
  state.transcript.push_back({"visitor", "caf\xC3\xA9"});
  const std::string saved = save_conversation(state);

  SECTION("a round trip keeps everything") {
    const auto back = restore_conversation(saved);
    REQUIRE(back.has_value());
    CHECK(back->last_topics == state.last_topics);
    CHECK(back->last_recommendation == state.last_recommendation);
    CHECK(back->turns == 3);
    REQUIRE(back->form.has_value());
    CHECK(back->form->asking == booking_field::email);
    CHECK(back->form->name == "Ada");
    CHECK_FALSE(back->form->email.has_value());
    CHECK(back->form->slot == state.form->slot);
    REQUIRE(back->transcript.size() == 1);
    CHECK(back->transcript[0].text == "caf\xC3\xA9");
  }
  SECTION("no form at all is fine") {
    const auto back = restore_conversation(save_conversation(conversation{}));
    REQUIRE(back.has_value());
    CHECK_FALSE(back->form.has_value());
  }
  SECTION("malformed input") {
    CHECK_FALSE(restore_conversation("").has_value());
    CHECK_FALSE(restore_conversation("{").has_value());
    CHECK_FALSE(restore_conversation("[]").has_value());
    CHECK_FALSE(restore_conversation("{}").has_value());
    CHECK_FALSE(restore_conversation(R"({"version":2})").has_value());
    CHECK_FALSE(restore_conversation(R"({"version":1,"turns":-1})").has_value());
    CHECK_FALSE(restore_conversation(R"({"version":1,"turns":"3"})").has_value());
    CHECK_FALSE(restore_conversation(R"({"version":1,"needs":[1]})").has_value());
    CHECK_FALSE(restore_conversation(R"({"version":1,"form":{"asking":"bogus"}})").has_value());
    CHECK_FALSE(restore_conversation(R"({"version":1,"form":{"asking":"slot","slot":"10:00"}})")
                    .has_value());
    CHECK_FALSE(restore_conversation(R"({"version":1,"form":{"asking":"slot","offered":[true]}})")
                    .has_value());
    CHECK_FALSE(
        restore_conversation(R"({"version":1,"transcript":[{"speaker":"alien","text":"hi"}]})")
            .has_value());
    CHECK_FALSE(restore_conversation(R"({"version":1,"transcript":[{"speaker":"bot","text":5}]})")
                    .has_value());
  }
  SECTION("a minimal valid save") {
    const auto back = restore_conversation(R"({"version":1,"form":{"asking":"name"}})");
    REQUIRE(back.has_value());
    REQUIRE(back->form.has_value());
    CHECK(back->form->asking == booking_field::name);
  }
}

TEST_CASE("close readings: one short question with a quick reply for each", "[dialogue]") {
  const auto engine = build_close("compare", "out_of_scope");
  conversation state;
  const auto asked = engine->respond(state, "node or python for a chat app?");
  CHECK(asked.intent == intent::clarify);
  CHECK(asked.text ==
        "Just to be sure I answer the right question: is it a choice between Node.js and Python "
        "for your project, or about something other than Node.js versus Python?");
  CHECK(asked.suggestions ==
        std::vector<std::string>{"Compare Node.js and Python for it", "It's about something else"});
  CHECK_FALSE(asked.recommendation.has_value());
  CHECK(asked.sources.empty());
  CHECK(asked.confidence < 0.6);

  SECTION("each quick reply answers the message asked about, as that reading") {
    auto compare = state;
    const auto compared = engine->respond(compare, "Compare Node.js and Python for it");
    CHECK(compared.intent == intent::compare);
    CHECK(compared.recommendation == "node");  // the chat app of the message asked about
    CHECK(compared.confidence == 1.0);
    auto outside = state;
    const auto other = engine->respond(outside, "It's about something else");
    CHECK(other.intent == intent::out_of_scope);
    CHECK_FALSE(other.recommendation.has_value());
  }
  SECTION("a typed answer picks a reading by its place") {
    for (const auto* first :
         {"the first one", "First.", "option 1", "I meant the former", "the 1st please"}) {
      INFO(first);
      auto picking = state;
      const auto picked = engine->respond(picking, first);
      CHECK(picked.intent == intent::compare);
      CHECK(picked.recommendation == "node");  // the chat app of the message asked about
    }
    for (const auto* second : {"the second one", "Option 2", "the latter", "2nd one thanks"}) {
      INFO(second);
      auto picking = state;
      const auto picked = engine->respond(picking, second);
      CHECK(picked.intent == intent::out_of_scope);
      CHECK_FALSE(picked.recommendation.has_value());
    }
  }
  SECTION("\"the first one\" with no question waiting picks nothing") {
    conversation fresh;
    CHECK(engine->respond(fresh, "the first one").intent != intent::compare);
  }
  SECTION("never twice in a row") {
    const auto second = engine->respond(state, "node or python for streaming?");
    CHECK(second.intent == intent::compare);
    CHECK(second.recommendation == "node");
    // Once answered, a new close reading may be asked about again.
    CHECK(engine->respond(state, "node or python for a chat app?").intent == intent::clarify);
  }
  SECTION("a message of its own instead of a choice is answered as such") {
    const auto gil = engine->respond(state, "what is the GIL?");
    CHECK(gil.intent == intent::explain);
    CHECK_FALSE(state.clarifying.has_value());
  }
  SECTION("a quick reply that was not offered is a message of its own") {
    const auto explained = engine->respond(state, "Just explain it");
    CHECK(explained.intent == intent::explain);
  }
  SECTION("the question waiting for its answer survives a restart") {
    auto back = restore_conversation(save_conversation(state));
    REQUIRE(back.has_value());
    REQUIRE(back->clarifying.has_value());
    CHECK(back->clarifying->text == "node or python for a chat app?");
    CHECK(back->clarifying->readings == std::vector<intent>{intent::compare, intent::out_of_scope});
    CHECK(engine->respond(*back, "Compare Node.js and Python for it").recommendation == "node");
  }
}

TEST_CASE("a lead among close readings: booking stays one step away", "[dialogue]") {
  SECTION("asked about when a comparison is likelier, and picking it opens the form") {
    const auto engine = build_close("compare", "book_consultation");
    conversation state;
    const auto asked = engine->respond(state, "node or python for a chat app?");
    CHECK(asked.intent == intent::clarify);
    CHECK(offers(asked, "Book a free consultation"));
    const auto booked = engine->respond(state, "Book a free consultation");
    CHECK(booked.intent == intent::book_consultation);
    REQUIRE(booked.form.has_value());
    CHECK(booked.form->name == "booking");
    // Out of the form again, a new close reading is asked about.
    CHECK_FALSE(engine->respond(state, "cancel").form.has_value());
    CHECK(engine->respond(state, "node or python for streaming?").intent == intent::clarify);
  }
  SECTION("never asked about when the lead is likelier") {
    const auto engine = build_close("book_consultation", "compare");
    conversation state;
    const auto reply = engine->respond(state, "node or python for a chat app?");
    CHECK(reply.intent == intent::book_consultation);
    CHECK(reply.form.has_value());
  }
}

TEST_CASE("restore rejects a malformed clarifying question", "[dialogue]") {
  CHECK_FALSE(restore_conversation(R"({"version":1,"clarifying":{"text":"x"}})").has_value());
  CHECK_FALSE(
      restore_conversation(R"({"version":1,"clarifying":{"text":"x","readings":["compare"]}})")
          .has_value());
  CHECK(restore_conversation(R"({"version":1,"clarifying":null})").has_value());
}
