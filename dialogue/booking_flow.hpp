#pragma once
// The booking form as a state machine over `conversation::form`: opens it (keeping every field
// the opening message gives), takes answers, several fields at once, corrections and "did you
// mean" replies, asks for what is missing, shows the summary, hands the confirmed booking to the
// shell and turns the storage outcome into the visitor's reply. Times are shown in the
// visitor's zone beside the consultancy's. Pure: time comes from turn_context, taken slots from
// its calendar.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dialogue/booking_slots.hpp"
#include "dialogue/engine.hpp"
#include "dialogue/slot_choice.hpp"
#include "intents/form_reading.hpp"
#include "intents/time_reading.hpp"

namespace advisor::dialogue {

class booking_flow {
 public:
  // `zone` is the tz database's entry for hours.time_zone.
  booking_flow(const availability& hours, const date::time_zone* zone);

  // A price or meeting question outside the form: the consultation is free (and how it
  // happens); shall I book one?
  reply offer(conversation& state, const intents::understanding& understood) const;
  // Opens the form, keeping every field the same message gives (name, email, company,
  // project, time), and asks only for what is missing.
  reply open(conversation& state, const intents::understanding& understood, std::string_view text,
             const turn_context& context) const;
  // A message while the form is open: the form's reply, or nullopt when the message is not
  // for the form (a question in between): the caller answers it, then calls resume().
  std::optional<reply> step(conversation& state, const intents::understanding& understood,
                            std::string_view text, const turn_context& context) const;
  // Adds the question the form is at to a reply given in between.
  void resume(conversation& state, reply& answered, const turn_context& context) const;
  reply complete(conversation& state, const booking_outcome& outcome,
                 const turn_context& context) const;
  // "Did my booking go through?", or "yes" again after the confirmation: the booking this
  // conversation made, with its reference, as confirmed; without one, an offer to book.
  reply status(conversation& state, const turn_context& context) const;
  // Whether a "yes" (`says_yes`) repeats the confirmation the last reply gave.
  static bool confirms_again(const conversation& state, bool says_yes);

  const slot_schedule& schedule() const { return schedule_; }

 private:
  struct question {
    std::string text;
    std::vector<std::string> suggestions;
  };

  // The visitor's zone when known and valid, else null (times are then the consultancy's).
  const date::time_zone* visitor_zone(const conversation& state) const;
  const date::time_zone& shown_zone(const conversation& state) const;
  std::string label(const conversation& state, time_point start, const turn_context& context) const;
  intents::time_request read_time(const conversation& state, std::string_view text,
                                  std::size_t offered, const turn_context& context) const;

  question prompt(conversation& state, const turn_context& context, bool fresh_offers) const;
  std::vector<time_point> first_offers(const conversation& state,
                                       const turn_context& context) const;
  question slot_question(conversation& state, const turn_context& context, std::string_view lead,
                         std::string_view where, std::vector<time_point> offers) const;
  std::string offers_text(const conversation& state, const std::vector<time_point>& offers,
                          std::string_view where, const turn_context& context) const;
  std::string summary(const conversation& state, const turn_context& context) const;
  std::string proposal(const conversation& state) const;

  reply form_reply(const conversation& state, const turn_context& context, std::string text,
                   std::vector<std::string> suggestions) const;
  reply ask(conversation& state, const turn_context& context, std::string_view lead,
            bool fresh_offers = false) const;
  reply advance(conversation& state, booking_field filled, const turn_context& context,
                std::string_view ack) const;
  reply cancel(conversation& state) const;
  reply decline(conversation& state) const;
  reply meeting(conversation& state, const turn_context& context) const;

  std::optional<reply> correction(conversation& state, const intents::understanding& understood,
                                  std::string_view text, const turn_context& context) const;
  std::optional<reply> field_answer(conversation& state, const intents::understanding& understood,
                                    std::string_view text, const turn_context& context) const;
  // A message as the field handlers read it.
  struct said_text {
    std::string_view text;
    std::string plain;  // intents::plain_words(text)
    intents::yes_no said;
    const intents::understanding& understood;
  };
  std::optional<reply> at_name(conversation& state, const said_text& m,
                               const turn_context& context) const;
  std::optional<reply> at_email(conversation& state, const said_text& m,
                                const turn_context& context) const;
  std::optional<reply> at_company(conversation& state, const said_text& m,
                                  const turn_context& context) const;
  std::optional<reply> at_project(conversation& state, const said_text& m,
                                  const turn_context& context) const;
  std::optional<reply> at_slot(conversation& state, const said_text& m,
                               const turn_context& context) const;
  std::optional<reply> at_consent(conversation& state, const said_text& m,
                                  const turn_context& context) const;
  std::optional<reply> at_confirm(conversation& state, const said_text& m,
                                  const turn_context& context) const;
  // Several fields in one message: each good value is kept, the rest asked.
  reply apply_fields(conversation& state, const std::vector<intents::field_edit>& fields,
                     const turn_context& context, std::string lead) const;
  std::optional<reply> answer_suggested_email(conversation& state, std::string_view text,
                                              intents::yes_no said,
                                              const turn_context& context) const;
  reply rezone(conversation& state, const std::string& zone, const turn_context& context) const;
  std::optional<reply> ask_again(conversation& state, booking_field field,
                                 const intents::checked& c, const turn_context& context) const;
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

  slot_schedule schedule_;
  slot_choice choice_;
  intents::edit_grammar grammar_;
};

}  // namespace advisor::dialogue
