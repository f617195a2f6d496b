// What the form asks and shows: each field's question, the slot offers, the summary, the
// prefilled project, and the replies that end the form.

#include "dialogue/booking_flow.hpp"

#include <algorithm>
#include <array>
#include <iterator>

#include "dialogue/booking_wording.hpp"

namespace advisor::dialogue {

using namespace booking_wording;

namespace {

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

}  // namespace

// ---------------------------------------------------------------- questions and replies

std::string booking_flow::proposal(const conversation& state) const {
  std::vector<std::string> needs;
  for (const auto& topic : state.needs) {
    if (auto text = lookup(need_phrases, topic)) needs.emplace_back(*text);
  }
  if (needs.empty()) return {};
  std::string out = join(needs);
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
  out += where.empty() ? ", on " + join(days) : " " + std::string{where};
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
  out.intent = intents::intent::book_consultation;
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
  out.intent = intents::intent::cancel;
  out.confidence = form_confidence;
  out.suggestions = default_suggestions();
  return out;
}

// "No" to being contacted: nothing can be booked, so the form ends here, with a way back.
reply booking_flow::decline(conversation& state) const {
  state.form.reset();
  state.booking_offered = true;  // "ok, yes" right after opens a fresh form
  reply out;
  out.text =
      "That's fine: without your consent we can't book a consultation, so I've stopped here and "
      "nothing you typed in the form was saved. If you change your mind, just say \"book a "
      "consultation\". Anything else about Node.js or Python?";
  out.intent = intents::intent::cancel;
  out.confidence = form_confidence;
  out.suggestions = default_suggestions();
  return out;
}

// "Zoom or Teams?": how the consultation happens, then the form's question again.
reply booking_flow::meeting(conversation& state, const turn_context& context) const {
  return ask(state, context, schedule_.hours().meeting_details, false);
}

}  // namespace advisor::dialogue
