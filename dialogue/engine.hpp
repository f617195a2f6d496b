#pragma once
// The conversation: one engine shared read-only by every session, one `conversation`
// value per session. Pure: no I/O, no clocks unless passed in.

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "dialogue/booking_form.hpp"
#include "dialogue/boxed_optional.hpp"
#include "dialogue/transcript.hpp"
#include "intents/understanding.hpp"
#include "intents/understanding_cache.hpp"
#include "knowledge/knowledge.hpp"

namespace advisor::dialogue {

struct source {
  std::string section;  // the guide section's heading, e.g. "Use Case Fit"
  std::string text;     // the guide's own sentence
};

// Progress of a form being filled ("booking"), as the protocol's `form` object.
struct form_status {
  std::string name;                           // "booking"
  std::string field;                          // the field asked now
  std::map<std::string, std::string> filled;  // field -> value given so far
};

// Set on the reply that completes a booking.
struct booking_status {
  std::string reference;
  std::string status;  // "confirmed"
};

// (time_point, the UTC start of a slot, is declared in booking_form.hpp.)

// When the consultancy takes consultations. 30-minute slots on the listed weekdays
// between the opening and closing hours, local to `time_zone`, at least `min_notice` ahead.
struct availability {
  std::string time_zone = "Europe/Berlin";      // IANA name
  std::vector<int> weekdays = {1, 2, 3, 4, 5};  // ISO: 1 = Monday ... 7 = Sunday
  std::chrono::minutes opens{9 * 60};           // local time of day of the first slot
  std::chrono::minutes closes{17 * 60};         // no slot may end after this
  std::chrono::minutes slot_length{30};
  std::chrono::hours min_notice{12};
  int horizon_days = 30;                        // how far ahead slots are offered
  static constexpr int max_horizon_days = 366;  // a year ahead, a leap year's too
  // How the consultation happens, told to a visitor who asks ("zoom or teams?").
  std::string meeting_details =
      "You'll talk with one of our engineers over a video call: the link comes by email with the "
      "confirmation, and it works in the browser, nothing to install. If you'd rather have a "
      "phone call, just say so in the project description.";
};

// Which slots are already booked: the I/O shell answers from storage.
class slot_calendar {
 public:
  virtual ~slot_calendar() = default;
  virtual bool is_taken(time_point slot_start) const = 0;
};

// What the engine needs from outside for one turn.
struct turn_context {
  time_point now{};                         // the wall clock, passed in so tests control it
  const slot_calendar* calendar = nullptr;  // null: no slot is taken
};

// Set on a reply when the visitor confirmed the booking summary: the shell stores it
// (durably), then calls engine::complete_booking with the outcome. The reply carrying it is
// never sent to the visitor as is.
struct booking_request {
  std::string name;
  std::string email;
  std::string company;  // may be empty
  std::string project;
  time_point slot_start{};
  std::chrono::minutes slot_length{30};
  std::string time_zone;
  std::optional<std::string> recommendation;  // what was recommended in the conversation
  std::vector<std::string> topics;            // needs discussed
  std::vector<transcript_line> transcript;    // the conversation that led to the booking
  std::string visitor_time_zone;              // the zone the visitor saw the slot in
};

struct booking_outcome {
  // busy: the database stayed locked by another process; the visitor may try again shortly.
  enum class kind { stored, slot_taken, failed, busy } result = kind::failed;
  std::string reference;  // when stored
};

struct reply {
  std::string text;
  intents::intent intent = intents::intent::fallback;
  double confidence = 0.0;
  std::optional<std::string> recommendation;  // "node", "python", "hybrid", "depends"
  std::vector<source> sources;
  std::vector<std::string> suggestions;
  std::optional<form_status> form;
  std::optional<booking_status> booking;
  std::optional<booking_request> to_store;  // see booking_request
};

struct welcome {
  std::string text;
  std::vector<std::string> suggestions;
};

// Where the visitor is, as their browser says (protocol `hello`): slots are shown and typed
// times read in `time_zone` (IANA); `locale` (BCP 47, "en-US") settles the order of "3/12".
// Empty when unknown.
struct visitor_place {
  std::string time_zone;
  std::string locale;
};

// The booking a conversation made, told again when the visitor says yes again or asks whether
// it went through.
struct confirmed_booking {
  std::string reference;
  time_point slot{};
};

// The protocol's limit on a message's text, in code points (docs/protocol.md: longer text is
// refused as `too_long`); the server's default and what the conversation may keep of one.
inline constexpr std::size_t max_message_chars = 2000;

// A clarifying question waiting for its answer: the message it asked about, and the two
// readings offered (the likelier first). It holds for the one reply after it.
struct clarification {
  // A message is at most max_message_chars code points, each at most 4 bytes of UTF-8.
  static constexpr std::size_t max_text_bytes = 4 * max_message_chars;
  std::string text;
  std::vector<intents::intent> readings;
};

// Per-session memory. A plain value: the server stores it, the engine updates it; it
// survives restarts through save_conversation / restore_conversation.
struct conversation {
  std::vector<std::string> last_topics;  // needs discussed most recently
  std::vector<std::string> last_technologies;
  std::optional<std::string> last_recommendation;
  // The last answer's intent name, or booking_wording's confirmation_intent after a booking.
  std::string last_intent;
  int turns = 0;
  std::vector<std::string> needs;     // every topic discussed, oldest first (prefills "project")
  bool booking_offered = false;       // the last reply asked "shall I book one?"
  boxed_optional<booking_form> form;  // set while the booking form is open
  dialogue::transcript transcript;    // the last lines, both speakers, oldest first
  visitor_place visitor;
  bool booked = false;                          // a booking was confirmed: no more offers to book
  boxed_optional<confirmed_booking> confirmed;  // the last booking confirmed
  boxed_optional<clarification> clarifying;     // set by the reply that asked which was meant

