#include "dialogue/answers.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace advisor::dialogue {
namespace {

// First cut, before the knowledge layer: a reply per intent. Replaced by answers composed
// from the guide once knowledge/ lands.
struct canned {
  std::string_view intent;
  std::string_view text;
};

constexpr std::array<canned, 10> canned_replies{{
    {"greeting",
     "Hello! Tell me about your project and I'll tell you whether Node.js or Python "
     "fits it better."},
    {"thanks", "You're welcome! Anything else about your project?"},
    {"goodbye", "Goodbye, and good luck with your project!"},
    {"help",
     "I compare Node.js and Python for your backend: ask me about real-time apps, "
     "streaming, APIs, machine learning or data work, and I can book you a free "
     "consultation."},
    {"smalltalk",
     "I'm the consultancy's advisory bot. I'm best at Node.js-versus-Python "
     "questions; try one!"},
    {"compare",
     "Node.js and Python both fit backends; tell me what the project needs "
     "(real-time, streaming, ML, data) and I'll say which fits."},
    {"explain", "That's a good question; tell me more about what you are building."},
    {"book_consultation", "I'd be glad to set up a free consultation with our team."},
    {"cancel", "Okay, cancelled."},
    {"out_of_scope",
     "That's outside what I know: I only compare Node.js and Python for "
     "backends."},
}};

constexpr std::string_view fallback_text =
    "Sorry, I didn't get that. I can compare Node.js and Python for your project, or book you a "
    "free consultation.";

}  // namespace

std::vector<std::string> default_suggestions() {
  return {"Which is better for streaming?", "Node or Python for ML?", "Book a free consultation"};
}

reply answer(const intents::understanding& understood, conversation& state) {
  reply out;
  out.intent = understood.intent;
  out.confidence = understood.confidence;
  const auto it = std::find_if(canned_replies.begin(), canned_replies.end(),
                               [&](const canned& c) { return c.intent == understood.intent; });
  out.text = std::string{it == canned_replies.end() ? fallback_text : it->text};
  out.suggestions = default_suggestions();
  state.last_intent = understood.intent;
  state.last_topics = understood.found.topics;
  state.last_technologies = understood.found.technologies;
  return out;
}

}  // namespace advisor::dialogue
