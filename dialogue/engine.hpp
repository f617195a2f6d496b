#pragma once
// The conversation: one engine shared read-only by every session, one `conversation`
// value per session. Pure: no I/O, no clocks unless passed in.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "intents/understanding.hpp"

namespace advisor::dialogue {

struct source {
  std::string section;  // the guide section's heading, e.g. "Use Case Fit"
  std::string text;     // the guide's own sentence
};

// Progress of a form being filled ("booking"), as the protocol's `form` object.
struct form_status {
  std::string name;                          // "booking"
  std::string field;                         // the field asked now
  std::map<std::string, std::string> filled; // field -> value given so far
};

// Set on the reply that completes a booking.
struct booking_status {
  std::string reference;
  std::string status;  // "confirmed"
};

struct reply {
  std::string text;
  std::string intent;
  double confidence = 0.0;
  std::optional<std::string> recommendation;  // "node", "python", "hybrid", "depends"
  std::vector<source> sources;
  std::vector<std::string> suggestions;
  std::optional<form_status> form;
  std::optional<booking_status> booking;
};

struct welcome {
  std::string text;
  std::vector<std::string> suggestions;
};

// Per-session memory. A plain value: the server stores it, the engine updates it.
struct conversation {
  std::vector<std::string> last_topics;       // needs discussed most recently
  std::vector<std::string> last_technologies;
  std::optional<std::string> last_recommendation;
  std::string last_intent;
  int turns = 0;
};

// Everything the engine is built from, as file contents read by the caller (the I/O shell):
// intents/data/* and knowledge/data/*, each file with its name.
struct engine_inputs {
  std::vector<intents::text_file> intent_files;
  std::vector<intents::text_file> knowledge_files;
};

class engine;
using engine_ptr = std::shared_ptr<const engine>;

// Validates and compiles every input; on failure returns "file:line: what is wrong".
std::variant<engine_ptr, std::string> build_engine(const engine_inputs& inputs);

class engine {
 public:
  explicit engine(intents::understander_ptr understander);

  welcome greet() const;
  reply respond(conversation& state, std::string_view text) const;

 private:
  intents::understander_ptr understander_;
};

}  // namespace advisor::dialogue
