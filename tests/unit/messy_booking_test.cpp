// Booking as visitors really do it: their own zones and ways of writing dates, everything said
// at once, corrections, "no", questions at the last steps, typos. One test per kind of mess.

#include <catch2/catch.hpp>

#include "tests/support/intent_printing.hpp"
#include "tests/unit/booking_chat.hpp"

namespace {

using namespace advisor::test;
using advisor::intents::intent;
using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;
using Catch::Matchers::StartsWith;

}  // namespace

TEST_CASE("times typed with a zone are booked in that zone, and shown in both", "[messy]") {
  SECTION("10am EST") {
    chat c;
    fill_until(c, booking_field::slot);
    const reply r = c.say("Tuesday 10am EST");
    REQUIRE(c.state.form->slot.has_value());
    CHECK(*c.state.form->slot == utc(2026, 12, 1, 15));
    CHECK_THAT(r.text, StartsWith("Tue 1 Dec, 10:00 New York time (16:00 Berlin time) it is."));
  }
  SECTION("3pm UK time") {
    chat c;
    fill_until(c, booking_field::slot);
    c.say("tomorrow 3pm UK time");
    REQUIRE(c.state.form->slot.has_value());
    CHECK(*c.state.form->slot == utc(2026, 12, 1, 15));
  }
  SECTION("I meant 10am New York time, at the summary") {
    chat c;
    fill_until(c, booking_field::slot);
    c.say("wednesday at 10");
    c.say("yes");
    REQUIRE(c.field() == "confirm");
    REQUIRE(*c.state.form->slot == utc(2026, 12, 2, 9));
    const reply r = c.say("I meant 10am New York time");
    CHECK(*c.state.form->slot == utc(2026, 12, 2, 15));
    CHECK_THAT(r.text, StartsWith("Okay, I've changed the time to Wed 2 Dec, 10:00 New York time "
                                  "(16:00 Berlin time)."));
    CHECK(r.form->field == "confirm");
    CHECK_THAT(r.text, Contains("- Time: Wed 2 Dec, 10:00 New York time (16:00 Berlin time)"));
  }
  SECTION("a zone alone re-reads the chosen wall-clock time in it") {
    chat c;
    fill_until(c, booking_field::slot);
    c.say("wednesday at 9");
    c.say("yes");
    REQUIRE(*c.state.form->slot == utc(2026, 12, 2, 8));
    const reply r = c.say("sorry, I meant Chicago time");
    REQUIRE(c.state.form->slot.has_value());
    CHECK(*c.state.form->slot == utc(2026, 12, 2, 15));
    CHECK_THAT(r.text, Contains("Wed 2 Dec, 09:00 Chicago time (16:00 Berlin time)"));
  }
  SECTION("a time outside our hours in the visitor's zone says both") {
    chat c;
    fill_until(c, booking_field::slot);
    const reply r = c.say("tuesday 2pm pst");
    CHECK_FALSE(c.state.form->slot.has_value());
    CHECK_THAT(r.text, StartsWith("14:00 Los Angeles time is 23:00 in Berlin, outside our hours"));
  }
}

TEST_CASE("the visitor's zone from the browser: slots in it, ours beside", "[messy]") {
  chat c;
  REQUIRE_FALSE(
      c.engine->place_visitor(c.state, std::string{"America/New_York"}, std::string{"en-US"}));
  fill_until(c, booking_field::project);
  const reply r = c.say("A chat app for clinics");
  REQUIRE(r.form->field == "slot");
  // Offers fall in the visitor's waking hours: 03:00 in New York would be our first slot.
  CHECK(r.suggestions.front() == "Tue 1 Dec, 07:00 New York time (13:00 Berlin time)");
  CHECK_THAT(r.text, Contains("shown in New York time"));
  SECTION("a typed time is theirs") {
    const reply chosen = c.say("tuesday at 4am");
    CHECK(*c.state.form->slot == utc(2026, 12, 1, 9));
  }
  SECTION("an unknown zone changes nothing") {
    CHECK(c.engine->place_visitor(c.state, std::string{"Mars/Olympus"}, std::nullopt));
    CHECK(c.state.visitor.time_zone == "America/New_York");
  }
}

