// The booking form: transitions, validation messages, corrections, questions in between,
// cancel, typed times across time zones and daylight-saving changes, slot conflicts, the
// storage outcome and persistence. The engine is built from the real data files.

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <date/date.h>

#include "dialogue/booking_slots.hpp"
#include "dialogue/engine.hpp"
#include "intents/time_reading.hpp"
#include "tests/support/intent_printing.hpp"
#include "tests/support/source_files.hpp"
#include "tests/unit/booking_chat.hpp"

namespace {

using namespace advisor::test;

using namespace advisor::dialogue;
using namespace advisor::intents;
using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;
using Catch::Matchers::StartsWith;

constexpr const char* ask_email = "What email address should we use to reach you?";

}  // namespace

TEST_CASE("the form opens on a request to book and asks one field at a time",
          "[dialogue][booking]") {
  SECTION("talking to someone opens it at the name") {
    chat c;
    const reply r = c.say("I'd like to talk to someone");
    CHECK(r.intent == intent::book_consultation);
    REQUIRE(r.form.has_value());
    CHECK(r.form->name == "booking");
    CHECK(r.form->field == "name");
    CHECK(r.form->filled.empty());
    CHECK_THAT(r.text, EndsWith("What's your name?"));
    CHECK_FALSE(r.to_store.has_value());
  }
  SECTION("asking for help to build it opens it") {
    chat c;
    const reply r = c.say("can you help build this?");
    CHECK(r.intent == intent::book_consultation);
    REQUIRE(r.form.has_value());
    CHECK(r.form->field == "name");
  }
  SECTION("a price question says the consultation is free and offers it; yes opens the form") {
    chat c;
    const reply offer = c.say("how much do you charge?");
    CHECK(offer.intent == intent::book_consultation);
    CHECK_FALSE(offer.form.has_value());
    CHECK_THAT(offer.text, StartsWith("Our first consultation is free"));
    CHECK_THAT(offer.text, EndsWith("Shall I book one for you?"));
    const reply opened = c.say("yes please");
    CHECK(opened.intent == intent::book_consultation);
    REQUIRE(opened.form.has_value());
    CHECK(opened.form->field == "name");
  }
  SECTION("a question on the timeline is answered the same way, naming what was asked") {
    chat c;
    const reply offer = c.say("How long would it take your team to build an MVP?");
    CHECK(offer.intent == intent::book_consultation);
    CHECK_FALSE(offer.form.has_value());
    CHECK_THAT(offer.text, StartsWith("Our first consultation is free"));
    CHECK_THAT(offer.text, Contains("the timeline of the work"));
    chat both;
    CHECK_THAT(both.say("what would you charge for an API, and when could you start?").text,
               Contains("the cost and the timeline of the work"));
  }
  SECTION("a question about the team itself: the call is where to ask, offered, not forced") {
    for (const char* text : {"Where is your company based?", "How many developers do you have?",
                             "Do you have a portfolio I could look at?"}) {
      chat c;
      const reply offer = c.say(text);
      CHECK(offer.intent == intent::book_consultation);
      CHECK_FALSE(offer.form.has_value());
      CHECK_THAT(offer.text, Contains("ask about the team, its past work"));
      CHECK_THAT(offer.text, EndsWith("Shall I book one for you?"));
    }
  }
  SECTION("the offer holds for one reply only") {
    chat c;
    c.say("how much do you charge?");
    c.say("Which is better for streaming?");
    const reply r = c.say("yes");
    CHECK_FALSE(r.form.has_value());
  }
  SECTION("every field in turn, then the summary, then the request to store") {
    chat c;
    c.say("Book a free consultation");

    reply r = c.say("Ada Lovelace");
    CHECK(r.text == "Nice to meet you, Ada Lovelace. " + std::string{ask_email});
    REQUIRE(r.form.has_value());
    CHECK(r.form->field == "email");
    CHECK(r.form->filled.at("name") == "Ada Lovelace");

    r = c.say("ada@example.com");
    CHECK(r.text == "Thanks. Which company are you with? Say \"skip\" if you'd rather not say.");
    CHECK(r.form->field == "company");
    CHECK(r.form->filled.at("email") == "ada@example.com");

    r = c.say("Analytical Ltd");
    CHECK(r.text == "Thanks. What is the project about, in a few words?");
    CHECK(r.form->field == "project");
    CHECK(r.form->filled.at("company") == "Analytical Ltd");

    r = c.say("A chat app for clinics");
    CHECK(r.form->field == "slot");
    CHECK(r.form->filled.at("project") == "A chat app for clinics");
    // The slots are buttons only; the text says how many and which days.
    CHECK(r.text ==
          "Got it. When would suit you? Here are 4 free 30-minute slots, on Tue 1 Dec. Pick one "
          "below, or type a day and time, like \"tomorrow at 10\".");
    CHECK(r.suggestions == std::vector<std::string>{"Tue 1 Dec, 09:00 (Europe/Berlin)",
                                                    "Tue 1 Dec, 09:30 (Europe/Berlin)",
                                                    "Tue 1 Dec, 10:00 (Europe/Berlin)",
                                                    "Tue 1 Dec, 10:30 (Europe/Berlin)", "Cancel"});

    r = c.say("Tue 1 Dec, 09:30 (Europe/Berlin)");
    CHECK(r.form->field == "consent");
    CHECK(r.form->filled.at("slot") == "Tue 1 Dec, 09:30 (Europe/Berlin)");
    CHECK_THAT(r.text, StartsWith("Tue 1 Dec, 09:30 (Europe/Berlin) it is. Do you agree"));

    r = c.say("yes, I agree");
    CHECK(r.form->field == "confirm");
    CHECK(r.form->filled.at("consent") == "yes");
    CHECK(r.text ==
          "Thank you. Here is your booking:\n"
          "- Name: Ada Lovelace\n"
          "- Email: ada@example.com\n"
          "- Company: Analytical Ltd\n"
          "- Project: A chat app for clinics\n"
          "- Time: Tue 1 Dec, 09:30 (Europe/Berlin), 30 minutes\n"
          "- Contact about this request: agreed\n"
          "Shall I book it? Say yes to confirm, or tell me what to change.");
    CHECK_FALSE(r.to_store.has_value());

    r = c.say("yes");
    REQUIRE(r.to_store.has_value());
    const booking_request& b = *r.to_store;
    CHECK(b.name == "Ada Lovelace");
    CHECK(b.email == "ada@example.com");
    CHECK(b.company == "Analytical Ltd");
    CHECK(b.project == "A chat app for clinics");
    CHECK(b.slot_start == utc(2026, 12, 1, 8, 30));
    CHECK(b.slot_length == mins{30});
    CHECK(b.time_zone == "Europe/Berlin");
    REQUIRE_FALSE(b.transcript.empty());
    CHECK(b.transcript.front().speaker == "visitor");
    CHECK(b.transcript.front().text == "Book a free consultation");
    CHECK(b.transcript.back().speaker == "visitor");
    CHECK(b.transcript.back().text == "yes");
  }
  SECTION("a name, email and time in the opening message are kept") {
    chat c;
    const reply r = c.say("I want to book a call tomorrow at 11, my email is ada@example.com");
    REQUIRE(r.form.has_value());
    CHECK(r.form->field == "name");
    CHECK(r.form->filled.at("email") == "ada@example.com");
    CHECK(r.form->filled.at("slot") == "Tue 1 Dec, 11:00 (Europe/Berlin)");
  }
  SECTION("asking to book again while booking goes on with the form") {
    chat c;
    fill_until(c, booking_field::email);
    const reply r = c.say("book a call");
    CHECK(r.text == "We're already booking your consultation. " + std::string{ask_email});
    CHECK(c.field() == "email");
  }
}