  static constexpr std::size_t transcript_lines = transcript::capacity;
};

// The whole conversation as JSON (for the session store), and back. Restore rejects anything
// malformed, of another version or with values out of range, with nullopt.
std::string save_conversation(const conversation& state);
std::optional<conversation> restore_conversation(std::string_view json);

// Everything the engine is built from, as file contents read by the caller (the I/O shell):
// intents/data/* and knowledge/data/*, each file with its name.
struct engine_inputs {
  std::vector<intents::text_file> intent_files;
  std::vector<intents::text_file> knowledge_files;
  availability hours;  // from the server's configuration
  // Short texts kept with what they were understood as (intents/understanding_cache.hpp); 0, the
  // default, reads every message afresh (what the evaluation and the benchmarks of
  // understanding measure).
  std::size_t understanding_cache_entries = 0;
};

class engine;
using engine_ptr = std::shared_ptr<const engine>;

// Validates and compiles every input; on failure returns "file:line: what is wrong".
std::variant<engine_ptr, std::string> build_engine(const engine_inputs& inputs);

class booking_flow;

class engine {
 public:
  // Throws std::runtime_error when hours.time_zone is unknown; build_engine checks first.
  engine(intents::understander_ptr understander, knowledge::knowledge_ptr knowledge,
         const availability& hours = {}, std::size_t understanding_cache_entries = 0);

  welcome greet() const;
  // One visitor message. While the booking form is open the reply carries `form`; when the
  // visitor confirms the summary it carries `to_store` instead of being shown.
  reply respond(conversation& state, std::string_view text, const turn_context& context = {}) const;
  // After the shell tried to store `reply::to_store`: the reply the visitor gets (stored: the
  // confirmation with `booking`; slot_taken: back to the slot step; failed or busy: "yes"
  // retries).
  reply complete_booking(conversation& state, const booking_outcome& outcome,
                         const turn_context& context = {}) const;
  // Takes the visitor's zone and locale (each only when given); a zone the tz database does
  // not know changes nothing and returns why.
  std::optional<std::string> place_visitor(conversation& state,
                                           const std::optional<std::string>& time_zone,
                                           const std::optional<std::string>& locale) const;

 private:
  using understood_ptr = intents::understanding_cache::shared;
  understood_ptr understand(conversation& state, std::string_view text) const;
  understood_ptr read(std::string_view text) const;

  intents::understander_ptr understander_;
  intents::understanding_cache cache_;
  knowledge::knowledge_ptr knowledge_;  // the compiled guide the answers rest on
  std::shared_ptr<const booking_flow> booking_;
};

// Why `name` is no time zone the visitor can have ("unknown time zone ..."), or nullopt.
std::optional<std::string> check_visitor_zone(const std::string& name);

// Why `hours` cannot be used, or nullopt when it can (a known zone, weekdays 1..7, a slot
// fitting between opening and closing, a positive horizon).
std::optional<std::string> check_availability(const availability& hours);

}  // namespace advisor::dialogue