TEST_CASE("dates as people write them are read, or asked about", "[messy]") {
  SECTION("3/12 at 2 with no locale: which order?") {
    chat c{berlin_engine(), utc(2026, 11, 30, 8)};
    fill_until(c, booking_field::slot);
    const reply r = c.say("3/12 at 2");
    // 12 March is beyond the 30-day horizon: the one bookable reading is taken, and said.
    REQUIRE(c.state.form->slot.has_value());
    CHECK(*c.state.form->slot == utc(2026, 12, 3, 13));
    CHECK_THAT(r.text, StartsWith("I read that date as Thu 3 Dec. Thu 3 Dec, 14:00"));
  }
  SECTION("both readings bookable: asked, with each as a button") {
    availability long_horizon;
    long_horizon.horizon_days = 200;
    chat c{make_engine(long_horizon)};
    fill_until(c, booking_field::slot);
    const reply r = c.say("3/12 at 2");
    CHECK_FALSE(c.state.form->slot.has_value());
    CHECK(r.text == "Do you mean Thu 3 Dec at 14:00 or Fri 12 Mar 2027 at 14:00?");
    CHECK(has_suggestion(r, "Fri 12 Mar 2027 at 14:00"));
    c.say("Fri 12 Mar 2027 at 14:00");
    REQUIRE(c.state.form->slot.has_value());
    CHECK(*c.state.form->slot == utc(2027, 3, 12, 13));
  }
  SECTION("a US locale settles it") {
    availability long_horizon;
    long_horizon.horizon_days = 200;
    chat c{make_engine(long_horizon)};
    c.state.visitor.locale = "en-US";
    fill_until(c, booking_field::slot);
    c.say("3/12 at 2");
    REQUIRE(c.state.form->slot.has_value());
    CHECK(*c.state.form->slot == utc(2027, 3, 12, 13));
  }
  SECTION("4.12. 11:00") {
    chat c;
    fill_until(c, booking_field::slot);
    c.say("4.12. 11:00");
    REQUIRE(c.state.form->slot.has_value());
    CHECK(*c.state.form->slot == utc(2026, 12, 4, 10));
  }
  SECTION("the 4th at 11 is the 4th, not today") {
    chat c;
    fill_until(c, booking_field::slot);
    c.say("the 4th at 11");
    REQUIRE(c.state.form->slot.has_value());
    CHECK(*c.state.form->slot == utc(2026, 12, 4, 10));
  }
  SECTION("mid December offers slots in it") {
    chat c;
    fill_until(c, booking_field::slot);
    const reply r = c.say("mid December please");
    CHECK_FALSE(c.state.form->slot.has_value());
    CHECK_THAT(r.text,
               StartsWith("Here are 4 free 30-minute slots between Fri 11 Dec and Sun 20 Dec."));
    CHECK_THAT(r.suggestions.front(), StartsWith("Fri 11 Dec, 09:00"));
  }
  SECTION("next tuesday afternoon offers that afternoon, books nothing") {
    chat c;
    fill_until(c, booking_field::slot);
    const reply r = c.say("next tuesday afternoon");
    CHECK_FALSE(c.state.form->slot.has_value());
    CHECK_THAT(r.text,
               StartsWith("Here are 4 free 30-minute slots on Tue 1 Dec in the afternoon."));
    CHECK(r.suggestions.front() == "Tue 1 Dec, 12:00 (Europe/Berlin)");
    c.say(r.suggestions[1]);
    REQUIRE(c.state.form->slot.has_value());
    CHECK(*c.state.form->slot == utc(2026, 12, 1, 11, 30));
  }
}

TEST_CASE("several fields in one message are all kept", "[messy]") {
  SECTION("name and email at the name step") {
    chat c;
    c.say("Book a free consultation");
    const reply r = c.say("my name is Joe Park and my email is joe@park.dev");
    CHECK(c.state.form->name == "Joe Park");
    CHECK(c.state.form->email == "joe@park.dev");
    CHECK(r.form->field == "company");
    CHECK_THAT(r.text, StartsWith("Thanks. I've noted your name and your email address."));
  }
  SECTION("everything in the first message") {
    chat c;
    const reply r = c.say(
        "Hi, I'm Sarah Kim from Northwind Labs, sarah@northwind.io. We'd like a call about "
        "moving our API to Python, friday at 10 would be great.");
    CHECK(r.intent == intent::book_consultation);
    REQUIRE(c.state.form.has_value());
    CHECK(c.state.form->name == "Sarah Kim");
    CHECK(c.state.form->company == "Northwind Labs");
    CHECK(c.state.form->email == "sarah@northwind.io");
    CHECK(c.state.form->project == "moving our API to Python");
    REQUIRE(c.state.form->slot.has_value());
    CHECK(*c.state.form->slot == utc(2026, 12, 4, 9));
    CHECK(r.form->field == "consent");
    CHECK_THAT(r.text, Contains("I've noted your name, your company, your email address and "
                                "what the project is about, and Fri 4 Dec, 10:00 (Europe/Berlin) "
                                "for the call."));
  }
}