TEST_CASE("every validation message is pinned", "[dialogue][booking]") {
  SECTION("emails") {
    const std::string long_local(65, 'a');
    const std::string too_long = std::string(250, 'a') + "@example.com";
    const std::vector<std::pair<std::string, std::string>> cases{
        {"ada.example.com", "That email address has no '@'."},
        {"ada at example dot com", "That email address has no '@'."},
        {"ada@@example.com", "That email address has more than one '@'."},
        {"@example.com", "That email address has nothing before the '@'."},
        {"ada@", "That email address has nothing after the '@'."},
        {long_local + "@example.com", "The part before the '@' is longer than 64 characters."},
        {too_long, "That email address is longer than 254 characters."},
        {"a\"da@example.com",
         "The part before the '@' has characters an email address can't have."},
        {"a..da@example.com",
         "The part before the '@' can't start or end with a dot or have two in a row."},
        {"ada@example", "The part after the '@' needs a dot, as in example.com."},
        {"ada@-example.com", "The part after the '@' is not a valid domain name."},
        {"ada@example.c0m", "The part after the '@' is not a valid domain name."},
    };
    for (const auto& [input, problem] : cases) {
      chat c;
      fill_until(c, booking_field::email);
      const reply r = c.say(input);
      INFO(input);
      CHECK(r.text == problem + " " + ask_email);
      CHECK(c.field() == "email");
      CHECK(r.form->filled.count("email") == 0);
      CHECK_THAT(r.text, !Contains(input));  // the address itself is never echoed
    }
  }
  SECTION("names") {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"my name is " + std::string(101, 'x'), "That name is longer than 100 characters."},
        {"my name is ada@example.com", "That looks like an email address rather than a name."},
        {"12345", "That doesn't look like a name."},
    };
    for (const auto& [input, problem] : cases) {
      chat c;
      fill_until(c, booking_field::name);
      const reply r = c.say(input);
      INFO(input);
      CHECK(r.text == problem + " What's your name?");
      CHECK(c.field() == "name");
    }
  }
  SECTION("a company name") {
    chat c;
    fill_until(c, booking_field::company);
    const reply r = c.say(std::string(201, 'c'));
    CHECK(r.text ==
          "That company name is longer than 200 characters. Which company are you with? "
          "Say \"skip\" if you'd rather not say.");
    CHECK(c.field() == "company");
  }
  SECTION("a project description") {
    chat c;
    fill_until(c, booking_field::project);
    reply r = c.say("ab");
    CHECK(r.text ==
          "Could you tell me a little more than that? What is the project about, in a few words?");
    r = c.say(std::string(1001, 'p'));
    CHECK(r.text ==
          "That description is longer than 1000 characters; a few sentences are enough. "
          "What is the project about, in a few words?");
    CHECK(c.field() == "project");
  }
  SECTION("markup and SQL are taken verbatim as data") {
    chat c;
    fill_until(c, booking_field::name);
    c.say("Robert'); DROP TABLE leads;--");
    CHECK(c.state.form->name == "Robert'); DROP TABLE leads;--");
    c.say("bobby@example.com");
    c.say("<script>alert(1)</script>");
    CHECK(c.state.form->company == "<script>alert(1)</script>");
  }
}

