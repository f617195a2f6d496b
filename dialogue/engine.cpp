#include "dialogue/engine.hpp"

#include <algorithm>
#include <array>

#include "intents/understander.hpp"

namespace advisor::dialogue {
namespace {

// First cut, before the knowledge layer: a reply per intent. Replaced by answers composed
// from the guide once knowledge/ lands.
struct canned {
  std::string_view intent;
  std::string_view text;
};

constexpr std::array<canned, 10> canned_replies{{
    {"greeting", "Hello! Tell me about your project and I'll tell you whether Node.js or Python "
                 "fits it better."},
    {"thanks", "You're welcome! Anything else about your project?"},
    {"goodbye", "Goodbye, and good luck with your project!"},
    {"help", "I compare Node.js and Python for your backend: ask me about real-time apps, "
             "streaming, APIs, machine learning or data work, and I can book you a free "
             "consultation."},
    {"smalltalk", "I'm the consultancy's advisory bot. I'm best at Node.js-versus-Python "
                  "questions; try one!"},
    {"compare", "Node.js and Python both fit backends; tell me what the project needs "
                "(real-time, streaming, ML, data) and I'll say which fits."},
    {"explain", "That's a good question; tell me more about what you are building."},
    {"book_consultation", "I'd be glad to set up a free consultation with our team."},
    {"cancel", "Okay, cancelled."},
    {"out_of_scope", "That's outside what I know: I only compare Node.js and Python for "
                     "backends."},
}};

constexpr std::string_view fallback_text =
    "Sorry, I didn't get that. I can compare Node.js and Python for your project, or book you a "
    "free consultation.";

const intents::text_file* find_file(const std::vector<intents::text_file>& files,
                                    std::string_view name) {
  const auto it = std::find_if(files.begin(), files.end(),
                               [&](const intents::text_file& f) { return f.name == name; });
  return it == files.end() ? nullptr : &*it;
}

}  // namespace

std::variant<engine_ptr, std::string> build_engine(const engine_inputs& inputs) {
  const auto* intents_json = find_file(inputs.intent_files, "intents.json");
  const auto* lexicon = find_file(inputs.intent_files, "lexicon.txt");
  if (intents_json == nullptr) return std::string{"intents.json: missing"};
  if (lexicon == nullptr) return std::string{"lexicon.txt: missing"};
  auto compiled = intents::compile_understander(*intents_json, *lexicon);
  if (auto* error = std::get_if<intents::load_error>(&compiled)) return error->what();
  return std::make_shared<const engine>(std::get<intents::understander_ptr>(std::move(compiled)));
}

engine::engine(intents::understander_ptr understander) : understander_{std::move(understander)} {}

welcome engine::greet() const {
  return {"Hi! I can help you choose between Node.js and Python for your backend, and book a free "
          "consultation with our team.",
          {"Which is better for streaming?", "Node or Python for ML?", "Book a free consultation"}};
}

reply engine::respond(conversation& state, std::string_view text, const turn_context&) const {
  const auto understood = understander_->understand(text);
  reply out;
  out.intent = understood.intent;
  out.confidence = understood.confidence;
  const auto it = std::find_if(canned_replies.begin(), canned_replies.end(),
                               [&](const canned& c) { return c.intent == understood.intent; });
  out.text = std::string{it == canned_replies.end() ? fallback_text : it->text};
  out.suggestions = {"Which is better for streaming?", "Node or Python for ML?",
                     "Book a free consultation"};
  state.last_intent = understood.intent;
  state.last_topics = understood.found.topics;
  state.last_technologies = understood.found.technologies;
  ++state.turns;
  return out;
}

}  // namespace advisor::dialogue

namespace advisor::dialogue {

reply engine::complete_booking(conversation&, const booking_outcome& outcome,
                               const turn_context&) const {
  reply out;
  out.intent = "book_consultation";
  out.confidence = 1.0;
  if (outcome.result == booking_outcome::kind::stored) {
    out.text = "Your consultation is booked. Reference: " + outcome.reference;
    out.booking = booking_status{outcome.reference, "confirmed"};
  } else {
    out.text = "Sorry, that could not be booked.";
  }
  return out;
}

}  // namespace advisor::dialogue
