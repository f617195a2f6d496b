#pragma once
// The booking form as a state machine over `conversation::form`: opens it, takes one answer
// (or correction, or cancel) per turn, asks the next field, shows the summary, hands the
// confirmed booking to the shell and turns the storage outcome into the visitor's reply.
// Pure: time comes from turn_context, taken slots from its calendar.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dialogue/booking_slots.hpp"
#include "dialogue/engine.hpp"
#include "intents/form_reading.hpp"
#include "intents/time_reading.hpp"

namespace advisor::dialogue {

class booking_flow {
 public:
  // `zone` is the tz database's entry for hours.time_zone.
  booking_flow(const availability& hours, const date::time_zone* zone);

  // A price question outside the form: the consultation is free; shall I book one?
  reply offer(conversation& state, const intents::understanding& understood) const;
  // Opens the form, keeping an email, a "my name is" or a time given in the same message.
  reply open(conversation& state, std::string_view text, const turn_context& context) const;
  // A message while the form is open: the form's reply, or nullopt when the message is not
  // for the form (a question in between): the caller answers it, then calls resume().
  std::optional<reply> step(conversation& state, const intents::understanding& understood,
                            std::string_view text, const turn_context& context) const;
  // Adds the question the form is at to a reply given in between.
  void resume(conversation& state, reply& answered, const turn_context& context) const;
  reply complete(conversation& state, const booking_outcome& outcome,
                 const turn_context& context) const;

  const slot_schedule& schedule() const { return schedule_; }

 private:
  struct question {
    std::string text;
    std::vector<std::string> suggestions;
  };
  // What a typed time came to: a slot, or why not and what to offer instead.
  struct slot_result {
    std::optional<time_point> chosen;
    std::string problem;  // empty when there is none (offers of a day asked for)
    std::string intro;    // the line before the offers
    std::vector<time_point> offers;
  };

  question prompt(booking_form& form, const turn_context& context, bool fresh_offers) const;
  question slot_question(booking_form& form, const turn_context& context, std::string intro,
                         std::vector<time_point> offers) const;
  std::string summary(const booking_form& form, const turn_context& context) const;

  reply form_reply(const conversation& state, const turn_context& context, std::string text,
                   std::vector<std::string> suggestions) const;
  reply ask(conversation& state, const turn_context& context, std::string_view lead,
            bool fresh_offers = true) const;
  reply advance(conversation& state, booking_field filled, const turn_context& context,
                std::string_view ack) const;
  reply cancel(conversation& state) const;

  reply apply_edit(conversation& state, const intents::field_edit& edit,
                   const turn_context& context) const;
  reply answer_name(conversation& state, std::string_view candidate,
                    const turn_context& context) const;
  reply answer_email(conversation& state, std::string_view text, const turn_context& context) const;
  reply answer_company(conversation& state, std::string_view text,
                       const turn_context& context) const;
  reply answer_project(conversation& state, std::string_view text,
                       const turn_context& context) const;
  reply answer_slot(conversation& state, const intents::time_request& request,
                    const turn_context& context) const;
  std::optional<reply> not_for_form(conversation& state, const intents::understanding& understood,
                                    const turn_context& context) const;

  slot_result resolve(const booking_form& form, const intents::time_request& request,
                      const turn_context& context) const;
  slot_result window(const intents::time_request& request, const turn_context& context) const;
  std::string describe(slot_problem problem, date::local_seconds local, time_point start,
                       const turn_context& context) const;
  std::string proposal(const conversation& state) const;

  slot_schedule schedule_;
  intents::edit_grammar grammar_;
};

}  // namespace advisor::dialogue
