// The form's turns: opening, several fields at once, one answer or correction per message.

#include "dialogue/booking_flow.hpp"

#include <algorithm>
#include <array>

#include "dialogue/booking_wording.hpp"

namespace advisor::dialogue {

using intents::check_company;
using intents::check_email;
using intents::check_name;
using intents::check_project;
using intents::field_edit;
using intents::find_email;
using intents::intent;
using intents::is_cancel;
using intents::is_skip;
using intents::plain_words;
using intents::read_yes_no;
using intents::time_request;
using intents::yes_no;
using namespace booking_wording;

namespace {

// Intents the normal answers handle when they arrive in the middle of the form.
constexpr std::array<intent, 9> answered_elsewhere{
    intent::compare,  intent::explain, intent::help,    intent::out_of_scope,     intent::smalltalk,
    intent::greeting, intent::thanks,  intent::goodbye, intent::book_consultation};

// Of those, the ones taken as such even where any text is a valid answer (a name, a company).
constexpr std::array<intent, 5> social{intent::greeting, intent::thanks, intent::goodbye,
                                       intent::help, intent::smalltalk};
// A request to book that says so is one too: the "Book a free consultation" button is nobody's
// name (but "Monday.com", read as a booking for its day, is a company).
constexpr std::array<std::string_view, 5> booking_words{"book", "booking", "consultation",
                                                        "schedule", "appointment"};

constexpr std::array<std::string_view, 6> change_words{"change", "edit", "modify",
                                                       "update", "fix",  "correct"};

constexpr std::array<phrase, 4> field_names{{
    {"name", "your name"},
    {"email", "your email address"},
    {"company", "your company"},
    {"project", "what the project is about"},
}};

// A short message with a change verb: "change", "I want to change something".
bool mentions_change(std::string_view plain) {
  std::size_t words = 0;
  bool found = false;
  for (std::size_t start = 0; start < plain.size();) {
    auto end = plain.find(' ', start);
    if (end == std::string_view::npos) end = plain.size();
    found = found || among(change_words, plain.substr(start, end - start));
    ++words;
    start = end + 1;
  }
  return found && words <= 6;
}

// Below this confidence a social phrase or a cancel read by the understanding is the field's
// answer, not a step out of the form: the weighting read a company called "<img src=x
// onerror=alert(1)>" as a cancel at 0.14. The plain commands ("cancel", "stop") are caught by
// is_cancel whatever the confidence.
constexpr double sure_outside_form = 0.4;

// The part of the free-text check that decides whether a message goes to the normal answers.
// Where any words are a valid answer (a name, a company: "What We Do Matters GmbH"), only a
// question mark or a social phrase takes a message out of the form.
bool answered_outside(const intents::understanding& understood, std::string_view text,
                      bool free_text) {
  const auto listed = [&](const auto& table) {
    return std::ranges::find(table, understood.intent) != table.end();
  };
  if (!listed(answered_elsewhere)) return false;
  if (!free_text) return true;
  if (text.find('?') != std::string_view::npos) return true;
  // A social phrase read with little confidence is the field's answer: a company called
  // "What We Do Matters GmbH" is not a request for help. Plain ones ("thanks", "hi",
  // "help", "ok cool") are read at 0.44 and more.
  if (listed(social)) return understood.confidence >= sure_outside_form;
  if (understood.intent != intent::book_consultation) return false;
  const std::string plain = plain_words(text);
  return std::any_of(booking_words.begin(), booking_words.end(), [&](std::string_view w) {
    return (" " + plain + " ").find(" " + std::string{w} + " ") != std::string::npos;
  });
}

}  // namespace

booking_flow::booking_flow(const availability& hours, const date::time_zone* zone)
    : schedule_{hours, zone}, choice_{schedule_} {}

// ---------------------------------------------------------------- zones

const date::time_zone* booking_flow::visitor_zone(const conversation& state) const {
  return find_zone(state.visitor.time_zone);
}

const date::time_zone& booking_flow::shown_zone(const conversation& state) const {
  const auto* visitor = visitor_zone(state);
  return visitor != nullptr ? *visitor : schedule_.zone();
}

std::string booking_flow::label(const conversation& state, time_point start,
                                const turn_context& context) const {
  return schedule_.label(start, context.now, visitor_zone(state));
}

// Read in the zone the message names, else the one the visitor sees; "today" is theirs.
time_request booking_flow::read_time(const conversation& state, std::string_view text,
                                     std::size_t offered, const turn_context& context) const {
  const auto order = intents::date_order_of(state.visitor.locale);
  const auto today_in = [&](const date::time_zone& zone) {
    return date::floor<date::days>(zone.to_local(context.now));
  };
  const date::time_zone& shown = shown_zone(state);
  auto request = intents::parse_time_request(text, today_in(shown), offered, order);
  if (const auto* named = request.zone ? find_zone(*request.zone) : nullptr;
      named != nullptr && named != &shown) {
    request = intents::parse_time_request(text, today_in(*named), offered, order);
  }
  return request;
}

// ---------------------------------------------------------------- opening

namespace {

// What the visitor asked that the call is for: the work's cost or timeline, or the team itself
// (the bot knows nothing of the team beyond the guide, so it says where to ask).
std::string offer_subject(const intents::understanding& understood) {
  const bool cost = understood.has_cue(intents::cue::price);
  const bool when = understood.has_cue(intents::cue::timeline);
  if (cost && when) return "the cost and the timeline of the work can be discussed too";
  if (when) return "the timeline of the work can be discussed too";
  if (!cost && understood.has_cue(intents::cue::about_us)) {
    return "you can ask about the team, its past work and who would work with you";
  }
  return "the cost of the work itself can be discussed too";
}

}  // namespace

reply booking_flow::offer(conversation& state, const intents::understanding& understood) const {
  state.booking_offered = true;
  reply out;
  out.intent = understood.intent;
  out.confidence = understood.confidence;
  out.text =
      "Our first consultation is free: " + std::to_string(schedule_.hours().slot_length.count()) +
      " minutes with one of our engineers about your project, where " + offer_subject(understood) +
      ".";
  if (intents::asks_about_the_call(understood)) {
    out.text += " " + schedule_.hours().meeting_details;
  }
  out.text += " Shall I book one for you?";
  out.suggestions = {"Yes, book one", "Which is better for streaming?", "Node or Python for ML?"};
  return out;
}

reply booking_flow::open(conversation& state, const intents::understanding& understood,
                         std::string_view text, const turn_context& context) const {
  state.booking_offered = false;
  state.form = booking_form{};
  booking_form& form = *state.form;
  if (auto proposed = proposal(state); !proposed.empty()) form.project_proposal = proposed;

  const std::string lead = "I'd be glad to book you a free " +
                           std::to_string(schedule_.hours().slot_length.count()) +
                           "-minute consultation with our team. I'll ask a few quick questions; "
                           "say \"cancel\" at any time.";
  // Everything the opening message already says is kept; the rest is asked.
  auto fields = grammar_.fields(text);
  const auto has = [&](booking_field f) {
    return std::any_of(fields.begin(), fields.end(),
                       [&](const field_edit& e) { return e.field == f; });
  };
  if (!has(booking_field::name) && understood.found.person_name) {
    fields.push_back({booking_field::name, *understood.found.person_name});
  }
  if (!has(booking_field::slot)) {
    const auto request = read_time(state, text, 0, context);
    if ((request.day || request.time || request.either) && !request.pick) {
      fields.push_back({booking_field::slot, std::string{text}});
    }
  }
  if (fields.empty()) {
    form.asking = form.first_missing();
    return ask(state, context, lead);
  }
  return apply_fields(state, fields, context, lead);
}

// ---------------------------------------------------------------- several fields at once

reply booking_flow::apply_fields(conversation& state, const std::vector<field_edit>& fields,
                                 const turn_context& context, std::string lead) const {
  booking_form& form = *state.form;
  std::vector<std::string> taken;
  std::optional<slot_result> slot_offer;
  for (const auto& edit : fields) {
    const std::string& value = edit.value.value_or("");
    const auto name = std::string{field_name(edit.field)};
    if (edit.field == booking_field::name) {
      if (auto c = check_name(value); c.ok()) form.name = c.value;
    } else if (edit.field == booking_field::email) {
      if (auto c = check_email(value); c.ok()) {
        if (auto better = intents::suggest_email(c.value)) {
          form.email_typed = c.value;
          form.email_suggested = *better;
          continue;
        }
        form.email = c.value;
      }
    } else if (edit.field == booking_field::company) {
      if (auto c = check_company(value); c.ok()) form.company = c.value;
    } else if (edit.field == booking_field::project) {
      if (auto c = check_project(value); c.ok()) form.project = c.value;
    } else if (edit.field == booking_field::slot) {
      const auto request = read_time(state, value, 0, context);
      if (request.zone) state.visitor.time_zone = *request.zone;
      auto result = choice_.resolve(request, {}, shown_zone(state), visitor_zone(state), context);
      if (result.chosen) {
        form.slot = result.chosen;
        form.slot_zone = shown_zone(state).name();
      } else {
        slot_offer = std::move(result);
        continue;
      }
    }
    const bool kept = (edit.field == booking_field::name && form.name) ||
                      (edit.field == booking_field::email && form.email) ||
                      (edit.field == booking_field::company && form.company) ||
                      (edit.field == booking_field::project && form.project);
    if (kept) taken.emplace_back(*lookup(field_names, name));
  }
  // "I've noted your name and your email address, and Fri 4 Dec, 10:00 (...) for the call."
  std::string noted = join(taken);
  if (form.slot) {
    noted += (noted.empty() ? "" : ", and ") + label(state, *form.slot, context) + " for the call";
  }
  if (!noted.empty()) lead = join_sentences(lead, "I've noted " + noted + ".");
  if (form.email_suggested) {
    form.asking = booking_field::email;
  } else if (slot_offer && !form.slot && form.first_missing() != booking_field::slot) {
    // "A call next week, I'm ...": the details first; the week's offers wait for the slot step.
    form.offered = slot_offer->offers;
    form.asking = form.first_missing();
    if (!slot_offer->problem.empty()) {
      lead = join_sentences(lead, slot_offer->problem + " We'll pick a time in a moment.");
    }
  } else if (slot_offer && !form.slot) {
    form.asking = booking_field::slot;
    const auto& r = *slot_offer;
    if (!r.choices.empty()) {
      auto suggestions = r.choices;
      suggestions.emplace_back("Cancel");
      return form_reply(state, context, join_sentences(lead, r.problem), suggestions);
    }
    const question q =
        slot_question(state, context, join_sentences(lead, r.problem), r.where, r.offers);
    return form_reply(state, context, q.text, q.suggestions);
  } else {
    form.asking = form.first_missing();
  }
  return ask(state, context, lead);
}

// ---------------------------------------------------------------- one turn of the form

std::optional<reply> booking_flow::step(conversation& state,
                                        const intents::understanding& understood,
                                        std::string_view text, const turn_context& context) const {
  booking_form& form = *state.form;
  const std::string plain = plain_words(text);
  const yes_no said = read_yes_no(plain);
  const booking_field asking = form.asking;
  const bool has_proposal = asking == booking_field::project && form.project_proposal;

  if (asking == booking_field::email && form.email_suggested) {
    if (auto handled = answer_suggested_email(state, text, said, context)) return handled;
  }
  // "no" answers the consent, the summary, the proposal and the slot offers; "no" or "none"
  // at the company is a skip. Elsewhere, and "no thanks" anywhere, a cancel is a cancel.
  const bool field_no = said == yes_no::no && !is_cancel(plain) &&
                        (asking == booking_field::consent || asking == booking_field::confirm ||
                         asking == booking_field::slot || has_proposal);
  const bool skip = asking == booking_field::company && is_skip(plain);
  if (!field_no && !skip) {
    // A project description may well contain "stop" or "cancel"; there only the plain command.
    const bool understood_cancel = understood.intent == intent::cancel && said != yes_no::no &&
                                   understood.confidence >= sure_outside_form &&
                                   asking != booking_field::project;
    if (is_cancel(plain) || understood_cancel) return cancel(state);
  }
  // "Zoom or Teams?", "how does the call happen?": answered at any step.
  if (intents::asks_about_the_call(understood) &&
      (text.find('?') != std::string_view::npos || asking == booking_field::consent ||
       asking == booking_field::confirm)) {
    return meeting(state, context);
  }
  if (auto corrected = correction(state, understood, text, context)) return corrected;
  return field_answer(state, understood, text, context);
}

// Whatever changes a field other than by answering the question asked: several fields at
// once, "actually my email is ...", an email given early, a new time or zone.
std::optional<reply> booking_flow::correction(conversation& state,
                                              const intents::understanding& understood,
                                              std::string_view text,
                                              const turn_context& context) const {
  booking_form& form = *state.form;
  const booking_field asking = form.asking;
  if (const auto fields = grammar_.fields(text, asking); fields.size() >= 2) {
    return apply_fields(state, fields, context, "Thanks.");
  }
  if (const auto edit = grammar_.match(text)) return apply_edit(state, *edit, context);
  if (asking != booking_field::email && asking != booking_field::project && !understood.question) {
    if (const auto email = find_email(text)) {
      return apply_edit(state, {booking_field::email, *email}, context);
    }
  }
  if (asking == booking_field::slot) return std::nullopt;
  // A new time or zone: at the summary and the consent any time is one ("I meant 10am New
  // York time"); elsewhere only with "instead", "how about", "I meant", or as a message of a
  // few words that is all time ("6:30pm" typed at the project question).
  const bool late = asking == booking_field::consent || asking == booking_field::confirm;
  const std::string plain = plain_words(text);
  const bool few_words = std::count(plain.begin(), plain.end(), ' ') < 3;
  const bool proposed = late || grammar_.proposes_instead(text);
  if (proposed || few_words) {
    // Numbers are no positions here: the offers are not on screen.
    const auto request = read_time(state, text, 0, context);
    // A few words with a clock time are a time; with only a day they may be a name
    // ("Monday.com").
    const bool names_time = proposed
                                ? request.day || request.time || request.either || request.earliest
                                : request.time.has_value();
    if (names_time && !request.pick && !request.pick_last)
      return answer_slot(state, request, context);
    if (proposed && request.zone && !names_time) return rezone(state, *request.zone, context);
  }
  return std::nullopt;
}

// One handler per field asked: what an answer to that question means.
std::optional<reply> booking_flow::field_answer(conversation& state,
                                                const intents::understanding& understood,
                                                std::string_view text,
                                                const turn_context& context) const {
  using handler = std::optional<reply> (booking_flow::*)(conversation&, const said_text&,
                                                         const turn_context&) const;
  static constexpr std::array<handler, 7> handlers{
      &booking_flow::at_name,    &booking_flow::at_email, &booking_flow::at_company,
      &booking_flow::at_project, &booking_flow::at_slot,  &booking_flow::at_consent,
      &booking_flow::at_confirm};
  // In the order of booking_field, which is the order the form asks in.
  static_assert(static_cast<std::size_t>(booking_field::confirm) + 1 == handlers.size());
  said_text m{text, plain_words(text), yes_no::neither, understood};
  m.said = read_yes_no(m.plain);
  return (this->*handlers[static_cast<std::size_t>(state.form->asking)])(state, m, context);
}

std::optional<reply> booking_flow::at_name(conversation& state, const said_text& m,
                                           const turn_context& context) const {
  if (m.said != yes_no::neither) {
    return ask(state, context,
               "I need your name to book the consultation; say \"cancel\" if you'd rather "
               "stop.");
  }
  if (m.understood.found.person_name) {
    return answer_name(state, *m.understood.found.person_name, context);
  }
  if (answered_outside(m.understood, m.text, true))
    return not_for_form(state, m.understood, context);
  return answer_name(state, m.text, context);
}

std::optional<reply> booking_flow::at_email(conversation& state, const said_text& m,
                                            const turn_context& context) const {
  if (find_email(m.text)) return answer_email(state, m.text, context);
  if (m.said == yes_no::no) {
    return ask(state, context,
               "I need an email address to book the consultation; say \"cancel\" if you'd "
               "rather stop.");
  }
  if (answered_outside(m.understood, m.text, false)) {
    return not_for_form(state, m.understood, context);
  }
  return answer_email(state, m.text, context);
}

std::optional<reply> booking_flow::at_company(conversation& state, const said_text& m,
                                              const turn_context& context) const {
  booking_form& form = *state.form;
  if (is_skip(m.plain)) {
    form.company = std::string{};
    return advance(state, booking_field::company, context, "No problem.");
  }
  if (answered_outside(m.understood, m.text, true))
    return not_for_form(state, m.understood, context);
  return answer_company(state, m.text, context);
}

std::optional<reply> booking_flow::at_project(conversation& state, const said_text& m,
                                              const turn_context& context) const {
  booking_form& form = *state.form;
  const bool has_proposal = form.project_proposal.has_value();
  // A long message starting with "yes" at the proposal is a description of its own.
  const bool short_answer = std::count(m.plain.begin(), m.plain.end(), ' ') < 4;
  if (has_proposal && m.said == yes_no::yes && short_answer) {
    form.project = *form.project_proposal;
    return advance(state, booking_field::project, context, "Great.");
  }
  if (has_proposal && m.said == yes_no::no) {
    form.project_proposal.reset();
    return ask(state, context, "Okay.");
  }
  if (!has_proposal && m.said != yes_no::neither && short_answer) {
    return ask(state, context, "Tell me in a few words, so our engineer can prepare.");
  }
  if (answered_outside(m.understood, m.text, true))
    return not_for_form(state, m.understood, context);
  return answer_project(state, m.text, context);
}

std::optional<reply> booking_flow::at_slot(conversation& state, const said_text& m,
                                           const turn_context& context) const {
  booking_form& form = *state.form;
  // An offered slot's own label (a button) is that slot, whatever its words say.
  for (std::size_t i = 0; i < form.offered.size(); ++i) {
    if (label(state, form.offered[i], context) == m.text) {
      time_request request;
      request.pick = i + 1;
      return answer_slot(state, request, context);
    }
  }
  const auto request = read_time(state, m.text, form.offered.size(), context);
  if (request.zone && !request.day && !request.time && !request.either) {
    return rezone(state, *request.zone, context);
  }
  if (!request.empty()) return answer_slot(state, request, context);
  if (m.said == yes_no::no) {
    return form_reply(state, context,
                      "Okay. Type a day and time that suits you, like \"next Tuesday "
                      "afternoon\", or say \"cancel\".",
                      {"Cancel"});
  }
  if (m.said == yes_no::yes) return ask(state, context, "Please pick one of these.", false);
  if (answered_outside(m.understood, m.text, false)) {
    return not_for_form(state, m.understood, context);
  }
  return ask(state, context, "Sorry, I couldn't find a day or time in that.", false);
}

std::optional<reply> booking_flow::at_consent(conversation& state, const said_text& m,
                                              const turn_context& context) const {
  booking_form& form = *state.form;
  if (m.said == yes_no::yes) {
    form.consent = true;
    return advance(state, booking_field::consent, context, "Thank you.");
  }
  if (m.said == yes_no::no) return decline(state);
  if (answered_outside(m.understood, m.text, false)) {
    return not_for_form(state, m.understood, context);
  }
  return ask(state, context, "Sorry, I need a clear yes or no.");
}

std::optional<reply> booking_flow::at_confirm(conversation& state, const said_text& m,
                                              const turn_context& context) const {
  booking_form& form = *state.form;
  if (m.said == yes_no::yes && form.first_missing() != booking_field::confirm) {
    // Only a restored or edited form can get here incomplete: ask what is missing.
    form.asking = form.first_missing();
    return ask(state, context, "");
  }
  if (m.said == yes_no::yes) {
    reply out = form_reply(state, context, "One moment while I book it.", {});
    out.to_store = booking_request{*form.name,
                                   *form.email,
                                   form.company.value_or(""),
                                   *form.project,
                                   *form.slot,
                                   schedule_.hours().slot_length,
                                   schedule_.zone().name(),
                                   state.last_recommendation,
                                   state.needs,
                                   state.transcript.ordered(),
                                   shown_zone(state).name()};
    return out;
  }
  // "no", or "change" without saying what: ask what.
  if (m.said == yes_no::no || mentions_change(m.plain)) {
    return form_reply(state, context,
                      "What would you like to change: the name, email, company, project or "
                      "time?",
                      {"Change the time", "Change my email", "Cancel"});
  }
  if (answered_outside(m.understood, m.text, false)) {
    return not_for_form(state, m.understood, context);
  }
  return ask(state, context, "Sorry, I didn't get that.");
}

std::optional<reply> booking_flow::not_for_form(conversation& state,
                                                const intents::understanding& understood,
                                                const turn_context& context) const {
  // Asking to book (or about the price) while booking: answered here, the form goes on.
  if (understood.intent == intent::book_consultation) {
    const bool price = understood.has_cue(intents::cue::price);
    reply out = ask(
        state, context,
        price ? "The consultation is free." : "We're already booking your consultation.", false);
    out.confidence = understood.confidence;
    return out;
  }
  return std::nullopt;
}

void booking_flow::resume(conversation& state, reply& answered, const turn_context& context) const {
  const question q = prompt(state, context, false);
  const reply form_part = form_reply(state, context, q.text, q.suggestions);
  answered.text += "\n\nNow, back to your booking. " + q.text;
  answered.form = form_part.form;
  answered.suggestions = q.suggestions;
}

}  // namespace advisor::dialogue
