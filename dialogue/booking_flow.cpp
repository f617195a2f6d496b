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
using intents::plain_words;
using intents::read_yes_no;
using intents::time_request;
using intents::yes_no;

namespace {

constexpr double form_confidence = 1.0;  // the form took the message as an answer to its question
constexpr std::string_view book_again = "Book a free consultation";

// Intents the normal answers handle when they arrive in the middle of the form.
constexpr std::array<std::string_view, 9> answered_elsewhere{
    "compare",  "explain", "help",    "out_of_scope",     "smalltalk",
    "greeting", "thanks",  "goodbye", "book_consultation"};
// Of those, the ones taken as such even where any text is a valid answer (a name, a company).
constexpr std::array<std::string_view, 5> social{"greeting", "thanks", "goodbye", "help",
                                                 "smalltalk"};

constexpr std::array<std::string_view, 6> change_words{"change", "edit", "modify",
                                                       "update", "fix",  "correct"};
// Replies to "did you mean ...?" that keep the address as typed.
constexpr std::array<std::string_view, 8> keep_words{"keep it",     "its right",     "its correct",
                                                     "it is right", "it is correct", "thats right",
                                                     "as typed",    "keep"};

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

constexpr std::array<phrase, 4> field_names{{
    {"name", "your name"},
    {"email", "your email address"},
    {"company", "your company"},
    {"project", "what the project is about"},
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
  return {"Which is better for streaming?", "Node or Python for ML?", std::string{book_again}};
}

// The part of the free-text check that decides whether a message goes to the normal answers.
// Where any words are a valid answer (a name, a company: "What We Do Matters GmbH"), only a
// question mark or a social phrase takes a message out of the form.
bool answered_outside(const intents::understanding& understood, std::string_view text,
                      bool free_text) {
  if (!among(answered_elsewhere, understood.intent)) return false;
  if (!free_text) return true;
  return text.find('?') != std::string_view::npos || among(social, understood.intent);
}

}  // namespace

booking_flow::booking_flow(const availability& hours, const date::time_zone* zone)
    : schedule_{hours, zone}, choice_{schedule_} {}

// ---------------------------------------------------------------- zones

const date::time_zone* booking_flow::visitor_zone(const conversation& state) const {
  if (state.visitor.time_zone.empty()) return nullptr;
  try {
    return date::locate_zone(state.visitor.time_zone);
  } catch (const std::runtime_error&) {
    return nullptr;  // a restored session from a machine with another tz database
  }
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
  if (request.zone && *request.zone != shown.name()) {
    request = intents::parse_time_request(text, today_in(*date::locate_zone(*request.zone)),
                                          offered, order);
  }
  return request;
}

// ---------------------------------------------------------------- questions and replies

std::string booking_flow::proposal(const conversation& state) const {
  std::vector<std::string> needs;
  for (const auto& topic : state.needs) {
    if (auto text = lookup(need_phrases, topic)) needs.emplace_back(*text);
  }
  if (needs.empty()) return {};
  std::string out = join_list(needs);
  if (state.last_recommendation) {
    if (auto tech = lookup(recommendation_phrases, *state.last_recommendation)) {
      out += " (suggested: " + std::string{*tech} + ")";
    }
  }
  return out;
}

// "Here are 4 free 30-minute slots, on Tue 8 Dec and Wed 9 Dec." The slots themselves are the
// suggestions: one button each, not listed twice.
std::string booking_flow::offers_text(const conversation& state,
                                      const std::vector<time_point>& offers, std::string_view where,
                                      const turn_context& context) const {
  const date::time_zone& zone = shown_zone(state);
  std::vector<std::string> days;
  for (const time_point t : offers) {
    auto day = schedule_.day_label(date::floor<date::days>(zone.to_local(t)), context.now);
    if (std::find(days.begin(), days.end(), day) == days.end()) days.push_back(std::move(day));
  }
  const std::string length = std::to_string(schedule_.hours().slot_length.count());
  std::string out = offers.size() == 1 ? "There is one free " + length + "-minute slot"
                                       : "Here are " + std::to_string(offers.size()) + " free " +
                                             length + "-minute slots";
  out += where.empty() ? ", on " + join_list(days) : " " + std::string{where};
  if (visitor_zone(state) != nullptr) out += ", shown in " + place_name(zone) + " time";
  return out + ". Pick one below, or type a day and time, like \"tomorrow at 10\".";
}

// The first free slots, during the visitor's waking hours when they are elsewhere (midnight in
// Los Angeles is 09:00 in Berlin); any free slots when none fall there.
std::vector<time_point> booking_flow::first_offers(const conversation& state,
                                                   const turn_context& context) const {
  if (const auto* visitor = visitor_zone(state)) {
    const auto awake = [visitor](time_point t) {
      const auto local = visitor->to_local(t);
      const auto hour =
          std::chrono::duration_cast<std::chrono::hours>(local - date::floor<date::days>(local));
      return hour >= std::chrono::hours{7} && hour < std::chrono::hours{21};
    };
    auto offers = schedule_.next_free(context, slot_choice::offers_shown, awake);
    if (!offers.empty()) return offers;
  }
  return schedule_.next_free(context, slot_choice::offers_shown);
}

booking_flow::question booking_flow::slot_question(conversation& state, const turn_context& context,
                                                   std::string_view lead, std::string_view where,
                                                   std::vector<time_point> offers) const {
  booking_form& form = *state.form;
  form.offered = std::move(offers);
  question q;
  if (form.offered.empty()) {
    q.text = join_sentences(lead, "There are no free slots in the next " +
                                      std::to_string(schedule_.hours().horizon_days) +
                                      " days, sorry; say \"cancel\" to stop here.");
    q.suggestions = {"Cancel"};
    return q;
  }
  q.text = join_sentences(lead, offers_text(state, form.offered, where, context));
  for (const time_point start : form.offered) q.suggestions.push_back(label(state, start, context));
  q.suggestions.emplace_back("Cancel");
  return q;
}

std::string booking_flow::summary(const conversation& state, const turn_context& context) const {
  const booking_form& form = *state.form;
  std::string out = "Here is your booking:";
  out += "\n- Name: " + form.name.value_or("");
  out += "\n- Email: " + form.email.value_or("");
  out += "\n- Company: " + (form.company && !form.company->empty() ? *form.company : "none");
  out += "\n- Project: " + form.project.value_or("");
  if (form.slot) {
    out += "\n- Time: " + label(state, *form.slot, context) + ", " +
           std::to_string(schedule_.hours().slot_length.count()) + " minutes";
  }
  out += "\n- Contact about this request: agreed";
  out += "\nShall I book it? Say yes to confirm, or tell me what to change.";
  return out;
}

booking_flow::question booking_flow::prompt(conversation& state, const turn_context& context,
                                            bool fresh_offers) const {
  booking_form& form = *state.form;
  switch (form.asking) {
    case booking_field::name:
      return {"What's your name?", {"Cancel"}};
    case booking_field::email:
      if (form.email_suggested) {
        return {"Did you mean " + *form.email_suggested + "?",
                {"Yes, " + *form.email_suggested,
                 "No, " + form.email_typed.value_or("") + " is right", "Cancel"}};
      }
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
      if (offers.empty()) offers = first_offers(state, context);
      const std::string_view lead = offers.empty() ? "" : "When would suit you?";
      return slot_question(state, context, lead, "", std::move(offers));
    }
    case booking_field::consent:
      return {
          "Do you agree that we contact you by email about this consultation request? We use "
          "your details for nothing else.",
          {"Yes, I agree", "No", "How does the call happen?"}};
    case booking_field::confirm:
      return {summary(state, context), {"Yes, book it", "Change the time", "Cancel"}};
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
    if (form.slot) status.filled["slot"] = label(state, *form.slot, context);
    if (form.consent) status.filled["consent"] = "yes";
    out.form = std::move(status);
  }
  return out;
}