TEST_CASE("an answer with an email beside it: both are kept", "[messy]") {
  chat c;
  c.say("Book a free consultation");
  const reply r = c.say("Wei Ling Tan, weiling@gmail.co");
  CHECK(c.state.form->name == "Wei Ling Tan");
  CHECK(r.text == "Thanks. I've noted your name. Did you mean weiling@gmail.com?");
  c.say("yes");
  CHECK(c.state.form->email == "weiling@gmail.com");
  CHECK(c.field() == "company");
  SECTION("an introduction with the address in brackets") {
    chat first;
    first.say(
        "Can we talk? I'm Marco from Studio Rossi (marco@studiorossi.com), we need help "
        "choosing between Django and Express. Ideally the 15th around 11.");
    REQUIRE(first.state.form.has_value());
    CHECK(first.state.form->name == "Marco");
    CHECK(first.state.form->company == "Studio Rossi");
    CHECK(first.state.form->email == "marco@studiorossi.com");
    CHECK(first.state.form->slot == utc(2026, 12, 15, 10));
  }
}

TEST_CASE("a company is whatever the visitor says when asked for it", "[messy]") {
  chat c;
  fill_until(c, booking_field::company);
  reply r = c.say("What We Do Matters GmbH");
  CHECK(c.state.form->company == "What We Do Matters GmbH");
  CHECK(r.form->field == "project");
  SECTION("markup the understanding reads as a weak cancel is still the company") {
    // The weighting read this as a cancel at 0.14; the booking was cancelled.
    chat m;
    fill_until(m, booking_field::company);
    const reply markup = m.say("<img src=x onerror=alert(1)>");
    REQUIRE(m.state.form.has_value());
    CHECK(m.state.form->company == "<img src=x onerror=alert(1)>");
    REQUIRE(markup.form.has_value());
    CHECK(markup.form->field == "project");
  }
  r = c.say("An internal tool for our sales team");
  CHECK(c.state.form->project == "An internal tool for our sales team");
  CHECK(r.form->field == "slot");
  SECTION("a real question still gets its answer") {
    chat q;
    fill_until(q, booking_field::company);
    const reply answered = q.say("What is the GIL?");
    CHECK_FALSE(q.state.form->company.has_value());
    CHECK_THAT(answered.text, Contains("Now, back to your booking."));
  }
}

TEST_CASE("questions at the consent and the summary are answered", "[messy]") {
  chat c;
  fill_until(c, booking_field::consent);
  reply r = c.say("zoom or teams?");
  CHECK_THAT(r.text, StartsWith("You'll talk with one of our engineers over a video call"));
  CHECK_THAT(r.text, EndsWith("We use your details for nothing else."));
  CHECK(r.form->field == "consent");
  r = c.say("yes");
  CHECK(r.form->field == "confirm");
  r = c.say("how does the call happen?");
  CHECK_THAT(r.text, StartsWith("You'll talk with one of our engineers over a video call"));
  CHECK(r.form->field == "confirm");
  SECTION("the text is the consultancy's own") {
    availability hours;
    hours.meeting_details = "We meet on Google Meet; the link comes with the confirmation.";
    chat own{make_engine(hours)};
    fill_until(own, booking_field::consent);
    CHECK_THAT(own.say("is it on zoom?").text, StartsWith("We meet on Google Meet;"));
  }
}

TEST_CASE("a likely email typo gets a 'did you mean' the visitor can accept or overrule",
          "[messy]") {
  chat c;
  fill_until(c, booking_field::email);
  reply r = c.say("joe@gmial.com");
  CHECK(r.text == "Did you mean joe@gmail.com?");
  CHECK(r.form->field == "email");
  CHECK(has_suggestion(r, "Yes, joe@gmail.com"));
  CHECK(has_suggestion(r, "No, joe@gmial.com is right"));
  SECTION("accepted") {
    r = c.say("Yes, joe@gmail.com");
    CHECK(c.state.form->email == "joe@gmail.com");
    CHECK(r.form->field == "company");
  }
  SECTION("overruled") {
    r = c.say("No, joe@gmial.com is right");
    CHECK(c.state.form->email == "joe@gmial.com");
    CHECK(r.form->field == "company");
  }
  SECTION("another address is checked anew") {
    r = c.say("joe@work.example");
    CHECK(c.state.form->email == "joe@work.example");
  }
}

TEST_CASE("after a booking there is no offer to book again", "[messy]") {
  chat c;
  fill_until(c, booking_field::consent);
  c.say("yes");
  const reply confirm = c.say("yes, book it");
  REQUIRE(confirm.to_store.has_value());
  const reply done =
      c.engine->complete_booking(c.state, {booking_outcome::kind::stored, "ADV-TEST1"}, c.context);
  CHECK(done.booking.has_value());
  CHECK_FALSE(has_suggestion(done, "Book a free consultation"));
  const reply next = c.say("Which is better for streaming?");
  CHECK_FALSE(has_suggestion(next, "Book a free consultation"));
}