TEST_CASE("each field can be corrected at any point", "[dialogue][booking]") {
  SECTION("the email, from the company step, then the form goes on at the company") {
    chat c;
    fill_until(c, booking_field::company);
    const reply r = c.say("actually my email is ada@lovelace.org");
    CHECK(r.form->filled.at("email") == "ada@lovelace.org");
    CHECK(r.form->field == "company");
    CHECK_THAT(r.text, StartsWith("Thanks, I've updated your email address. Which company"));
  }
  SECTION("a bad email in a correction is asked again with the reason") {
    chat c;
    fill_until(c, booking_field::company);
    reply r = c.say("actually my email is ada");
    CHECK(r.text == "That email address has no '@'. " + std::string{ask_email});
    CHECK(r.form->filled.at("email") == "ada@example.com");
    CHECK(c.field() == "email");
    r = c.say("ada@lovelace.org");
    CHECK(r.form->filled.at("email") == "ada@lovelace.org");
    CHECK(c.field() == "company");
  }
  SECTION("the name, from the slot step") {
    chat c;
    fill_until(c, booking_field::slot);
    const reply r = c.say("my name is Augusta Ada King");
    CHECK(r.form->filled.at("name") == "Augusta Ada King");
    CHECK(r.form->field == "slot");
    CHECK_THAT(r.text, StartsWith("Thanks, I've updated your name. When would suit you?"));
  }
  SECTION("the company, from the consent step") {
    chat c;
    fill_until(c, booking_field::consent);
    const reply r = c.say("change my company to Difference Engines");
    CHECK(r.form->filled.at("company") == "Difference Engines");
    CHECK(r.form->field == "consent");
  }
  SECTION("the project, from the summary") {
    chat c;
    fill_until(c, booking_field::confirm);
    reply r = c.say("change the project");
    CHECK(r.form->field == "project");
    CHECK(r.text == "Sure. What is the project about, in a few words?");
    r = c.say("A telemedicine platform");
    CHECK(r.form->filled.at("project") == "A telemedicine platform");
    CHECK(r.form->field == "confirm");
  }
  SECTION("the time: \"change the time\" goes to the slot step, then back to the summary") {
    chat c;
    fill_until(c, booking_field::confirm);
    reply r = c.say("change the time");
    CHECK(r.form->field == "slot");
    CHECK_THAT(r.text, StartsWith("Sure, let's find another time. When would suit you?"));
    r = c.say("Wed 2 Dec, 15:00 (Europe/Berlin)");
    CHECK(r.form->filled.at("slot") == "Wed 2 Dec, 15:00 (Europe/Berlin)");
    CHECK(r.form->field == "confirm");
  }
  SECTION("a new time proposed at the consent step") {
    chat c;
    fill_until(c, booking_field::consent);
    const reply r = c.say("actually, how about tomorrow at 10?");
    CHECK(r.form->filled.at("slot") == "Tue 1 Dec, 10:00 (Europe/Berlin)");
    CHECK(r.form->field == "consent");
    CHECK_THAT(r.text,
               StartsWith("Okay, I've changed the time to Tue 1 Dec, 10:00 (Europe/Berlin)."));
  }
  SECTION("the email, from the summary, then back to the summary") {
    chat c;
    fill_until(c, booking_field::confirm);
    reply r = c.say("no");
    CHECK(r.text == "What would you like to change: the name, email, company, project or time?");
    CHECK(r.form->field == "confirm");
    r = c.say("change my email");
    CHECK(r.form->field == "email");
    r = c.say("grace@example.com");
    CHECK(r.form->filled.at("email") == "grace@example.com");
    CHECK(r.form->field == "confirm");
    CHECK_THAT(r.text, Contains("- Email: grace@example.com"));
  }
  SECTION("an email typed at another step is taken as the email") {
    chat c;
    fill_until(c, booking_field::name);
    const reply r = c.say("ada@example.com");
    CHECK(r.form->filled.at("email") == "ada@example.com");
    CHECK(r.form->field == "name");
  }
  SECTION("the consent, from the summary") {
    chat c;
    fill_until(c, booking_field::confirm);
    const reply r = c.say("change the consent");
    CHECK(r.form->field == "consent");
  }
}

TEST_CASE("a question in between is answered, then the form asks again", "[dialogue][booking]") {
  SECTION("at the email step") {
    chat c;
    fill_until(c, booking_field::email);
    const reply r = c.say("what about ML?");
    CHECK(r.intent != intent::book_consultation);
    REQUIRE(r.form.has_value());
    CHECK(r.form->field == "email");
    CHECK_THAT(r.text, EndsWith("\n\nNow, back to your booking. " + std::string{ask_email}));
  }
  SECTION("at the name step (the eval's dialogue)") {
    chat c;
    c.say("I'd like to talk to someone");
    const reply r = c.say("wait, is python good for machine learning?");
    CHECK(r.intent == intent::compare);
    CHECK(r.form->field == "name");
    CHECK_THAT(r.text, EndsWith("Now, back to your booking. What's your name?"));
    CHECK(c.say("cancel").intent == intent::cancel);
  }
  SECTION("at the slot step the same slots are offered again") {
    chat c;
    fill_until(c, booking_field::slot);
    const reply r = c.say("why node?");
    CHECK(r.form->field == "slot");
    CHECK(has_suggestion(r, "Tue 1 Dec, 09:00 (Europe/Berlin)"));
    CHECK(c.say("the second one").form->filled.at("slot") == "Tue 1 Dec, 09:30 (Europe/Berlin)");
  }
  SECTION("a project question is answered, a project description is taken") {
    chat c;
    fill_until(c, booking_field::project);
    reply r = c.say("is node good for realtime chat?");
    CHECK(r.form->field == "project");
    CHECK(r.form->filled.count("project") == 0);
    r = c.say("a realtime chat app with video calls");
    CHECK(r.form->filled.at("project") == "a realtime chat app with video calls");
  }
  SECTION("the price, while booking") {
    chat c;
    fill_until(c, booking_field::company);
    const reply r = c.say("how much does it cost?");
    CHECK_THAT(r.text, StartsWith("The consultation is free. Which company are you with?"));
    CHECK(c.field() == "company");
  }
}

TEST_CASE("cancel works at every step and stores nothing", "[dialogue][booking]") {
  const std::vector<booking_field> steps{
      booking_field::name, booking_field::email,   booking_field::company, booking_field::project,
      booking_field::slot, booking_field::consent, booking_field::confirm};
  for (const char* word : {"cancel", "never mind", "stop"}) {
    for (const booking_field step : steps) {
      chat c;
      fill_until(c, step);
      const reply r = c.say(word);
      INFO(word << " at " << field_name(step));
      CHECK(r.intent == intent::cancel);
      CHECK_FALSE(r.form.has_value());
      CHECK_FALSE(r.to_store.has_value());
      CHECK_FALSE(c.state.form.has_value());
      CHECK(r.text ==
            "Okay, I've cancelled the booking; nothing was saved. Anything else I can help with?");
    }
  }
  SECTION("a project that mentions stopping is a project") {
    chat c;
    fill_until(c, booking_field::project);
    const reply r = c.say("an app to cancel subscriptions");
    CHECK(r.form->filled.at("project") == "an app to cancel subscriptions");
  }
}

TEST_CASE("the company can be skipped", "[dialogue][booking]") {
  for (const char* word : {"skip", "none", "no company", "no", "n/a"}) {
    chat c;
    fill_until(c, booking_field::company);
    const reply r = c.say(word);
    INFO(word);
    CHECK(r.form->field == "project");
    CHECK(r.form->filled.at("company").empty());
    CHECK_THAT(r.text, StartsWith("No problem."));
  }
  SECTION("the summary says none") {
    chat c;
    c.say("Book a free consultation");
    c.say("Ada");
    c.say("ada@example.com");
    c.say("skip");
    c.say("A data pipeline");
    c.say("the first one");
    const reply r = c.say("yes");
    CHECK_THAT(r.text, Contains("- Company: none"));
    CHECK(c.say("yes").to_store->company.empty());
  }
}

