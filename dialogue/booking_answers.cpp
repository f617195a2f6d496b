// How an answer or a correction fills a field, a new time or zone included, and what the
// storage outcome turns into.

#include "dialogue/booking_flow.hpp"

#include <algorithm>
#include <array>

#include "dialogue/booking_wording.hpp"

namespace advisor::dialogue {

using intents::check_company;
using intents::check_email;
using intents::check_name;
using intents::check_project;
using intents::checked;
using intents::field_edit;
using intents::find_email;
using intents::is_skip;
using intents::plain_words;
using intents::time_request;
using intents::yes_no;
using namespace booking_wording;

namespace {

// Replies to "did you mean ...?" that keep the address as typed.
constexpr std::array<std::string_view, 8> keep_words{"keep it",     "its right",     "its correct",
                                                     "it is right", "it is correct", "thats right",
                                                     "as typed",    "keep"};

// The day every offer is on, in `zone`; nullopt when there are none or they span days.
std::optional<date::local_days> offers_day(const std::vector<time_point>& offers,
                                           const date::time_zone& zone) {
  if (offers.empty()) return std::nullopt;
  const auto day = date::floor<date::days>(zone.to_local(offers.front()));
  const bool one_day = std::all_of(offers.begin(), offers.end(), [&](time_point t) {
    return date::floor<date::days>(zone.to_local(t)) == day;
  });
  return one_day ? std::optional{day} : std::nullopt;
}

}  // namespace

// ---------------------------------------------------------------- answers and corrections

// A value that fails its check: the field is asked again, after the reason.
std::optional<reply> booking_flow::ask_again(conversation& state, booking_field field,
                                             const intents::checked& c,
                                             const turn_context& context) const {
  if (c.ok()) return std::nullopt;
  state.form->asking = field;
  return ask(state, context, c.problem);
}

reply booking_flow::answer_name(conversation& state, std::string_view candidate,
                                const turn_context& context) const {
  booking_form& form = *state.form;
  const checked c = check_name(candidate);
  if (auto again = ask_again(state, booking_field::name, c, context)) return *again;
  form.name = c.value;
  const bool asked = form.asking == booking_field::name;
  return advance(state, booking_field::name, context,
                 asked ? "Nice to meet you, " + c.value + "." : "Thanks, I've updated your name.");
}

reply booking_flow::answer_email(conversation& state, std::string_view text,
                                 const turn_context& context) const {
  booking_form& form = *state.form;
  const checked c = check_email(text);
  if (auto again = ask_again(state, booking_field::email, c, context)) return *again;
  if (auto better = intents::suggest_email(c.value)) {
    // Asked, not fixed silently: the visitor may really use that domain.
    form.email_typed = c.value;
    form.email_suggested = *better;
    form.asking = booking_field::email;
    return ask(state, context, "");
  }
  form.email = c.value;
  const bool asked = form.asking == booking_field::email;
  return advance(state, booking_field::email, context,
                 asked ? "Thanks." : "Thanks, I've updated your email address.");
}

// The reply to "Did you mean x?": yes takes the suggestion, no (or the same address again)
// keeps the typed one, another address is checked anew; anything else is not about it.
std::optional<reply> booking_flow::answer_suggested_email(conversation& state,
                                                          std::string_view text, yes_no said,
                                                          const turn_context& context) const {
  booking_form& form = *state.form;
  const std::string typed = form.email_typed.value_or("");
  const std::string suggested = *form.email_suggested;
  const auto given = find_email(text);
  const std::string plain = plain_words(text);
  std::optional<std::string> take;
  if (given && *given == suggested) {
    take = suggested;
  } else if (given && *given == typed) {
    take = typed;
  } else if (given) {
    form.email_typed.reset();
    form.email_suggested.reset();
    return answer_email(state, *given, context);
  } else if (said == yes_no::yes) {
    take = suggested;
  } else if (said == yes_no::no || among(keep_words, plain)) {
    take = typed;
  }
  if (!take) return std::nullopt;
  form.email_typed.reset();
  form.email_suggested.reset();
  form.email = *take;
  return advance(state, booking_field::email, context, "Thanks, I'll use " + *take + ".");
}

reply booking_flow::answer_company(conversation& state, std::string_view text,
                                   const turn_context& context) const {
  booking_form& form = *state.form;
  const bool asked = form.asking == booking_field::company;
  if (is_skip(plain_words(text))) {
    form.company = std::string{};
    return advance(state, booking_field::company, context,
                   asked ? "No problem." : "Okay, no company then.");
  }
  const checked c = check_company(text);
  if (auto again = ask_again(state, booking_field::company, c, context)) return *again;
  form.company = c.value;
  return advance(state, booking_field::company, context,
                 asked ? "Thanks." : "Thanks, I've updated your company.");
}

reply booking_flow::answer_project(conversation& state, std::string_view text,
                                   const turn_context& context) const {
  booking_form& form = *state.form;
  const checked c = check_project(text);
  if (auto again = ask_again(state, booking_field::project, c, context)) return *again;
  form.project = c.value;
  form.project_proposal.reset();
  const bool asked = form.asking == booking_field::project;
  return advance(state, booking_field::project, context,
                 asked ? "Got it." : "Thanks, I've updated the project description.");
}

reply booking_flow::answer_slot(conversation& state, const time_request& request,
                                const turn_context& context) const {
  booking_form& form = *state.form;
  // A zone named with a time is the visitor's from now on: they think in it.
  if (request.zone) state.visitor.time_zone = *request.zone;
  const date::time_zone& zone = shown_zone(state);
  time_request settled = request;
  if (settled.time && !settled.day && !settled.either) {
    // "Make it 11 instead", "I meant 10am New York time": the day of the slot chosen, or the
    // one day the offers on screen are on.
    if (form.slot) {
      settled.day = date::floor<date::days>(zone.to_local(*form.slot));
    } else if (const auto day = offers_day(form.offered, zone)) {
      settled.day = *day;
    }
  }
  const slot_result result =
      choice_.resolve(settled, form.offered, zone, visitor_zone(state), context);
  if (result.chosen) {
    const bool had_slot = form.slot.has_value();
    form.slot = result.chosen;
    form.slot_zone = zone.name();
    form.offered.clear();
    const auto chosen = label(state, *result.chosen, context);
    const std::string ack = form.asking == booking_field::slot
                                ? chosen + " it is."
                                : (had_slot ? "Okay, I've changed the time to " + chosen + "."
                                            : "Okay, I've noted " + chosen + " for the call.");
    return advance(state, booking_field::slot, context, join_sentences(result.note, ack));
  }
  form.asking = booking_field::slot;
  if (!result.choices.empty()) {
    auto suggestions = result.choices;
    suggestions.emplace_back("Cancel");
    return form_reply(state, context, result.problem, suggestions);
  }
  const question q = slot_question(state, context, join_sentences(result.note, result.problem),
                                   result.where, result.offers);
  return form_reply(state, context, q.text, q.suggestions);
}

// "I meant New York time": the same wall-clock time read in another zone, which becomes the
// one the visitor sees.
reply booking_flow::rezone(conversation& state, const std::string& zone,
                           const turn_context& context) const {
  booking_form& form = *state.form;
  const date::time_zone& before = shown_zone(state);
  state.visitor.time_zone = zone;
  const date::time_zone& after = shown_zone(state);
  const std::string noted = "Okay, I'll use " + place_name(after) + " time.";
  if (!form.slot) return ask(state, context, noted, form.asking != booking_field::slot);
  const date::time_zone* saved = find_zone(form.slot_zone);
  const date::time_zone* typed_in = saved != nullptr ? saved : &before;
  const auto wall = typed_in->to_local(*form.slot);
  time_request request;
  request.day = date::floor<date::days>(wall);
  request.time = std::chrono::duration_cast<std::chrono::minutes>(wall - *request.day);
  form.slot.reset();
  return answer_slot(state, request, context);
}

reply booking_flow::apply_edit(conversation& state, const field_edit& edit,
                               const turn_context& context) const {
  booking_form& form = *state.form;
  if (!edit.value) {
    form.asking = edit.field;
    if (edit.field == booking_field::project) form.project_proposal.reset();
    return ask(state, context,
               edit.field == booking_field::slot ? "Sure, let's find another time." : "Sure.",
               edit.field == booking_field::slot);
  }
  const std::string& value = *edit.value;
  switch (edit.field) {
    case booking_field::name:
      return answer_name(state, value, context);
    case booking_field::email:
      return answer_email(state, value, context);
    case booking_field::company:
      return answer_company(state, value, context);
    case booking_field::project:
      return answer_project(state, value, context);
    case booking_field::slot: {
      const auto request = read_time(state, value, 0, context);
      if (request.empty() || request.pick || request.pick_last) {
        form.asking = booking_field::slot;
        return ask(state, context, "Sorry, I couldn't find a day or time in that.");
      }
      return answer_slot(state, request, context);
    }
    case booking_field::consent:
    case booking_field::confirm:
      form.asking = booking_field::consent;
      return ask(state, context, "Sure.");
  }
  return ask(state, context, "");
}

// ---------------------------------------------------------------- after storing

// After a booking the quick replies are questions, not another booking.
reply booking_flow::complete(conversation& state, const booking_outcome& outcome,
                             const turn_context& context) const {
  if (!state.form || !state.form->slot) {
    // Only reached if the shell calls without a confirmed form; say what is known.
    reply out;
    out.intent = intents::intent::book_consultation;
    out.confidence = form_confidence;
    out.suggestions = suggestions_after_booking();
    if (outcome.result == booking_outcome::kind::stored) {
      out.text = "Your consultation is booked. Your reference is " + outcome.reference + ".";
      out.booking = booking_status{outcome.reference, "confirmed"};
    } else {
      out.text = "Sorry, the booking could not be completed.";
    }
    return out;
  }
  booking_form& form = *state.form;
  const time_point slot = *form.slot;
  const auto booked = label(state, slot, context);
  switch (outcome.result) {
    case booking_outcome::kind::stored: {
      state.form.reset();
      state.booked = true;
      state.confirmed = confirmed_booking{outcome.reference, slot};
      state.last_intent = confirmation_intent;  // a second "yes" hears it again
      reply out;
      out.intent = intents::intent::book_consultation;
      out.confidence = form_confidence;
      out.text = "Done! Your free consultation is booked for " + booked + ". Your reference is " +
                 outcome.reference +
                 ". We'll be in touch by email. Anything else about Node.js or Python?";
      out.booking = booking_status{outcome.reference, "confirmed"};
      out.suggestions = suggestions_after_booking();
      return out;
    }
    case booking_outcome::kind::slot_taken: {
      form.slot.reset();
      form.asking = booking_field::slot;
      auto offers = schedule_.nearest_free(context, slot, slot_choice::offers_shown + 1);
      // The calendar may not show the lost slot yet; it is not offered again either way.
      offers.erase(std::remove(offers.begin(), offers.end(), slot), offers.end());
      if (offers.size() > slot_choice::offers_shown) offers.resize(slot_choice::offers_shown);
      const question q = slot_question(
          state, context, "Sorry, " + booked + " was booked by someone else a moment ago.", "",
          std::move(offers));
      return form_reply(state, context, q.text, q.suggestions);
    }
    case booking_outcome::kind::busy:
      form.asking = booking_field::confirm;
      return form_reply(state, context,
                        "Sorry, our booking system is busy right now and the booking was not "
                        "saved yet. Please try again in a moment: say yes to book it.",
                        {"Yes, book it", "Cancel"});
    case booking_outcome::kind::failed:
      form.asking = booking_field::confirm;
      return form_reply(state, context,
                        "Sorry, something went wrong on our side and the booking was not saved. "
                        "Say yes to try again, or \"cancel\".",
                        {"Yes, book it", "Cancel"});
  }
  return form_reply(state, context, "", {});
}

bool booking_flow::confirms_again(const conversation& state, bool says_yes) {
  return state.confirmed && !state.form && state.last_intent == confirmation_intent && says_yes;
}

reply booking_flow::status(conversation& state, const turn_context& context) const {
  reply out;
  out.intent = intents::intent::book_consultation;
  out.confidence = form_confidence;
  if (!state.confirmed) {
    state.booking_offered = true;
    out.text =
        "I don't see a booking in this conversation yet. Shall I book a free consultation for "
        "you?";
    out.suggestions = {"Yes, book one", "Which is better for streaming?"};
    return out;
  }
  const confirmed_booking& booked = *state.confirmed;
  state.last_intent = confirmation_intent;
  out.text = "Yes, your free consultation is booked for " + label(state, booked.slot, context) +
             ". Your reference is " + booked.reference + ". We'll be in touch by email.";
  out.booking = booking_status{booked.reference, "confirmed"};
  out.suggestions = suggestions_after_booking();
  return out;
}

}  // namespace advisor::dialogue