TEST_CASE("windows and offers on screen are read as the visitor meant them", "[messy]") {
  SECTION("any time after 3pm on Wednesday offers that afternoon from 15:00") {
    chat c;
    fill_until(c, booking_field::slot);
    const reply r = c.say("any time after 3pm on Wednesday");
    CHECK_FALSE(c.state.form->slot.has_value());
    CHECK_THAT(r.text, StartsWith("Here are 4 free 30-minute slots on Wed 2 Dec from 15:00."));
    CHECK(r.suggestions.front() == "Wed 2 Dec, 15:00 (Europe/Berlin)");
  }
  SECTION("a time without a day means the day the offers are on") {
    chat c;
    fill_until(c, booking_field::slot);
    c.say("thursday");
    REQUIRE_FALSE(c.state.form->slot.has_value());
    c.say("11:30 then");
    REQUIRE(c.state.form->slot.has_value());
    CHECK(*c.state.form->slot == utc(2026, 12, 3, 10, 30));
  }
  SECTION("a day far away starts in the visitor's waking hours") {
    chat c;
    c.state.visitor.time_zone = "America/Los_Angeles";
    fill_until(c, booking_field::slot);
    const reply r = c.say("thursday");
    CHECK(r.suggestions.front() == "Thu 3 Dec, 07:00 Los Angeles time (16:00 Berlin time)");
  }
  SECTION("a time in the first message waits while details are missing") {
    chat c;
    reply r = c.say("Can we get on a call next week? Email me: ravi@gamestudio.dev");
    CHECK(r.form->field == "name");
    r = c.say("Ravi");
    CHECK(c.state.form->name == "Ravi");
    CHECK(r.form->field == "company");
  }
}

TEST_CASE("after declining consent, yes opens a fresh form", "[messy]") {
  chat c;
  fill_until(c, booking_field::consent);
  c.say("no");
  REQUIRE_FALSE(c.state.form.has_value());
  const reply r = c.say("ok I changed my mind, yes");
  REQUIRE(r.form.has_value());
  CHECK(r.form->field == "name");
  CHECK(r.form->filled.empty());
}

TEST_CASE("what happens on the call is answered at the form's last steps", "[messy]") {
  chat c;
  fill_until(c, booking_field::consent);
  CHECK_THAT(c.say("what happens on the call?").text, StartsWith("You'll talk with one of our"));
  CHECK_THAT(c.say("who will I talk to?").text, StartsWith("You'll talk with one of our"));
  CHECK(c.field() == "consent");
}

TEST_CASE("a time typed at another question is the time, given early", "[messy]") {
  chat c;
  fill_until(c, booking_field::project);
  reply r = c.say("yes");
  CHECK(r.form->field == "project");
  CHECK_THAT(r.text, StartsWith("Tell me in a few words"));
  r = c.say("tuesday 3pm");
  CHECK_FALSE(c.state.form->project.has_value());
  REQUIRE(c.state.form->slot.has_value());
  CHECK(*c.state.form->slot == utc(2026, 12, 1, 14));
  CHECK(r.form->field == "project");
  r = c.say("A chat backend");
  CHECK(c.state.form->project == "A chat backend");
  CHECK(r.form->field == "consent");
  SECTION("a day alone may be a name") {
    chat company;
    fill_until(company, booking_field::company);
    company.say("Monday.com");
    CHECK(company.state.form->company == "Monday.com");
    CHECK_FALSE(company.state.form->slot.has_value());
  }
}

TEST_CASE("a date just gone is said to be gone, not read as next year", "[messy]") {
  // Saturday 5 December 2026, 12:00 in Berlin.
  chat c{berlin_engine(), utc(2026, 12, 5, 11)};
  fill_until(c, booking_field::slot);
  reply r = c.say("4.12. 11:00");
  CHECK_FALSE(c.state.form->slot.has_value());
  CHECK_THAT(r.text, StartsWith("That time has already passed."));
  r = c.say("4.12.2027 at 11");
  CHECK_THAT(r.text, StartsWith("That's too far ahead"));
}

TEST_CASE("the booking button pressed again is no name", "[messy]") {
  chat c;
  c.say("is the consultation on zoom?");
  REQUIRE_FALSE(c.state.form.has_value());  // an answer and an offer, no form yet
  c.say("Book a free consultation");
  const reply r = c.say("Book a free consultation");
  CHECK_FALSE(c.state.form->name.has_value());
  CHECK_THAT(r.text, StartsWith("We're already booking your consultation."));
}

TEST_CASE("a question about the free call is answered, and the call offered", "[messy]") {
  chat c;
  const reply r = c.say("What does a discovery call with you look like?");
  CHECK_FALSE(c.state.form.has_value());  // an answer and an offer, no form yet
  CHECK_THAT(r.text, StartsWith("Our first consultation is free"));
  CHECK_THAT(r.text, Contains("over a video call"));
  CHECK_THAT(r.text, EndsWith("Shall I book one for you?"));
}