TEST_CASE("the project is prefilled from the needs discussed", "[dialogue][booking]") {
  const auto discussed = [](chat& c) {
    c.say("Which is better for streaming?");
    c.say("what about machine learning?");
    REQUIRE(std::find(c.state.needs.begin(), c.state.needs.end(), "streaming") !=
            c.state.needs.end());
    REQUIRE(std::find(c.state.needs.begin(), c.state.needs.end(), "ml") != c.state.needs.end());
    c.say("Book a free consultation");
    c.say("Ada");
    c.say("ada@example.com");
    const reply r = c.say("skip");
    REQUIRE(r.form->field == "project");
    return r;
  };
  SECTION("offered for a yes") {
    chat c;
    const reply offer = discussed(c);
    // Plain words, not "a backend with a web backend".
    CHECK_THAT(offer.text, Contains("From what we discussed, the project is about streaming and "
                                    "machine learning (suggested: Python)."));
    CHECK_THAT(offer.text, Contains("streaming"));
    CHECK_THAT(offer.text, Contains("machine learning"));
    CHECK_THAT(offer.text,
               EndsWith("Is that right? Say yes, or tell me in a few words what it is about."));
    CHECK(has_suggestion(offer, "Yes, that's right"));
    CHECK(offer.form->filled.count("project") == 0);
    const reply r = c.say("yes, that's right");
    CHECK(r.form->filled.at("project") == "streaming and machine learning (suggested: Python)");
    CHECK(r.form->field == "slot");
  }
  SECTION("\"no\" asks for a description") {
    chat c;
    discussed(c);
    reply r = c.say("no");
    CHECK(r.text == "Okay. What is the project about, in a few words?");
    r = c.say("A video platform for schools");
    CHECK(r.form->filled.at("project") == "A video platform for schools");
  }
  SECTION("another description replaces it") {
    chat c;
    discussed(c);
    const reply r = c.say("An ETL tool for invoices");
    CHECK(r.form->filled.at("project") == "An ETL tool for invoices");
  }
  SECTION("without needs there is nothing to prefill") {
    chat c;
    fill_until(c, booking_field::project);
    CHECK_FALSE(c.state.form->project_proposal.has_value());
  }
}

TEST_CASE("consent is required and explicit; no ends the form politely", "[dialogue][booking]") {
  chat c;
  fill_until(c, booking_field::consent);
  SECTION("an unclear answer asks again") {
    reply r = c.say("maybe later");
    CHECK(c.field() == "consent");
    CHECK_THAT(r.text, StartsWith("Sorry, I need a clear yes or no."));
    r = c.say("I agree");
    CHECK(r.form->field == "confirm");
  }
  SECTION("no: nothing is kept, the form ends once, with a way back") {
    const reply r = c.say("no");
    CHECK(r.intent == intent::cancel);
    CHECK_FALSE(r.form.has_value());
    CHECK_FALSE(r.to_store.has_value());
    CHECK_FALSE(c.state.form.has_value());
    CHECK_THAT(r.text, Contains("nothing you typed in the form was saved"));
    CHECK_THAT(r.text, Contains("book a consultation"));
    CHECK(has_suggestion(r, "Book a free consultation"));
    // No loop: another "no" is an ordinary message now.
    const reply again = c.say("no");
    CHECK_FALSE(again.form.has_value());
    CHECK(again.text != r.text);
    // The way back opens a fresh form.
    const reply back = c.say("book a consultation");
    REQUIRE(back.form.has_value());
    CHECK(back.form->field == "name");
  }
  SECTION("then cancel") {
    const reply r = c.say("cancel");
    CHECK(r.intent == intent::cancel);
    CHECK_FALSE(c.state.form.has_value());
  }
}

TEST_CASE("a plain yes or no where it answers nothing gets a hint", "[dialogue][booking]") {
  SECTION("no at the name") {
    chat c;
    fill_until(c, booking_field::name);
    CHECK(c.say("no").text ==
          "I need your name to book the consultation; say \"cancel\" if "
          "you'd rather stop. What's your name?");
    CHECK(c.field() == "name");
  }
  SECTION("no at the email") {
    chat c;
    fill_until(c, booking_field::email);
    CHECK(c.say("no").text ==
          "I need an email address to book the consultation; say "
          "\"cancel\" if you'd rather stop. " +
              std::string{ask_email});
  }
  SECTION("no and yes at the slots") {
    chat c;
    fill_until(c, booking_field::slot);
    CHECK(c.say("no").text ==
          "Okay. Type a day and time that suits you, like \"next Tuesday "
          "afternoon\", or say \"cancel\".");
    CHECK_THAT(c.say("yes").text, StartsWith("Please pick one of these. When would suit you?"));
    CHECK(c.field() == "slot");
  }
  SECTION("a time given before the slot step is noted") {
    chat c;
    fill_until(c, booking_field::project);
    const reply r = c.say("how about thursday at 11?");
    CHECK_THAT(r.text,
               StartsWith("Okay, I've noted Thu 3 Dec, 11:00 (Europe/Berlin) for the call."));
    CHECK(r.form->field == "project");
  }
}

TEST_CASE("no free slot at all is said plainly", "[dialogue][booking]") {
  class all_taken : public slot_calendar {
   public:
    bool is_taken(time_point) const override { return true; }
  };
  const all_taken full;
  chat c;
  fill_until(c, booking_field::project);
  c.context.calendar = &full;
  const reply r = c.say("A chat app");
  CHECK(r.text ==
        "Got it. There are no free slots in the next 30 days, sorry; say \"cancel\" to "
        "stop here.");
  CHECK(r.suggestions == std::vector<std::string>{"Cancel"});
}

TEST_CASE("the summary confirms or goes back", "[dialogue][booking]") {
  SECTION("confirm") {
    chat c;
    fill_until(c, booking_field::confirm);
    CHECK(c.say("confirm").to_store.has_value());
  }
  SECTION("\"change\" without a field asks which") {
    chat c;
    fill_until(c, booking_field::confirm);
    CHECK(c.say("I want to change something").text ==
          "What would you like to change: the name, email, company, project or time?");
    CHECK(c.say("change").text ==
          "What would you like to change: the name, email, company, project or time?");
    CHECK(c.field() == "confirm");
  }
  SECTION("anything else shows the summary again") {
    chat c;
    fill_until(c, booking_field::confirm);
    const reply r = c.say("hmm purple");
    CHECK_THAT(r.text, StartsWith("Sorry, I didn't get that. Here is your booking:"));
    CHECK_FALSE(r.to_store.has_value());
  }
}

