#include "dialogue/booking_flow.hpp"

#include <algorithm>
#include <array>

namespace advisor::dialogue {
using intents::check_company;
using intents::check_email;
using intents::check_name;
using intents::check_project;
using intents::checked;
using intents::field_edit;
using intents::find_email;
using intents::is_cancel;
using intents::is_skip;
using intents::parse_time_request;
using intents::part_name;
using intents::part_window;
using intents::plain_words;
using intents::read_yes_no;
using intents::time_request;
using intents::yes_no;

namespace {

using std::chrono::minutes;

constexpr std::size_t offers_shown = 4;
constexpr double form_confidence = 1.0;  // the form took the message as an answer to its question

// Intents the normal answers handle when they arrive in the middle of the form.
constexpr std::array<std::string_view, 9> answered_elsewhere{
    "compare",  "explain", "help",    "out_of_scope",     "smalltalk",
    "greeting", "thanks",  "goodbye", "book_consultation"};
// Of those, the ones taken as such even where any text is a valid answer (a name, a company).
constexpr std::array<std::string_view, 5> social{"greeting", "thanks", "goodbye", "help",
                                                 "smalltalk"};

constexpr std::array<std::string_view, 6> change_words{"change", "edit", "modify",
                                                       "update", "fix",  "correct"};

struct phrase {
  std::string_view key;
  std::string_view text;
};

// Needs, as the lexicon's topic ids, in words for the prefilled project description.
// Subjects that are not needs (the GIL, npm, typing, ...) have no entry.
constexpr std::array<phrase, 15> need_phrases{{
    {"realtime", "real-time features"},
    {"chat", "chat"},
    {"streaming", "streaming"},
    {"ml", "machine learning"},
    {"data_pipelines", "data pipelines"},
    {"api_gateway", "an API gateway"},
    {"serverless", "serverless functions"},
    {"microservices", "microservices"},
    {"cpu_bound", "CPU-heavy processing"},
    {"io_bound", "many concurrent connections"},
    {"scientific", "scientific computing"},
    {"admin_cms", "an admin panel or CMS"},
    {"prototyping", "a quick prototype"},
    {"frontend_fullstack", "a full-stack JavaScript app"},
    {"web_backend", "a web backend"},
}};

constexpr std::array<phrase, 3> recommendation_phrases{{
    {"node", "Node.js"},
    {"python", "Python"},
    {"hybrid", "Node.js with Python services"},
}};

template <std::size_t n>
bool among(const std::array<std::string_view, n>& table, std::string_view s) {
  return std::find(table.begin(), table.end(), s) != table.end();
}

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

template <std::size_t n>
std::optional<std::string_view> lookup(const std::array<phrase, n>& table, std::string_view key) {
  const auto it =
      std::find_if(table.begin(), table.end(), [&](const phrase& p) { return p.key == key; });
  if (it == table.end()) return std::nullopt;
  return it->text;
}

std::string join_sentences(std::string_view first, std::string_view second) {
  if (first.empty()) return std::string{second};
  if (second.empty()) return std::string{first};
  return std::string{first} + " " + std::string{second};
}

// "a", "a and b", "a, b and c"
std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " and " : ", ";
    out += items[i];
  }
  return out;
}

std::vector<std::string> general_suggestions() {
  return {"Which is better for streaming?", "Node or Python for ML?", "Book a free consultation"};
}

// The part of the free-text check that decides whether a message goes to the normal answers.
bool answered_outside(const intents::understanding& understood, bool free_text) {
  if (!among(answered_elsewhere, understood.intent)) return false;
  if (!free_text) return true;
  // Where any words are a valid answer, only a question or a social phrase is taken out.
  return understood.question || among(social, understood.intent);
}

minutes time_of_day(date::local_seconds t) {
  return std::chrono::duration_cast<minutes>(t - date::floor<date::days>(t));
}

}  // namespace

booking_flow::booking_flow(const availability& hours, const date::time_zone* zone)
    : schedule_{hours, zone} {}

// ---------------------------------------------------------------- questions and replies

std::string booking_flow::proposal(const conversation& state) const {
  std::vector<std::string> needs;
  for (const auto& topic : state.needs) {
    if (auto text = lookup(need_phrases, topic)) needs.emplace_back(*text);
  }
  if (needs.empty()) return {};
  std::string out = "a backend with " + join_list(needs);
  if (state.last_recommendation) {
    if (auto tech = lookup(recommendation_phrases, *state.last_recommendation)) {
      out += " (suggested: " + std::string{*tech} + ")";
    }
  }
  return out;
}

