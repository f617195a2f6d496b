#include "dialogue/engine.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <utility>

#include <date/tz.h>

#include "dialogue/answers.hpp"
#include "dialogue/booking_flow.hpp"
#include "intents/form_reading.hpp"
#include "intents/understander.hpp"

namespace advisor::dialogue {
using intents::intent;
using intents::yes_no;

namespace {

constexpr std::size_t max_needs = 12;
// Bytes kept of a transcript line (a character cut in two is replaced when saved).
constexpr std::size_t max_line = max_message_chars;

const intents::text_file* find_file(const std::vector<intents::text_file>& files,
                                    std::string_view name) {
  const auto it = std::find_if(files.begin(), files.end(),
                               [&](const intents::text_file& f) { return f.name == name; });
  return it == files.end() ? nullptr : &*it;
}

// Throws std::runtime_error for an unknown zone. Loading the zone's rules here, once, keeps
// the reading of the tz database out of the conversation turns.
const date::time_zone* load_zone(const std::string& name) {
  const date::time_zone* zone = date::locate_zone(name);
  (void)zone->get_info(date::sys_seconds{});
  return zone;
}

void remember_line(conversation& state, std::string_view speaker, std::string_view text) {
  state.transcript.add(speaker, text.substr(0, max_line));
}

// Topics discussed, oldest first, each once: what the project prefill is built from.
void remember_needs(conversation& state, const intents::understanding& understood) {
  // A first turn's topics in one allocation, not a list grown by doubling.
  if (state.needs.empty()) state.needs.reserve(understood.found.topics.size());
  for (const auto& topic : understood.found.topics) {
    if (std::find(state.needs.begin(), state.needs.end(), topic) == state.needs.end()) {
      state.needs.push_back(topic);
    }
  }
  if (state.needs.size() > max_needs) {
    state.needs.erase(
        state.needs.begin(),
        state.needs.begin() + static_cast<std::ptrdiff_t>(state.needs.size() - max_needs));
  }
}

// Whether to ask which reading was meant instead of answering the likelier: close readings
// the visitor can choose between, never for a follow-up, never twice in a row, never in the
// booking form, and never offering a booking to someone who has booked.
bool asks_which(const conversation& state, const intents::understanding& understood,
                bool asked_before) {
  if (!understood.unsure || !understood.runner_up || state.form || asked_before) return false;
  // "why?", "what about ML?": read against the conversation, not a reading to choose.
  if (!understood.follow_up.empty()) return false;
  return !state.booked || (understood.intent != intent::book_consultation &&
                           understood.runner_up != intent::book_consultation);
}

// The reading a reply to a clarifying question picks: one of the quick replies offered, or
// one of the two by its place ("the first one", "option 2"); none for a message of its own.
std::optional<intent> picked_reading(const clarification& asked,
                                     const intents::understanding& reply) {
  const auto& readings = asked.readings;
  if (reply.has_cue(intents::cue::first_choice) && !readings.empty()) return readings[0];
  if (reply.has_cue(intents::cue::second_choice) && readings.size() > 1) return readings[1];
  if (reply.has_cue(intents::cue::picks_reading) &&
      std::find(readings.begin(), readings.end(), reply.intent) != readings.end())
    return reply.intent;
  return std::nullopt;
}

}  // namespace

std::optional<std::string> check_visitor_zone(const std::string& name) {
  try {
    (void)load_zone(name);
  } catch (const std::runtime_error&) {
    return "unknown time zone \"" + name + "\"";
  }
  return std::nullopt;
}

std::optional<std::string> check_availability(const availability& hours) {
  using std::chrono::minutes;
  try {
    (void)load_zone(hours.time_zone);
  } catch (const std::runtime_error&) {
    return "availability: unknown time zone \"" + hours.time_zone + "\"";
  }
  if (hours.weekdays.empty()) return std::string{"availability: no weekdays"};
  for (const int day : hours.weekdays) {
    if (day < 1 || day > 7) {
      return "availability: weekday " + std::to_string(day) + " is not 1 (Monday) to 7 (Sunday)";
    }
  }
  if (hours.slot_length <= minutes{0})
    return std::string{"availability: slot length must be positive"};
  if (hours.opens < minutes{0} || hours.closes > minutes{24 * 60} ||
      hours.opens + hours.slot_length > hours.closes) {
    return std::string{"availability: no slot fits between the opening and closing times"};
  }
  if (hours.min_notice < std::chrono::hours{0}) return std::string{"availability: negative notice"};
  if (hours.horizon_days < 1 || hours.horizon_days > availability::max_horizon_days) {
    return "availability: horizon must be 1 to " + std::to_string(availability::max_horizon_days) +
           " days";
  }
  return std::nullopt;
}

std::variant<engine_ptr, std::string> build_engine(const engine_inputs& inputs) {
  const auto* intents_json = find_file(inputs.intent_files, "intents.json");
  const auto* lexicon = find_file(inputs.intent_files, "lexicon.txt");
  if (intents_json == nullptr) return std::string{"intents.json: missing"};
  if (lexicon == nullptr) return std::string{"lexicon.txt: missing"};
  if (auto problem = check_availability(inputs.hours)) return *problem;
  // weights.json is optional: without it the hand-set scores alone choose the intent.
  const auto* weights = find_file(inputs.intent_files, "weights.json");
  auto compiled = intents::compile_understander(*intents_json, *lexicon, weights);
  if (auto* error = std::get_if<intents::load_error>(&compiled)) return error->what();
  auto understander = std::get<intents::understander_ptr>(std::move(compiled));
  // The guide is tagged with the understander's lexicon, so it compiles after it.
  auto knowledge = knowledge::compile_knowledge(inputs.knowledge_files, *understander);
  if (auto* error = std::get_if<intents::load_error>(&knowledge)) return error->what();
  return std::make_shared<const engine>(std::move(understander),
                                        std::get<knowledge::knowledge_ptr>(std::move(knowledge)),
                                        inputs.hours, inputs.understanding_cache_entries);
}

engine::engine(intents::understander_ptr understander, knowledge::knowledge_ptr knowledge,
               const availability& hours, std::size_t understanding_cache_entries)
    : understander_{std::move(understander)},
      cache_{understanding_cache_entries},
      knowledge_{std::move(knowledge)},
      booking_{std::make_shared<const booking_flow>(hours, load_zone(hours.time_zone))} {}

welcome engine::greet() const {
  return {
      "Hi! I can help you choose between Node.js and Python for your backend, and book a free "
      "consultation with our team.",
      default_suggestions()};
}

// The answer to a clarifying question ("Compare Node.js and Python for it") is the question's
// message read as the reading picked; anything else is a message of its own.
engine::understood_ptr engine::read(std::string_view text) const {
  if (auto kept = cache_.find(text)) return kept;
  auto understood = std::make_shared<const intents::understanding>(understander_->understand(text));
  cache_.keep(text, understood);
  return understood;
}

engine::understood_ptr engine::understand(conversation& state, std::string_view text) const {
  auto understood = read(text);
  const auto asked = std::exchange(state.clarifying, std::nullopt);
  if (!asked) return understood;
  const auto picked = picked_reading(*asked, *understood);
  if (!picked) return understood;
  auto meant = *read(asked->text);
  meant.yes_or_no = understood->yes_or_no;  // what this text says, not the question's
  meant.asks_booking_status = understood->asks_booking_status;
  meant.intent = *picked;
  meant.confidence = 1.0;  // the visitor said so
  meant.unsure = false;
  return std::make_shared<const intents::understanding>(std::move(meant));
}

reply engine::respond(conversation& state, std::string_view text,
                      const turn_context& context) const {
  const bool asked_before = state.clarifying.has_value();  // the last reply was a question
  const auto read_as = understand(state, text);
  const auto& understood = *read_as;
  remember_line(state, "visitor", text);
  // An offer to book holds for one turn: the reply right after it.
  const bool offered = std::exchange(state.booking_offered, false);

  reply out;
  const bool says_yes = understood.yes_or_no == yes_no::yes;
  if (!state.form &&
      (understood.asks_booking_status || booking_flow::confirms_again(state, says_yes))) {
    // A confirmation that did not arrive, or a second "yes": the booking as it was confirmed.
    out = booking_->status(state, context);
  } else if (asks_which(state, understood, asked_before) && !(offered && says_yes)) {
    out = clarify(understood);
    state.clarifying = clarification{std::string{text.substr(0, clarification::max_text_bytes)},
                                     {understood.intent, *understood.runner_up}};
    state.last_intent = to_string(intent::clarify);
  } else if (state.form) {
    if (auto handled = booking_->step(state, understood, text, context)) {
      out = std::move(*handled);
    } else {
      // A question in between: answered as usual, then the form asks its question again.
      remember_needs(state, understood);
      out = answer(*knowledge_, understood, state);
      booking_->resume(state, out, context);
    }
  } else if (understood.intent == intent::book_consultation || (offered && says_yes)) {
    remember_needs(state, understood);
    // A question on the price or the timeline gets an answer first (the call is free, and that
    // is where they are discussed) and an offer; anything else opens the form.
    // So does a question about how the call happens ("is it on zoom?") or about the team
    // itself ("where are you based?"), which the call is where to ask.
    const bool about_it = understood.has_cue(intents::cue::price) ||
                          understood.has_cue(intents::cue::timeline) ||
                          understood.has_cue(intents::cue::about_us) ||
                          (intents::asks_about_the_call(understood) && understood.question);
    if (understood.intent == intent::book_consultation && about_it) {
      out = booking_->offer(state, understood);
    } else {
      out = booking_->open(state, understood, text, context);
      out.confidence = understood.intent == intent::book_consultation ? understood.confidence : 1.0;
      // A lead that asks something technical too gets the short answer first.
      if (const auto technical = technical_side(*knowledge_, understood)) {
        out.text = technical->text + " " + out.text;
        out.recommendation = technical->verdict;
        out.sources = technical->sources;
      }
    }
  } else {
    remember_needs(state, understood);
    out = answer(*knowledge_, understood, state);
  }
  if (state.booked && !out.form) {
    // Booked already: the quick replies are questions, not another booking.
    std::erase(out.suggestions, std::string{book_suggestion});
  }
  // A restored count may be anything up to INT_MAX; it stays there rather than overflowing.
  if (state.turns < std::numeric_limits<int>::max()) ++state.turns;
  // The reply carrying to_store is never shown; complete_booking's reply is.
  if (!out.to_store) remember_line(state, "bot", out.text);
  return out;
}

std::optional<std::string> engine::place_visitor(conversation& state,
                                                 const std::optional<std::string>& time_zone,
                                                 const std::optional<std::string>& locale) const {
  if (time_zone) {
    if (auto problem = check_visitor_zone(*time_zone)) return problem;
    state.visitor.time_zone = *time_zone;
  }
  if (locale) state.visitor.locale = *locale;
  return std::nullopt;
}

reply engine::complete_booking(conversation& state, const booking_outcome& outcome,
                               const turn_context& context) const {
  reply out = booking_->complete(state, outcome, context);
  remember_line(state, "bot", out.text);
  return out;
}

}  // namespace advisor::dialogue