TEST_CASE("typed times are read", "[dialogue][booking]") {
  const auto wednesday = local_date(2026, 12, 2);
  const auto read = [&](std::string_view text, std::size_t offered = 0) {
    return parse_time_request(text, wednesday, offered);
  };
  SECTION("tomorrow at 10") {
    const auto r = read("tomorrow at 10");
    CHECK(r.day == local_date(2026, 12, 3));
    CHECK(r.time == hrs{10});
  }
  SECTION("next Tuesday afternoon") {
    const auto r = read("next Tuesday afternoon");
    CHECK(r.day == local_date(2026, 12, 8));
    CHECK(r.part == day_part::afternoon);
  }
  SECTION("monday 2pm") {
    const auto r = read("monday 2pm");
    CHECK(r.day == local_date(2026, 12, 7));
    CHECK(r.time == hrs{14});
  }
  SECTION("a weekday said on that day is a week ahead, unless \"this\"") {
    CHECK(read("wednesday at 10").day == local_date(2026, 12, 9));
    CHECK(read("this wednesday at 10").day == wednesday);
  }
  SECTION("ISO dates") {
    const auto r = read("2026-12-03 14:00");
    CHECK(r.day == local_date(2026, 12, 3));
    CHECK(r.time == hrs{14});
  }
  SECTION("day and month") {
    const auto r = read("3 Dec 14:30");
    CHECK(r.day == local_date(2026, 12, 3));
    CHECK(r.time == hrs{14} + mins{30});
    CHECK(read("Dec 3rd at 2 pm").time == hrs{14});
    CHECK(read("the 3rd of December at 9am").day == local_date(2026, 12, 3));
    CHECK(read("December 3, 2027 10:00").day == local_date(2027, 12, 3));
  }
  SECTION("a day and month already past this year is next year's") {
    CHECK(read("4 Jan at 10").day == local_date(2027, 1, 4));
  }
  SECTION("an offered slot's label") {
    const auto r = read("Thu 3 Dec, 10:00 (Europe/Berlin)");
    CHECK(r.day == local_date(2026, 12, 3));
    CHECK(r.time == hrs{10});
  }
  SECTION("positions among the offered slots") {
    CHECK(read("the first one", 4).pick == 1u);
    CHECK(read("second", 4).pick == 2u);
    CHECK(read("option 3", 4).pick == 3u);
    CHECK(read("2", 4).pick == 2u);
    CHECK(read("the last one", 4).pick_last);
  }
  SECTION("a lone number that is no position is an hour") {
    CHECK(read("2", 0).time == hrs{14});
    CHECK(read("10", 4).time == hrs{10});
  }
  SECTION("other forms") {
    CHECK(read("at 3").time == hrs{15});
    CHECK(read("10 o'clock").time == hrs{10});
    CHECK(read("noon tomorrow").time == hrs{12});
    CHECK(read("the day after tomorrow").day == local_date(2026, 12, 4));
    CHECK(read("in 3 days").day == local_date(2026, 12, 5));
    CHECK(read("asap").earliest);
    CHECK(read("next week").day == local_date(2026, 12, 7));
    CHECK(read("next week").days == 7);
    CHECK(read("at 9:30 a.m.").time == hrs{9} + mins{30});
  }
  SECTION("dates that do not exist") {
    CHECK(read("31 Feb at 10").bad_date);
    CHECK(read("2026-13-01").bad_date);
  }
  SECTION("no time at all") {
    CHECK(read("what about ML?").empty());
    CHECK(read("why node").empty());
  }
}

TEST_CASE("typed times become slots in the consultancy's zone", "[dialogue][booking]") {
  const auto book = [](const engine_ptr& e, std::string_view when) {
    chat c{e};
    fill_until(c, booking_field::slot);
    c.say(when);
    REQUIRE(c.state.form->slot.has_value());
    return *c.state.form->slot;
  };
  SECTION("Europe/Berlin (UTC+1 in December)") {
    CHECK(book(berlin_engine(), "tomorrow at 10") == utc(2026, 12, 1, 9));
    CHECK(book(berlin_engine(), "monday 2pm") == utc(2026, 12, 7, 13));
    CHECK(book(berlin_engine(), "2026-12-03 14:00") == utc(2026, 12, 3, 13));
    CHECK(book(berlin_engine(), "3 Dec 14:30") == utc(2026, 12, 3, 13, 30));
    CHECK(book(berlin_engine(), "the first one") == utc(2026, 12, 1, 8));
    CHECK(book(berlin_engine(), "asap") == utc(2026, 12, 1, 8));
  }
  SECTION("America/New_York (UTC-5 in December)") {
    availability hours;
    hours.time_zone = "America/New_York";
    const auto e = make_engine(hours);
    CHECK(book(e, "tomorrow at 10") == utc(2026, 12, 1, 15));
    CHECK(book(e, "3 Dec 14:30") == utc(2026, 12, 3, 19, 30));
    chat c{e};
    fill_until(c, booking_field::slot);
    const reply r = c.say("Tuesday at 9:30");
    CHECK(r.form->filled.at("slot") == "Tue 1 Dec, 09:30 (America/New_York)");
  }
  SECTION("Asia/Kolkata (UTC+5:30)") {
    availability hours;
    hours.time_zone = "Asia/Kolkata";
    const auto e = make_engine(hours);
    CHECK(book(e, "tomorrow at 10") == utc(2026, 12, 1, 4, 30));
    CHECK(book(e, "2026-12-03 09:00") == utc(2026, 12, 3, 3, 30));
  }
}