booking_flow::question booking_flow::slot_question(booking_form& form, const turn_context& context,
                                                   std::string intro,
                                                   std::vector<time_point> offers) const {
  form.offered = std::move(offers);
  question q;
  if (form.offered.empty()) {
    q.text = "There are no free slots in the next " +
             std::to_string(schedule_.hours().horizon_days) +
             " days, sorry; say \"cancel\" to stop here.";
    q.suggestions = {"Cancel"};
    return q;
  }
  q.text = std::move(intro);
  for (const time_point start : form.offered) {
    const auto label = schedule_.label(start, context.now);
    q.text += "\n- " + label;
    q.suggestions.push_back(label);
  }
  q.text += "\nWhich one suits you? You can also type a day and time, like \"tomorrow at 10\".";
  q.suggestions.emplace_back("Cancel");
  return q;
}

std::string booking_flow::summary(const booking_form& form, const turn_context& context) const {
  std::string out = "Here is your booking:";
  out += "\n- Name: " + form.name.value_or("");
  out += "\n- Email: " + form.email.value_or("");
  out += "\n- Company: " + (form.company && !form.company->empty() ? *form.company : "none");
  out += "\n- Project: " + form.project.value_or("");
  if (form.slot) {
    out += "\n- Time: " + schedule_.label(*form.slot, context.now) + ", " +
           std::to_string(schedule_.hours().slot_length.count()) + " minutes";
  }
  out += "\n- Contact about this request: agreed";
  out += "\nShall I book it? Say yes to confirm, or tell me what to change.";
  return out;
}

booking_flow::question booking_flow::prompt(booking_form& form, const turn_context& context,
                                            bool fresh_offers) const {
  const std::string length = std::to_string(schedule_.hours().slot_length.count());
  switch (form.asking) {
    case booking_field::name:
      return {"What's your name?", {"Cancel"}};
    case booking_field::email:
      return {"What email address should we use to reach you?", {"Cancel"}};
    case booking_field::company:
      return {"Which company are you with? Say \"skip\" if you'd rather not say.",
              {"Skip", "Cancel"}};
    case booking_field::project:
      if (form.project_proposal) {
        return {"From what we discussed, the project is about " + *form.project_proposal +
                    ". Is that right? Say yes, or tell me in a few words what it is about.",
                {"Yes, that's right", "Cancel"}};
      }
      return {"What is the project about, in a few words?", {"Cancel"}};
    case booking_field::slot: {
      std::vector<time_point> offers;
      if (!fresh_offers) {
        // Coming back to the slot step: the same offers, as long as they still hold.
        std::copy_if(
            form.offered.begin(), form.offered.end(), std::back_inserter(offers),
            [&](time_point t) { return schedule_.check(t, context) == slot_problem::none; });
      }
      if (offers.empty()) offers = schedule_.next_free(context, offers_shown);
      return slot_question(
          form, context,
          "When would suit you? These are free " + length + "-minute slots:", std::move(offers));
    }
    case booking_field::consent:
      return {
          "Do you agree that we contact you by email about this consultation request? We use "
          "your details for nothing else.",
          {"Yes, I agree", "No", "Cancel"}};
    case booking_field::confirm:
      return {summary(form, context), {"Yes, book it", "Change the time", "Cancel"}};
  }
  return {};
}

reply booking_flow::form_reply(const conversation& state, const turn_context& context,
                               std::string text, std::vector<std::string> suggestions) const {
  reply out;
  out.text = std::move(text);
  out.intent = "book_consultation";
  out.confidence = form_confidence;
  out.suggestions = std::move(suggestions);
  if (state.form) {
    const booking_form& form = *state.form;
    form_status status{"booking", std::string{field_name(form.asking)}, {}};
    if (form.name) status.filled["name"] = *form.name;
    if (form.email) status.filled["email"] = *form.email;
    if (form.company) status.filled["company"] = *form.company;
    if (form.project) status.filled["project"] = *form.project;
    if (form.slot) status.filled["slot"] = schedule_.label(*form.slot, context.now);
    if (form.consent) status.filled["consent"] = "yes";
    out.form = std::move(status);
  }
  return out;
}