reply booking_flow::ask(conversation& state, const turn_context& context, std::string_view lead,
                        bool fresh_offers) const {
  const question q = prompt(state, context, fresh_offers);
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

// "No" to being contacted: nothing can be booked, so the form ends here, with a way back.
reply booking_flow::decline(conversation& state) const {
  state.form.reset();
  reply out;
  out.text =
      "That's fine: without your consent we can't book a consultation, so I've stopped here and "
      "nothing you typed in the form was saved. If you change your mind, just say \"book a "
      "consultation\". Anything else about Node.js or Python?";
  out.intent = "cancel";
  out.confidence = form_confidence;
  out.suggestions = general_suggestions();
  return out;
}

// "Zoom or Teams?": how the consultation happens, then the form's question again.
reply booking_flow::meeting(conversation& state, const turn_context& context) const {
  return ask(state, context, schedule_.hours().meeting_details, false);
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
      "itself can be discussed too.";
  if (understood.has_cue(intents::cue::meeting)) {
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
  std::string noted = join_list(taken);
  if (form.slot) {
    noted += (noted.empty() ? "" : ", and ") + label(state, *form.slot, context) + " for the call";
  }
  if (!noted.empty()) lead = join_sentences(lead, "I've noted " + noted + ".");
  if (form.email_suggested) {
    form.asking = booking_field::email;
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
    const bool understood_cancel =
        understood.intent == "cancel" && said != yes_no::no && asking != booking_field::project;
    if (is_cancel(plain) || understood_cancel) return cancel(state);
  }
  // "Zoom or Teams?", "how does the call happen?": answered at any step.
  if (understood.has_cue(intents::cue::meeting) &&
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
  // York time"); elsewhere only with "instead", "how about", "I meant".
  const bool late = asking == booking_field::consent || asking == booking_field::confirm;
  if (late || grammar_.proposes_instead(text)) {
    // Numbers are no positions here: the offers are not on screen.
    const auto request = read_time(state, text, 0, context);
    const bool names_time = request.day || request.time || request.either || request.earliest;
    if (names_time && !request.pick && !request.pick_last)
      return answer_slot(state, request, context);
    if (request.zone && !names_time) return rezone(state, *request.zone, context);
  }
  return std::nullopt;
}

std::optional<reply> booking_flow::field_answer(conversation& state,
                                                const intents::understanding& understood,
                                                std::string_view text,
                                                const turn_context& context) const {
  booking_form& form = *state.form;
  const std::string plain = plain_words(text);
  const yes_no said = read_yes_no(plain);
  const bool has_proposal = form.asking == booking_field::project && form.project_proposal;
  // A long message starting with "yes" at the proposal is a description of its own.
  const bool short_answer = std::count(plain.begin(), plain.end(), ' ') < 4;

  switch (form.asking) {
    case booking_field::name:
      if (said != yes_no::neither) {
        return ask(state, context,
                   "I need your name to book the consultation; say \"cancel\" if you'd rather "
                   "stop.");
      }
      if (understood.found.person_name) {
        return answer_name(state, *understood.found.person_name, context);
      }
      if (answered_outside(understood, text, true)) return not_for_form(state, understood, context);
      return answer_name(state, text, context);

    case booking_field::email:
      if (find_email(text)) return answer_email(state, text, context);
      if (said == yes_no::no) {
        return ask(state, context,
                   "I need an email address to book the consultation; say \"cancel\" if you'd "
                   "rather stop.");
      }
      if (answered_outside(understood, text, false)) {
        return not_for_form(state, understood, context);
      }
      return answer_email(state, text, context);

    case booking_field::company:
      if (is_skip(plain)) {
        form.company = std::string{};
        return advance(state, booking_field::company, context, "No problem.");
      }
      if (answered_outside(understood, text, true)) return not_for_form(state, understood, context);
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
      if (answered_outside(understood, text, true)) return not_for_form(state, understood, context);
      return answer_project(state, text, context);

    case booking_field::slot: {
      // An offered slot's own label (a button) is that slot, whatever its words say.
      for (std::size_t i = 0; i < form.offered.size(); ++i) {
        if (label(state, form.offered[i], context) == text) {
          time_request request;
          request.pick = i + 1;
          return answer_slot(state, request, context);
        }
      }
      const auto request = read_time(state, text, form.offered.size(), context);
      if (request.zone && !request.day && !request.time && !request.either) {
        return rezone(state, *request.zone, context);
      }
      if (!request.empty()) return answer_slot(state, request, context);
      if (said == yes_no::no) {
        return form_reply(state, context,
                          "Okay. Type a day and time that suits you, like \"next Tuesday "
                          "afternoon\", or say \"cancel\".",
                          {"Cancel"});
      }
      if (said == yes_no::yes) return ask(state, context, "Please pick one of these.", false);
      if (answered_outside(understood, text, false)) {
        return not_for_form(state, understood, context);
      }
      return ask(state, context, "Sorry, I couldn't find a day or time in that.", false);
    }

    case booking_field::consent:
      if (said == yes_no::yes) {
        form.consent = true;
        return advance(state, booking_field::consent, context, "Thank you.");
      }
      if (said == yes_no::no) return decline(state);
      if (answered_outside(understood, text, false)) {
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
                                       state.transcript,
                                       shown_zone(state).name()};
        return out;
      }
      // "no", or "change" without saying what: ask what.
      if (said == yes_no::no || mentions_change(plain)) {
        return form_reply(state, context,
                          "What would you like to change: the name, email, company, project or "
                          "time?",
                          {"Change the time", "Change my email", "Cancel"});
      }
      if (answered_outside(understood, text, false)) {
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
  const question q = prompt(state, context, false);
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
  // A zone named with a time is the visitor's from now on: they think in it.
  if (request.zone) state.visitor.time_zone = *request.zone;
  const date::time_zone& zone = shown_zone(state);
  time_request settled = request;
  if (settled.time && !settled.day && !settled.either && form.slot) {
    // "Make it 11 instead", "I meant 10am New York time": the same day as the slot chosen.
    settled.day = date::floor<date::days>(zone.to_local(*form.slot));
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
  const date::time_zone* typed_in =
      form.slot_zone.empty() ? &before : date::locate_zone(form.slot_zone);
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

reply booking_flow::complete(conversation& state, const booking_outcome& outcome,
                             const turn_context& context) const {
  // After a booking the suggestions are questions, not another booking.
  const std::vector<std::string> after_booking{"Which is better for streaming?",
                                               "Node or Python for ML?"};
  if (!state.form || !state.form->slot) {
    // Only reached if the shell calls without a confirmed form; say what is known.
    reply out;
    out.intent = "book_consultation";
    out.confidence = form_confidence;
    out.suggestions = after_booking;
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
      reply out;
      out.intent = "book_consultation";
      out.confidence = form_confidence;
      out.text = "Done! Your free consultation is booked for " + booked + ". Your reference is " +
                 outcome.reference +
                 ". We'll be in touch by email. Anything else about Node.js or Python?";
      out.booking = booking_status{outcome.reference, "confirmed"};
      out.suggestions = after_booking;
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