TEST_CASE("a time that is no slot is explained, with the nearest free ones",
          "[dialogue][booking]") {
  const auto ask = [](std::string_view when) {
    chat c;
    fill_until(c, booking_field::slot);
    const reply r = c.say(when);
    CHECK(r.form->field == "slot");
    CHECK(r.form->filled.count("slot") == 0);
    return r;
  };
  SECTION("not a workday") {
    const reply r = ask("Saturday at 10");
    CHECK_THAT(r.text, StartsWith("We don't hold consultations on Saturdays; we're available "
                                  "Monday to Friday. Here are "));
    // Nearest in time: Friday afternoon is closer to Saturday 10:00 than Monday morning.
    CHECK(has_suggestion(r, "Fri 4 Dec, 15:00 (Europe/Berlin)"));
    CHECK(has_suggestion(r, "Fri 4 Dec, 16:30 (Europe/Berlin)"));
  }
  SECTION("outside hours") {
    const reply r = ask("tomorrow at 8");
    CHECK_THAT(r.text, StartsWith("08:00 is outside our hours: consultations run from 09:00 to "
                                  "17:00 (Europe/Berlin). Here are "));
    CHECK(has_suggestion(r, "Tue 1 Dec, 09:00 (Europe/Berlin)"));
  }
  SECTION("ending after closing") {
    const reply r = ask("tomorrow at 16:45");
    CHECK_THAT(r.text, StartsWith("16:45 is outside our hours"));
  }
  SECTION("off the half-hour grid") {
    const reply r = ask("tomorrow at 10:15");
    CHECK_THAT(r.text, StartsWith("Consultations start every 30 minutes from 09:00, so 10:15 "
                                  "isn't one of them. Here are "));
    CHECK(has_suggestion(r, "Tue 1 Dec, 10:00 (Europe/Berlin)"));
    CHECK(has_suggestion(r, "Tue 1 Dec, 10:30 (Europe/Berlin)"));
  }
  SECTION("too soon") {
    const reply r = ask("today at 4pm");
    CHECK_THAT(r.text, StartsWith("That's too soon: we need at least 12 hours' notice."));
    CHECK(has_suggestion(r, "Tue 1 Dec, 09:00 (Europe/Berlin)"));
  }
  SECTION("too far") {
    const reply r = ask("2027-03-01 10:00");
    CHECK_THAT(r.text, StartsWith("That's too far ahead: we book up to 30 days in advance. Here "
                                  "are "));
    CHECK(has_suggestion(r, "Wed 30 Dec, 08:30 (Europe/Berlin)") == false);
  }
  SECTION("in the past") {
    CHECK_THAT(ask("2026-11-02 10:00").text, StartsWith("That time has already passed."));
  }
  SECTION("a date that does not exist") {
    CHECK_THAT(ask("31 Feb at 10").text, StartsWith("There is no such date."));
  }
  SECTION("a position beyond the offers") {
    CHECK_THAT(ask("the fifth one").text, StartsWith("I offered only 4 slots."));
  }
  SECTION("a part of the day without consultations") {
    CHECK_THAT(ask("tomorrow evening").text,
               StartsWith("We don't hold consultations in the evening: they run from 09:00 to "
                          "17:00 (Europe/Berlin)."));
  }
  SECTION("a day alone offers that day's slots") {
    const reply r = ask("thursday");
    CHECK_THAT(r.text, StartsWith("Here are 4 free 30-minute slots on Thu 3 Dec."));
    CHECK(r.suggestions.front() == "Thu 3 Dec, 09:00 (Europe/Berlin)");
    CHECK(r.suggestions.size() == 5);
  }
  SECTION("nothing typed that reads as a time") {
    const reply r = ask("purple monkey");
    CHECK_THAT(r.text, StartsWith("Sorry, I couldn't find a day or time in that."));
  }
}

TEST_CASE("taken slots are never offered and are explained", "[dialogue][booking]") {
  SECTION("the offers skip taken slots") {
    chat c;
    c.calendar.taken = {utc(2026, 12, 1, 8), utc(2026, 12, 1, 9)};
    fill_until(c, booking_field::slot);
    const reply r = c.say("why node?");
    CHECK(r.form->field == "slot");
    CHECK_FALSE(has_suggestion(r, "Tue 1 Dec, 09:00 (Europe/Berlin)"));
    CHECK(has_suggestion(r, "Tue 1 Dec, 09:30 (Europe/Berlin)"));
    CHECK_FALSE(has_suggestion(r, "Tue 1 Dec, 10:00 (Europe/Berlin)"));
  }
  SECTION("a taken slot asked for: the nearest free ones") {
    chat c;
    c.calendar.taken = {utc(2026, 12, 1, 9)};
    fill_until(c, booking_field::slot);
    const reply r = c.say("tomorrow at 10");
    CHECK(r.text ==
          "Sorry, Tue 1 Dec, 10:00 (Europe/Berlin) is already taken. Here are 4 free 30-minute "
          "slots, on Tue 1 Dec. Pick one below, or type a day and time, like \"tomorrow at 10\".");
    CHECK(c.field() == "slot");
  }
  SECTION("an offered slot taken in the meantime") {
    chat c;
    fill_until(c, booking_field::slot);
    c.calendar.taken = {utc(2026, 12, 1, 8)};
    const reply r = c.say("the first one");
    CHECK_THAT(r.text, StartsWith("Sorry, Tue 1 Dec, 09:00 (Europe/Berlin) is already taken."));
    CHECK(c.field() == "slot");
  }
  SECTION("a day fully booked") {
    chat c;
    for (int h = 8; h < 16; ++h) {
      c.calendar.taken.insert(utc(2026, 12, 2, h));
      c.calendar.taken.insert(utc(2026, 12, 2, h, 30));
    }
    fill_until(c, booking_field::slot);
    const reply r = c.say("wednesday");
    CHECK_THAT(r.text, StartsWith("There's no free slot on Wed 2 Dec. Here are"));
  }
}