reply booking_flow::ask(conversation& state, const turn_context& context, std::string_view lead,
                        bool fresh_offers) const {
  const question q = prompt(*state.form, context, fresh_offers);
  return form_reply(state, context, join_sentences(lead, q.text), q.suggestions);
}

// After `filled` got a good value: the next empty field when it was the one asked, else back
// to the field the form was at (a correction in between).
reply booking_flow::advance(conversation& state, booking_field filled, const turn_context& context,
                            std::string_view ack) const {
  booking_form& form = *state.form;
  if (form.asking == filled) form.asking = form.first_missing();
  return ask(state, context, ack);
}

reply booking_flow::cancel(conversation& state) const {
  state.form.reset();
  reply out;
  out.text = "Okay, I've cancelled the booking; nothing was saved. Anything else I can help with?";
  out.intent = "cancel";
  out.confidence = form_confidence;
  out.suggestions = general_suggestions();
  return out;
}

// ---------------------------------------------------------------- opening

reply booking_flow::offer(conversation& state, const intents::understanding& understood) const {
  state.booking_offered = true;
  reply out;
  out.intent = understood.intent;
  out.confidence = understood.confidence;
  out.text =
      "Our first consultation is free: " + std::to_string(schedule_.hours().slot_length.count()) +
      " minutes with one of our engineers about your project, where the cost of the work "
      "itself can be discussed too. Shall I book one for you?";
  out.suggestions = {"Yes, book one", "Which is better for streaming?", "Node or Python for ML?"};
  return out;
}

reply booking_flow::open(conversation& state, std::string_view text,
                         const turn_context& context) const {
  state.booking_offered = false;
  state.form = booking_form{};
  booking_form& form = *state.form;
  if (auto proposed = proposal(state); !proposed.empty()) form.project_proposal = proposed;

  std::string lead = "I'd be glad to book you a free " +
                     std::to_string(schedule_.hours().slot_length.count()) +
                     "-minute consultation with our team. I'll ask a few quick questions; say "
                     "\"cancel\" at any time.";
  // What the opening message already says is kept, when it is valid; the rest is asked.
  if (const auto email = find_email(text)) {
    if (auto c = check_email(*email); c.ok()) form.email = c.value;
  }
  if (const auto edit = grammar_.match(text);
      edit && edit->field == booking_field::name && edit->value) {
    if (auto c = check_name(*edit->value); c.ok()) form.name = c.value;
  }
  const auto request = parse_time_request(text, schedule_.local_day(context.now), 0);
  if ((request.day || request.time) && !request.pick) {
    if (const auto result = resolve(form, request, context); result.chosen) {
      form.slot = result.chosen;
      lead += " I've noted " + schedule_.label(*form.slot, context.now) + " for the call.";
    }
  }
  form.asking = form.first_missing();
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
  // A long message starting with "yes" at the proposal is a description of its own.
  const bool short_answer = std::count(plain.begin(), plain.end(), ' ') < 4;

  // "no" answers the consent, the summary, the proposal and the slot offers; "no" or "none"
  // at the company is a skip. Elsewhere a cancel is a cancel.
  const bool field_no =
      said == yes_no::no && (asking == booking_field::consent || asking == booking_field::confirm ||
                             asking == booking_field::slot || has_proposal);
  const bool skip = asking == booking_field::company && is_skip(plain);
  if (!field_no && !skip) {
    // A project description may well contain "stop" or "cancel"; there only the plain command.
    const bool understood_cancel =
        understood.intent == "cancel" && said != yes_no::no && asking != booking_field::project;
    if (is_cancel(plain) || understood_cancel) return cancel(state);
  }

  // Corrections at any step: "actually my email is ...", "change the time".
  if (const auto edit = grammar_.match(text)) return apply_edit(state, *edit, context);
  if (asking != booking_field::email && asking != booking_field::project && !understood.question) {
    if (const auto email = find_email(text)) {
      return apply_edit(state, {booking_field::email, *email}, context);
    }
  }
  const auto today = schedule_.local_day(context.now);
  if (asking != booking_field::slot && grammar_.proposes_instead(text)) {
    // Numbers are no positions here: the offers are not on screen.
    const auto request = parse_time_request(text, today, 0);
    if (!request.empty() && !request.pick && !request.pick_last) {
      return answer_slot(state, request, context);
    }
  }

  switch (asking) {
    case booking_field::name:
      if (said == yes_no::no) {
        return ask(state, context,
                   "I need your name to book the consultation; say \"cancel\" if you'd rather "
                   "stop.");
      }
      if (understood.found.person_name) {
        return answer_name(state, *understood.found.person_name, context);
      }
      if (answered_outside(understood, true)) return not_for_form(state, understood, context);
      return answer_name(state, text, context);

    case booking_field::email:
      if (find_email(text)) return answer_email(state, text, context);
      if (said == yes_no::no) {
        return ask(state, context,
                   "I need an email address to book the consultation; say \"cancel\" if you'd "
                   "rather stop.");
      }
      if (answered_outside(understood, false)) {
        return not_for_form(state, understood, context);
      }
      return answer_email(state, text, context);

    case booking_field::company:
      if (skip) {
        form.company = std::string{};
        return advance(state, booking_field::company, context, "No problem.");
      }
      if (answered_outside(understood, true)) return not_for_form(state, understood, context);
      return answer_company(state, text, context);

    case booking_field::project:
      if (has_proposal && said == yes_no::yes && short_answer) {
        form.project = *form.project_proposal;
        return advance(state, booking_field::project, context, "Great.");
      }
      if (has_proposal && said == yes_no::no) {
        form.project_proposal.reset();
        return ask(state, context, "Okay.");
      }
      if (answered_outside(understood, true)) return not_for_form(state, understood, context);
      return answer_project(state, text, context);

    case booking_field::slot: {
      const auto request = parse_time_request(text, today, form.offered.size());
      if (!request.empty()) return answer_slot(state, request, context);
      if (said == yes_no::no) {
        return form_reply(state, context,
                          "Okay. Type a day and time that suits you, like \"next Tuesday "
                          "afternoon\", or say \"cancel\".",
                          {"Cancel"});
      }
      if (said == yes_no::yes) return ask(state, context, "Please pick one of these.", false);
      if (answered_outside(understood, false)) {
        return not_for_form(state, understood, context);
      }
      return ask(state, context, "Sorry, I couldn't find a day or time in that.", false);
    }

    case booking_field::consent:
      if (said == yes_no::yes) {
        form.consent = true;
        return advance(state, booking_field::consent, context, "Thank you.");
      }
      if (said == yes_no::no) {
        form.consent = false;
        return form_reply(state, context,
                          "I understand. We can only book a consultation if we may contact you "
                          "about it. Say yes to agree, or \"cancel\" to stop here.",
                          {"Yes, I agree", "Cancel"});
      }
      if (answered_outside(understood, false)) {
        return not_for_form(state, understood, context);
      }
      return ask(state, context, "Sorry, I need a clear yes or no.");

    case booking_field::confirm:
      if (said == yes_no::yes && form.first_missing() != booking_field::confirm) {
        // Only a restored or edited form can get here incomplete: ask what is missing.
        form.asking = form.first_missing();
        return ask(state, context, "");
      }
      if (said == yes_no::yes) {
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
                                       state.transcript};
        return out;
      }
      // "no", or "change" without saying what: ask what.
      if (said == yes_no::no || mentions_change(plain)) {
        return form_reply(state, context,
                          "What would you like to change: the name, email, company, project or "
                          "time?",
                          {"Change the time", "Change my email", "Cancel"});
      }
      if (answered_outside(understood, false)) {
        return not_for_form(state, understood, context);
      }
      return ask(state, context, "Sorry, I didn't get that.");
  }
  return std::nullopt;
}