TEST_CASE("slots follow daylight-saving changes", "[dialogue][booking]") {
  const date::time_zone* berlin = date::locate_zone("Europe/Berlin");
  const date::time_zone* new_york = date::locate_zone("America/New_York");
  availability all_day;
  all_day.weekdays = {1, 2, 3, 4, 5, 6, 7};
  all_day.opens = mins{0};
  all_day.closes = hrs{24};
  all_day.min_notice = hrs{0};
  const auto contains = [](const std::vector<time_point>& v, time_point t) {
    return std::find(v.begin(), v.end(), t) != v.end();
  };

  SECTION("Berlin, 29 March 2026: 02:00 to 03:00 does not exist") {
    const slot_schedule s{all_day, berlin};
    const auto slots = s.bookable(utc(2026, 3, 28, 12));
    CHECK(contains(slots, utc(2026, 3, 29, 0, 30)));  // 01:30 CET
    CHECK(contains(slots, utc(2026, 3, 29, 1)));      // 03:00 CEST, right after
    const auto at = std::find(slots.begin(), slots.end(), utc(2026, 3, 29, 0, 30));
    REQUIRE(at + 1 != slots.end());
    CHECK(*(at + 1) == utc(2026, 3, 29, 1));
    turn_context context;
    context.now = utc(2026, 3, 28, 12);
    const auto gap = s.check_local(local_date(2026, 3, 29) + hrs{2} + mins{30}, context);
    CHECK(gap.problem == slot_problem::clock_gap);
    const auto after = s.check_local(local_date(2026, 3, 29) + hrs{3}, context);
    CHECK(after.problem == slot_problem::none);
    CHECK(after.start == utc(2026, 3, 29, 1));
  }
  SECTION("Berlin, 25 October 2026: 02:00 to 03:00 happens twice, the slot is the first") {
    const slot_schedule s{all_day, berlin};
    const auto slots = s.bookable(utc(2026, 10, 24, 12));
    CHECK(contains(slots, utc(2026, 10, 25, 0)));        // 02:00 CEST
    CHECK(contains(slots, utc(2026, 10, 25, 0, 30)));    // 02:30 CEST
    CHECK_FALSE(contains(slots, utc(2026, 10, 25, 1)));  // 02:00 CET, the repeat
    CHECK_FALSE(contains(slots, utc(2026, 10, 25, 1, 30)));
    CHECK(contains(slots, utc(2026, 10, 25, 2)));  // 03:00 CET
    turn_context context;
    context.now = utc(2026, 10, 24, 12);
    const auto twice = s.check_local(local_date(2026, 10, 25) + hrs{2} + mins{30}, context);
    CHECK(twice.problem == slot_problem::none);
    CHECK(twice.start == utc(2026, 10, 25, 0, 30));
    CHECK(s.label(twice.start, context.now) == "Sun 25 Oct, 02:30 (Europe/Berlin)");
  }
  SECTION("a week spanning the spring change offers each day at the right instant") {
    const slot_schedule s{availability{}, berlin};
    const auto slots = s.bookable(utc(2026, 3, 26, 12));
    CHECK(contains(slots, utc(2026, 3, 27, 8)));       // Fri 09:00 CET
    CHECK(contains(slots, utc(2026, 3, 30, 7)));       // Mon 09:00 CEST
    CHECK(contains(slots, utc(2026, 3, 30, 14, 30)));  // Mon 16:30 CEST, the last
    CHECK_FALSE(contains(slots, utc(2026, 3, 30, 15)));
    CHECK(s.label(utc(2026, 3, 30, 7), utc(2026, 3, 26, 12)) ==
          "Mon 30 Mar, 09:00 (Europe/Berlin)");
  }
  SECTION("a week spanning the autumn change, through the form") {
    chat c{berlin_engine(), utc(2026, 10, 22, 12)};
    fill_until(c, booking_field::slot);
    c.say("friday at 10");
    CHECK(c.state.form->slot == utc(2026, 10, 23, 8));  // CEST, UTC+2
    c.say("change the time");
    c.say("monday at 10");
    CHECK(c.state.form->slot == utc(2026, 10, 26, 9));  // CET, UTC+1
  }
  SECTION("the skipped hour typed in the form is explained") {
    chat c{make_engine(all_day), utc(2026, 3, 28, 12)};
    fill_until(c, booking_field::slot);
    const reply r = c.say("2026-03-29 02:30");
    CHECK_THAT(r.text, StartsWith("02:30 doesn't exist on Sun 29 Mar in Europe/Berlin: the clocks "
                                  "go forward that night. Here are"));
    CHECK(has_suggestion(r, "Sun 29 Mar, 03:00 (Europe/Berlin)"));
  }
  SECTION("New York: 8 March and 1 November 2026") {
    const slot_schedule s{all_day, new_york};
    turn_context context;
    context.now = utc(2026, 3, 7, 12);
    CHECK(s.check_local(local_date(2026, 3, 8) + hrs{2} + mins{30}, context).problem ==
          slot_problem::clock_gap);
    CHECK(s.check_local(local_date(2026, 3, 8) + hrs{3}, context).start == utc(2026, 3, 8, 7));
    context.now = utc(2026, 10, 31, 12);
    const auto twice = s.check_local(local_date(2026, 11, 1) + hrs{1} + mins{30}, context);
    CHECK(twice.start == utc(2026, 11, 1, 5, 30));  // the first 01:30, still EDT
    CHECK(s.check_local(local_date(2026, 11, 2) + hrs{10}, context).start == utc(2026, 11, 2, 15));
  }
}

TEST_CASE("the storage outcome decides the reply", "[dialogue][booking]") {
  SECTION("stored: the confirmation with the reference") {
    chat c;
    fill_until(c, booking_field::confirm);
    REQUIRE(c.say("yes").to_store.has_value());
    const reply r =
        c.engine->complete_booking(c.state, {booking_outcome::kind::stored, "BK-7Q2M"}, c.context);
    REQUIRE(r.booking.has_value());
    CHECK(r.booking->reference == "BK-7Q2M");
    CHECK(r.booking->status == "confirmed");
    CHECK_FALSE(r.form.has_value());
    CHECK_FALSE(c.state.form.has_value());
    CHECK(r.text ==
          "Done! Your free consultation is booked for Tue 1 Dec, 09:00 (Europe/Berlin). "
          "Your reference is BK-7Q2M. We'll be in touch by email. Anything else about "
          "Node.js or Python?");
    CHECK(c.state.transcript.back().text == r.text);
  }
  SECTION("slot taken: back to the slot step with the nearest free slots") {
    chat c;
    fill_until(c, booking_field::confirm);
    REQUIRE(c.say("yes").to_store.has_value());
    c.calendar.taken = {utc(2026, 12, 1, 8)};
    reply r =
        c.engine->complete_booking(c.state, {booking_outcome::kind::slot_taken, ""}, c.context);
    CHECK_FALSE(r.booking.has_value());
    REQUIRE(r.form.has_value());
    CHECK(r.form->field == "slot");
    CHECK(r.form->filled.count("slot") == 0);
    CHECK_THAT(r.text, StartsWith("Sorry, Tue 1 Dec, 09:00 (Europe/Berlin) was booked by someone "
                                  "else a moment ago. Here are "));
    CHECK_FALSE(has_suggestion(r, "Tue 1 Dec, 09:00 (Europe/Berlin)"));
    CHECK(has_suggestion(r, "Tue 1 Dec, 09:30 (Europe/Berlin)"));
    r = c.say("the first one");
    CHECK(r.form->field == "confirm");
    CHECK(c.say("yes").to_store->slot_start == utc(2026, 12, 1, 8, 30));
  }
  SECTION("failed: an apology, the form kept, yes retries") {
    chat c;
    fill_until(c, booking_field::confirm);
    REQUIRE(c.say("yes").to_store.has_value());
    const reply r =
        c.engine->complete_booking(c.state, {booking_outcome::kind::failed, ""}, c.context);
    CHECK(r.text ==
          "Sorry, something went wrong on our side and the booking was not saved. Say "
          "yes to try again, or \"cancel\".");
    CHECK(r.form->field == "confirm");
    CHECK(c.say("yes").to_store.has_value());
  }
}