std::optional<reply> booking_flow::not_for_form(conversation& state,
                                                const intents::understanding& understood,
                                                const turn_context& context) const {
  // Asking to book (or about the price) while booking: answered here, the form goes on.
  if (understood.intent == "book_consultation") {
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
  const question q = prompt(*state.form, context, false);
  const reply form_part = form_reply(state, context, q.text, q.suggestions);
  answered.text += "\n\nNow, back to your booking. " + q.text;
  answered.form = form_part.form;
  answered.suggestions = q.suggestions;
}

// ---------------------------------------------------------------- answers and corrections

reply booking_flow::answer_name(conversation& state, std::string_view candidate,
                                const turn_context& context) const {
  booking_form& form = *state.form;
  const checked c = check_name(candidate);
  if (!c.ok()) {
    form.asking = booking_field::name;
    return ask(state, context, c.problem);
  }
  form.name = c.value;
  const bool asked = form.asking == booking_field::name;
  return advance(state, booking_field::name, context,
                 asked ? "Nice to meet you, " + c.value + "." : "Thanks, I've updated your name.");
}

reply booking_flow::answer_email(conversation& state, std::string_view text,
                                 const turn_context& context) const {
  booking_form& form = *state.form;
  const checked c = check_email(text);
  if (!c.ok()) {
    form.asking = booking_field::email;
    return ask(state, context, c.problem);
  }
  form.email = c.value;
  const bool asked = form.asking == booking_field::email;
  return advance(state, booking_field::email, context,
                 asked ? "Thanks." : "Thanks, I've updated your email address.");
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
  if (!c.ok()) {
    form.asking = booking_field::company;
    return ask(state, context, c.problem);
  }
  form.company = c.value;
  return advance(state, booking_field::company, context,
                 asked ? "Thanks." : "Thanks, I've updated your company.");
}

reply booking_flow::answer_project(conversation& state, std::string_view text,
                                   const turn_context& context) const {
  booking_form& form = *state.form;
  const checked c = check_project(text);
  if (!c.ok()) {
    form.asking = booking_field::project;
    return ask(state, context, c.problem);
  }
  form.project = c.value;
  form.project_proposal.reset();
  const bool asked = form.asking == booking_field::project;
  return advance(state, booking_field::project, context,
                 asked ? "Got it." : "Thanks, I've updated the project description.");
}

reply booking_flow::answer_slot(conversation& state, const time_request& request,
                                const turn_context& context) const {
  booking_form& form = *state.form;
  const slot_result result = resolve(form, request, context);
  if (result.chosen) {
    const bool had_slot = form.slot.has_value();
    form.slot = result.chosen;
    form.offered.clear();
    const auto label = schedule_.label(*result.chosen, context.now);
    if (form.asking == booking_field::slot) {
      return advance(state, booking_field::slot, context, label + " it is.");
    }
    return advance(state, booking_field::slot, context,
                   had_slot ? "Okay, I've changed the time to " + label + "."
                            : "Okay, I've noted " + label + " for the call.");
  }
  form.asking = booking_field::slot;
  const question q = slot_question(form, context, result.intro, result.offers);
  return form_reply(state, context, join_sentences(result.problem, q.text), q.suggestions);
}

reply booking_flow::apply_edit(conversation& state, const field_edit& edit,
                               const turn_context& context) const {
  booking_form& form = *state.form;
  if (!edit.value) {
    form.asking = edit.field;
    if (edit.field == booking_field::project) form.project_proposal.reset();
    return ask(state, context,
               edit.field == booking_field::slot ? "Sure, let's find another time." : "Sure.");
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
      const auto request = parse_time_request(value, schedule_.local_day(context.now), 0);
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

// ---------------------------------------------------------------- slots

std::string booking_flow::describe(slot_problem problem, date::local_seconds local,
                                   time_point start, const turn_context& context) const {
  const availability& hours = schedule_.hours();
  const auto day = date::floor<date::days>(local);
  switch (problem) {
    case slot_problem::none:
      return {};
    case slot_problem::in_past:
      return "That time has already passed.";
    case slot_problem::too_soon: {
      const auto notice = hours.min_notice.count();
      return "That's too soon: we need at least " + std::to_string(notice) +
             (notice == 1 ? " hour's" : " hours'") + " notice.";
    }
    case slot_problem::too_far:
      return "That's too far ahead: we book up to " + std::to_string(hours.horizon_days) +
             " days in advance.";
    case slot_problem::not_a_workday:
      return "We don't hold consultations on " +
             std::string{weekday_name(date::weekday{day}.iso_encoding())} + "s; we're available " +
             schedule_.weekdays_text() + ".";
    case slot_problem::outside_hours:
      return clock_text(time_of_day(local)) + " is outside our hours: consultations run from " +
             schedule_.hours_text() + " (" + schedule_.zone().name() + ").";
    case slot_problem::off_grid:
      return "Consultations start every " + std::to_string(hours.slot_length.count()) +
             " minutes from " + clock_text(hours.opens) + ", so " + clock_text(time_of_day(local)) +
             " isn't one of them.";
    case slot_problem::clock_gap:
      return clock_text(time_of_day(local)) + " doesn't exist on " +
             schedule_.day_label(day, context.now) + " in " + schedule_.zone().name() +
             ": the clocks go forward that night.";
    case slot_problem::taken:
      return "Sorry, " + schedule_.label(start, context.now) + " is already taken.";
  }
  return {};
}

booking_flow::slot_result booking_flow::resolve(const booking_form& form,
                                                const time_request& request,
                                                const turn_context& context) const {
  slot_result r;
  r.intro = "The nearest free slots are:";
  if (request.bad_date) {
    r.problem = "There is no such date.";
    r.intro = "These are the next free slots:";
    r.offers = schedule_.next_free(context, offers_shown);
    return r;
  }
  if (request.pick || request.pick_last) {
    const std::size_t count = form.offered.size();
    const std::size_t index = request.pick_last ? count : *request.pick;
    if (index < 1 || index > count) {
      r.problem = count == 0 ? "I haven't offered any slots yet."
                             : "I offered only " + std::to_string(count) + " slots.";
      r.intro = "These are the next free slots:";
      r.offers = schedule_.next_free(context, offers_shown);
      return r;
    }
    const time_point start = form.offered[index - 1];
    const slot_problem problem = schedule_.check(start, context);
    if (problem == slot_problem::none) {
      r.chosen = start;
      return r;
    }
    r.problem = describe(problem, schedule_.to_local(start), start, context);
    r.offers = schedule_.nearest_free(context, start, offers_shown);
    return r;
  }
  if (request.earliest) {
    const auto first = schedule_.next_free(context, 1);
    if (!first.empty()) r.chosen = first.front();
    return r;
  }
  if (request.day && request.time && request.days == 1) {
    const date::local_seconds local = *request.day + *request.time;
    const slot_check check = schedule_.check_local(local, context);
    if (check.problem == slot_problem::none) {
      r.chosen = check.start;
      return r;
    }
    r.problem = describe(check.problem, local, check.start, context);
    r.offers = schedule_.nearest_free(context, check.start, offers_shown);
    return r;
  }
  return window(request, context);
}

// A time without a day, a day or days without a time, a part of the day: the slots inside.
booking_flow::slot_result booking_flow::window(const time_request& request,
                                               const turn_context& context) const {
  const availability& hours = schedule_.hours();
  const date::time_zone& zone = schedule_.zone();
  const auto today = schedule_.local_day(context.now);
  const auto horizon_day = schedule_.local_day(context.now + date::days{hours.horizon_days});
  const auto first_day = request.day.value_or(today);
  const auto end_day =
      request.day ? *request.day + date::days{request.days} : horizon_day + date::days{1};
  minutes from = hours.opens;
  minutes to = hours.closes;
  if (request.part) {
    const auto [part_from, part_to] = part_window(*request.part);
    from = std::max(from, part_from);
    to = std::min(to, part_to);
  }

  // "on Tue 1 Dec in the afternoon", "between Mon 7 Dec and Sun 13 Dec"
  std::string where;
  if (request.day && request.days == 1) {
    where = "on " + schedule_.day_label(first_day, context.now);
  } else if (request.day) {
    where = "between " + schedule_.day_label(first_day, context.now) + " and " +
            schedule_.day_label(end_day - date::days{1}, context.now);
  }
  if (request.part)
    where = join_sentences(where, "in the " + std::string{part_name(*request.part)});

  slot_result r;
  r.intro = "The nearest free slots are:";
  const auto nearest_to = [&](minutes tod) {
    const auto target = zone.to_sys(date::local_seconds{first_day + tod}, date::choose::earliest);
    return schedule_.nearest_free(context, std::max(target, context.now), offers_shown);
  };

  if (request.time) {
    const date::local_seconds local = first_day + *request.time;
    const minutes tod = *request.time;
    if (tod < hours.opens || tod + hours.slot_length > hours.closes) {
      r.problem = describe(slot_problem::outside_hours, local, {}, context);
      r.offers = nearest_to(tod);
      return r;
    }
    if ((tod - hours.opens) % hours.slot_length != minutes{0}) {
      r.problem = describe(slot_problem::off_grid, local, {}, context);
      r.offers = nearest_to(tod);
      return r;
    }
  }

  const auto inside = [&](time_point t) {
    const auto local = schedule_.to_local(t);
    const auto day = date::floor<date::days>(local);
    const minutes tod = time_of_day(local);
    if (day < first_day || day >= end_day) return false;
    if (request.time) return tod == *request.time;
    return tod >= from && tod + hours.slot_length <= to;
  };
  const auto free = schedule_.next_free(context, offers_shown, inside);
  // A day with a time or a part of it names a slot; a day alone or a part alone asks for offers.
  const bool choose = request.time || (request.part && request.day && request.days == 1);
  if (!free.empty()) {
    if (choose) {
      r.chosen = free.front();
    } else {
      r.intro = where.empty() ? "Free slots:" : "Free slots " + where + ":";
      r.offers = free;
    }
    return r;
  }

  // Nothing free there: say why, then offer the nearest.
  const minutes target_tod = request.time.value_or(from < to ? from : hours.opens);
  r.offers = nearest_to(target_tod);
  if (request.day && end_day <= today) {
    r.problem = "That day has already passed.";
  } else if (request.day && first_day > horizon_day) {
    r.problem = describe(slot_problem::too_far, {}, {}, context);
  } else if (request.day && request.days == 1 && !schedule_.is_workday(first_day)) {
    r.problem = describe(slot_problem::not_a_workday, first_day + minutes{0}, {}, context);
  } else if (from >= to) {
    r.problem = "We don't hold consultations in the " + std::string{part_name(*request.part)} +
                ": they run from " + schedule_.hours_text() + " (" + zone.name() + ").";
  } else {
    const auto bookable = schedule_.bookable(context.now);
    const bool any = std::any_of(bookable.begin(), bookable.end(), inside);
    if (!any && first_day <= schedule_.local_day(context.now + hours.min_notice)) {
      r.problem = describe(slot_problem::too_soon, {}, {}, context);
    } else if (!any) {
      r.problem = describe(slot_problem::too_far, {}, {}, context);
    } else if (request.time) {
      r.problem = "There's no free slot at " + clock_text(*request.time) +
                  (where.empty() ? " in the next " + std::to_string(hours.horizon_days) + " days"
                                 : " " + where) +
                  ".";
    } else {
      r.problem = "There's no free slot " + where + ".";
    }
  }
  return r;
}

// ---------------------------------------------------------------- after storing

reply booking_flow::complete(conversation& state, const booking_outcome& outcome,
                             const turn_context& context) const {
  if (!state.form || !state.form->slot) {
    // Only reached if the shell calls without a confirmed form; say what is known.
    reply out;
    out.intent = "book_consultation";
    out.confidence = form_confidence;
    out.suggestions = general_suggestions();
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
  const auto label = schedule_.label(slot, context.now);
  switch (outcome.result) {
    case booking_outcome::kind::stored: {
      state.form.reset();
      reply out;
      out.intent = "book_consultation";
      out.confidence = form_confidence;
      out.text = "Done! Your free consultation is booked for " + label + ". Your reference is " +
                 outcome.reference +
                 ". We'll be in touch by email. Anything else about Node.js or Python?";
      out.booking = booking_status{outcome.reference, "confirmed"};
      out.suggestions = general_suggestions();
      return out;
    }
    case booking_outcome::kind::slot_taken: {
      form.slot.reset();
      form.asking = booking_field::slot;
      auto offers = schedule_.nearest_free(context, slot, offers_shown + 1);
      // The calendar may not show the lost slot yet; it is not offered again either way.
      offers.erase(std::remove(offers.begin(), offers.end(), slot), offers.end());
      if (offers.size() > offers_shown) offers.resize(offers_shown);
      const question q =
          slot_question(form, context, "The nearest free slots are:", std::move(offers));
      return form_reply(state, context,
                        "Sorry, " + label + " was booked by someone else a moment ago. " + q.text,
                        q.suggestions);
    }
    case booking_outcome::kind::failed:
      form.asking = booking_field::confirm;
      return form_reply(state, context,
                        "Sorry, something went wrong on our side and the booking was not saved. "
                        "Say yes to try again, or \"cancel\".",
                        {"Yes, book it", "Cancel"});
  }
  return form_reply(state, context, "", {});
}

}  // namespace advisor::dialogue