TEST_CASE("busy storage: try again in a moment, the form kept, yes retries",
          "[dialogue][booking]") {
  chat c;
  fill_until(c, booking_field::confirm);
  REQUIRE(c.say("yes").to_store.has_value());
  const reply r = c.engine->complete_booking(c.state, {booking_outcome::kind::busy, ""}, c.context);
  CHECK(r.text ==
        "Sorry, our booking system is busy right now and the booking was not saved yet. Please "
        "try again in a moment: say yes to book it.");
  CHECK_FALSE(r.booking.has_value());
  REQUIRE(r.form.has_value());
  CHECK(r.form->field == "confirm");
  CHECK(c.say("yes").to_store.has_value());
}

TEST_CASE("a booking is told again: a second yes, or asked whether it went through",
          "[dialogue][booking]") {
  chat c;
  fill_until(c, booking_field::confirm);
  REQUIRE(c.say("yes").to_store.has_value());
  (void)c.engine->complete_booking(c.state, {booking_outcome::kind::stored, "BK-7Q2M"}, c.context);
  const std::string again =
      "Yes, your free consultation is booked for Tue 1 Dec, 09:00 (Europe/Berlin). Your "
      "reference is BK-7Q2M. We'll be in touch by email.";

  SECTION("a second yes: the same reference and confirmation, nothing to store") {
    const reply r = c.say("yes");
    CHECK_FALSE(r.to_store.has_value());
    CHECK_FALSE(r.form.has_value());
    REQUIRE(r.booking.has_value());
    CHECK(r.booking->reference == "BK-7Q2M");
    CHECK(r.booking->status == "confirmed");
    CHECK(r.text == again);
    CHECK(c.say("yes please").text == again);
  }
  SECTION("did my booking go through? after the conversation was saved and restored") {
    const auto restored = restore_conversation(save_conversation(c.state));
    REQUIRE(restored.has_value());
    chat resumed;
    resumed.state = *restored;
    const reply r = resumed.say("Did my booking go through?");
    REQUIRE(r.booking.has_value());
    CHECK(r.booking->reference == "BK-7Q2M");
    CHECK(r.text == again);
  }
  SECTION("other ways to ask") {
    for (const char* asked : {"is my appointment confirmed?", "what's my booking reference?",
                              "did it go through?", "am I booked?"}) {
      INFO(asked);
      const reply r = c.say(asked);
      REQUIRE(r.booking.has_value());
      CHECK(r.booking->reference == "BK-7Q2M");
    }
  }
  SECTION("a yes to something else after the confirmation is no confirmation") {
    c.say("Which is better for streaming?");
    CHECK_FALSE(c.say("yes").booking.has_value());
  }
}

TEST_CASE("asked about a booking before there is one: an offer to book", "[dialogue][booking]") {
  chat c;
  reply r = c.say("did my booking go through?");
  CHECK(r.text ==
        "I don't see a booking in this conversation yet. Shall I book a free consultation for "
        "you?");
  CHECK_FALSE(r.booking.has_value());
  CHECK_FALSE(r.form.has_value());
  r = c.say("yes");
  REQUIRE(r.form.has_value());
  CHECK(r.form->field == "name");
}

TEST_CASE("a saved booking confirmation is restored only when well formed", "[dialogue][booking]") {
  const auto with = [](const std::string& confirmed) {
    return restore_conversation(R"({"version":1,"confirmed":)" + confirmed + "}");
  };
  const auto good = with(R"({"reference":"ADV-1","slot":1796112000})");
  REQUIRE(good.has_value());
  REQUIRE(good->confirmed.has_value());
  CHECK(good->confirmed->reference == "ADV-1");
  CHECK(good->confirmed->slot == utc(2026, 12, 1, 8));
  CHECK(with("null").has_value());
  CHECK_FALSE(with(R"({"reference":"","slot":1})").has_value());
  CHECK_FALSE(with(R"({"reference":"ADV-1"})").has_value());
  CHECK_FALSE(with(R"({"reference":"ADV-1","slot":"soon"})").has_value());
  CHECK_FALSE(with(R"(["ADV-1"])").has_value());
  // Found by fuzz_conversation under UBSan: zone arithmetic on such instants overflowed.
  CHECK_FALSE(with(R"({"reference":"ADV-1","slot":9223372036854775807})").has_value());
  CHECK_FALSE(with(R"({"reference":"ADV-1","slot":-1})").has_value());
}

TEST_CASE("restored instants and counts at the ends of their types", "[dialogue][booking]") {
  // Inputs kept in tests/fuzz/corpus/conversation/regression-*: UBSan's signed overflows.
  const std::string form =
      R"({"version":1,"form":{"asking":"slot","name":"Ada","email":"a@b.co","company":"",)"
      R"("project":"x","offered":[)";
  CHECK_FALSE(restore_conversation(form + "9223372036854775807]}}").has_value());
  CHECK_FALSE(restore_conversation(form + "-9223372036854775807]}}").has_value());
  CHECK_FALSE(restore_conversation(form + "1796112000],\"slot\":253402300800}}").has_value());
  CHECK(restore_conversation(form + "1796112000]}}").has_value());

  auto most = restore_conversation(R"({"version":1,"turns":2147483647})");
  REQUIRE(most.has_value());
  chat c;
  c.state = *most;
  c.say("hello");
  CHECK(c.state.turns == 2147483647);
}

TEST_CASE("a half-filled form survives save and restore", "[dialogue][booking]") {
  chat c;
  c.say("Which is better for streaming?");
  fill_until(c, booking_field::slot);
  const std::string saved = save_conversation(c.state);
  const auto restored = restore_conversation(saved);
  REQUIRE(restored.has_value());
  CHECK(save_conversation(*restored) == saved);
  REQUIRE(restored->form.has_value());
  CHECK(restored->form->asking == booking_field::slot);
  CHECK(restored->form->name == "Ada Lovelace");
  CHECK(restored->form->email == "ada@example.com");
  CHECK(restored->form->company == "Analytical Ltd");
  CHECK(restored->form->project == "A chat app for clinics");
  CHECK(restored->form->offered == c.state.form->offered);
  CHECK(restored->needs == c.state.needs);
  CHECK(restored->turns == c.state.turns);
  CHECK(restored->transcript.size() == c.state.transcript.size());

  chat resumed;
  resumed.state = *restored;
  const reply r = resumed.say("the second one");
  CHECK(r.form->field == "consent");
  CHECK(r.form->filled.at("slot") == "Tue 1 Dec, 09:30 (Europe/Berlin)");
}
