// The booking form's readers in intents/: times with zones and dates as people write them,
// several fields in one message, email typos.

#include <catch2/catch.hpp>

#include <date/date.h>

#include "intents/booking_status.hpp"
#include "intents/form_reading.hpp"
#include "intents/time_reading.hpp"

namespace {

using namespace advisor::intents;
using hrs = std::chrono::hours;
using mins = std::chrono::minutes;

date::local_days local_date(int y, unsigned m, unsigned d) {
  return date::local_days{date::year{y} / date::month{m} / date::day{d}};
}

// Wednesday 2 December 2026.
const date::local_days wednesday = local_date(2026, 12, 2);

time_request read(std::string_view text, std::size_t offered = 0,
                  date_order order = date_order::unknown) {
  return parse_time_request(text, wednesday, offered, order);
}

std::optional<std::string> field_value(const std::vector<field_edit>& fields, booking_field f) {
  for (const auto& e : fields) {
    if (e.field == f) return e.value;
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("a time typed with a zone or a city keeps the zone", "[intents][time]") {
  CHECK(read("10am EST").zone == "America/New_York");
  CHECK(read("10am EST").time == hrs{10});
  CHECK(read("tomorrow at 9:30 pst").zone == "America/Los_Angeles");
  CHECK(read("3pm UK time").zone == "Europe/London");
  CHECK(read("3pm UK time").time == hrs{15});
  CHECK(read("I meant 10am New York time").zone == "America/New_York");
  CHECK(read("friday 2pm Lisbon time").zone == "Europe/Lisbon");
  CHECK(read("14:00 CET").zone == "Europe/Berlin");
  CHECK(read("11 am eastern time").zone == "America/New_York");
  CHECK(read("at 4 sao paulo time").zone == "America/Sao_Paulo");
  CHECK(read("11am Boston time").zone == "America/New_York");
  CHECK(read("6pm Bangalore time").zone == "Asia/Kolkata");
  CHECK(read("9 am san francisco time").zone == "America/Los_Angeles");
  SECTION("only where it is a zone") {
    CHECK_FALSE(read("any time on friday").zone.has_value());
    CHECK_FALSE(read("what time works").zone.has_value());
    CHECK_FALSE(read("est").zone.has_value());  // no time before it
  }
  SECTION("a zone alone is a request of its own") {
    const auto r = read("I meant Chicago time");
    CHECK(r.zone == "America/Chicago");
    CHECK_FALSE(r.time.has_value());
    CHECK_FALSE(r.empty());
  }
}

TEST_CASE("dates as people write them", "[intents][time]") {
  SECTION("a day of the month alone is the next such day, with its time") {
    const auto r = read("the 4th at 11");
    CHECK(r.day == local_date(2026, 12, 4));
    CHECK(r.time == hrs{11});
    CHECK(read("on the 1st at 10").day == local_date(2027, 1, 1));
    CHECK(read("the 31st at 10").day == local_date(2026, 12, 31));
  }
  SECTION("but a position among the offered slots when no time goes with it") {
    CHECK(read("the 2nd one", 4).pick == 2u);
    CHECK(read("the 3rd please", 4).pick == 3u);
  }
  SECTION("part of a month") {
    auto r = read("mid February");
    CHECK(r.day == local_date(2027, 2, 11));
    CHECK(r.days == 10);
    r = read("early january please");
    CHECK(r.day == local_date(2027, 1, 1));
    r = read("end of December");
    CHECK(r.day == local_date(2026, 12, 21));
    CHECK(r.days == 11);
    r = read("sometime in March");
    CHECK(r.day == local_date(2027, 3, 1));
    CHECK(r.days == 31);
    CHECK(read("may I ask something").empty());  // "may" is no month here
  }
  SECTION("parts of a week") {
    CHECK(read("next week").day == local_date(2026, 12, 7));
    CHECK(read("next week").days == 7);
    CHECK(read("early next week").day == local_date(2026, 12, 7));
    CHECK(read("early next week").days == 3);
    CHECK(read("end of next week").day == local_date(2026, 12, 10));
    CHECK(read("end of next week").days == 4);
    CHECK(read("later this week").day == local_date(2026, 12, 3));
    CHECK(read("this week").day == wednesday);
    CHECK(read("this week").days == 5);
  }
  SECTION("numeric dates: dots are day first") {
    const auto r = read("4.12. 11:00");
    CHECK(r.day == local_date(2026, 12, 4));
    CHECK(r.time == hrs{11});
    CHECK(read("4.12.2026 at 10").day == local_date(2026, 12, 4));
    CHECK(read("at 14.30").time == hrs{14} + mins{30});
  }
  SECTION("slashes follow the locale, else both readings come back") {
    CHECK(read("3/12 at 2", 0, date_order::day_first).day == local_date(2026, 12, 3));
    CHECK(read("12/3 at 2", 0, date_order::month_first).day == local_date(2026, 12, 3));
    CHECK(read("3/12 at 2", 0, date_order::month_first).day == local_date(2027, 3, 12));
    const auto r = read("3/12 at 2");
    REQUIRE(r.either.has_value());
    CHECK_FALSE(r.day.has_value());
    CHECK(r.time == hrs{14});
    CHECK(read("25/12").day == local_date(2026, 12, 25));  // only one order is a date
    CHECK(read("12/25").day == local_date(2026, 12, 25));
  }
  SECTION("the locale's order") {
    CHECK(date_order_of("en-US") == date_order::month_first);
    CHECK(date_order_of("en-GB") == date_order::day_first);
    CHECK(date_order_of("de-DE") == date_order::day_first);
    CHECK(date_order_of("ja") == date_order::month_first);
    CHECK(date_order_of("") == date_order::unknown);
    CHECK(date_order_of("en") == date_order::unknown);
  }
  SECTION("clock words") {
    CHECK(read("Thursday at half past ten").time == hrs{10} + mins{30});
    CHECK(read("quarter past 2").time == hrs{14} + mins{15});
    CHECK(read("quarter to three pm").time == hrs{14} + mins{45});
    CHECK(read("at ten").time == hrs{10});
    CHECK(read("10:30 Eastern").zone == "America/New_York");
    CHECK(read("the 10th at 3:30").time == hrs{15} + mins{30});
    CHECK(read("at 03:30").time == hrs{3} + mins{30});
  }
  SECTION("a window is no pick of the earliest slot") {
    const auto r = read("any time after 3pm on Wednesday");
    CHECK_FALSE(r.earliest);
    CHECK(r.after == hrs{15});
    CHECK_FALSE(r.time.has_value());
    CHECK(r.day == local_date(2026, 12, 9));
    CHECK(read("any time").earliest);
  }
  SECTION("parts of the day stay parts: the form offers what is free in them") {
    const auto r = read("next tuesday afternoon");
    CHECK(r.day == local_date(2026, 12, 8));
    CHECK(r.part == day_part::afternoon);
    CHECK_FALSE(r.time.has_value());
  }
}

TEST_CASE("several fields in one message, in any order", "[intents][form]") {
  const edit_grammar grammar;
  SECTION("everything in a first message") {
    const auto f = grammar.fields(
        "Hi, I'm Sarah Kim from Northwind Labs. sarah@northwind.io - we'd like a call about "
        "moving our API to Python on friday at 10");
    CHECK(field_value(f, booking_field::name) == "Sarah Kim");
    CHECK(field_value(f, booking_field::company) == "Northwind Labs");
    CHECK(field_value(f, booking_field::email) == "sarah@northwind.io");
    CHECK(field_value(f, booking_field::project) == "moving our API to Python");
  }
  SECTION("name and email") {
    const auto f = grammar.fields("my name is Joe Park and my email is joe@park.dev");
    CHECK(field_value(f, booking_field::name) == "Joe Park");
    CHECK(field_value(f, booking_field::email) == "joe@park.dev");
  }
  SECTION("lower case labels") {
    const auto f = grammar.fields("name: li wei, company: acme, email li@acme.cn");
    CHECK(field_value(f, booking_field::name) == "li wei");
    CHECK(field_value(f, booking_field::company) == "acme");
    CHECK(field_value(f, booking_field::email) == "li@acme.cn");
  }
  SECTION("not a name") {
    CHECK(grammar.fields("I'm looking for advice on Node").empty());
    CHECK(grammar.fields("What We Do Matters GmbH").empty());
  }
}

TEST_CASE("a likely typo in a common mail domain gets a suggestion", "[intents][form]") {
  CHECK(suggest_email("joe@gmial.com") == "joe@gmail.com");
  CHECK(suggest_email("joe@hotmial.com") == "joe@hotmail.com");
  CHECK(suggest_email("joe@gmail.con") == "joe@gmail.com");
  CHECK(suggest_email("joe@yaho.com") == "joe@yahoo.com");
  CHECK(suggest_email("joe@outlok.com") == "joe@outlook.com");
  SECTION("real domains are left alone") {
    CHECK_FALSE(suggest_email("joe@gmail.com").has_value());
    CHECK_FALSE(suggest_email("joe@yahoo.fr").has_value());
    CHECK_FALSE(suggest_email("joe@gmx.at").has_value());
    CHECK_FALSE(suggest_email("joe@northwind.io").has_value());
    CHECK_FALSE(suggest_email("joe@mail.de").has_value());
  }
}

TEST_CASE("a field of only invisible characters is empty", "[intents][form]") {
  const std::string zero_width = "\u200B\u200C\u200D\u2060";
  const std::string no_break = "\u00A0\uFEFF\u202F\u3000";
  CHECK(check_name(zero_width).problem == "I didn't catch a name.");
  CHECK(check_name(no_break).problem == "I didn't catch a name.");
  CHECK(check_name(". \u200B \u00A0.").problem == "I didn't catch a name.");
  CHECK(check_email(zero_width).problem == "I didn't catch an email address.");
  CHECK(check_company(no_break).problem == "I didn't catch the company's name.");
  CHECK_FALSE(check_project(zero_width + "ab").ok());

  SECTION("invisible characters around a value are dropped") {
    CHECK(check_name("\uFEFFAda Lovelace\u200B").value == "Ada Lovelace");
    CHECK(check_email("\u00A0ada@example.com\u200B").value == "ada@example.com");
    CHECK(check_company("\u2003Acme\u2003").value == "Acme");
  }
}

TEST_CASE("control characters in a field are refused with a reason", "[intents][form]") {
  const std::string reason =
      " has characters that can't be typed (a line break, tab or other control character); "
      "please type it on one line.";
  CHECK(check_name(std::string{"Ada\0Lovelace", 12}).problem == "That name" + reason);
  CHECK(check_name("Ada\x1B[2J").problem == "That name" + reason);
  CHECK(check_name("Ada\rMallory").problem == "That name" + reason);
  CHECK(check_name("Ada\u0085").problem == "That name" + reason);
  CHECK(check_email("ada\x1B@example.com").problem == "That email address" + reason);
  CHECK(check_company("Acme\nEvil Corp").problem == "That company name" + reason);
  CHECK(check_project("An API\x07 for our shop").problem == "That description" + reason);

  SECTION("white space around the answer is not a control character") {
    CHECK(check_name("\tAda Lovelace\r\n").ok());
  }
}

TEST_CASE("questions about a booking made", "[intents][booking]") {
  for (const char* asked :
       {"did my booking go through?", "Did my booking go through",
        "has my appointment been confirmed?", "was the booking successful?",
        "did you get my booking?", "am I booked?", "what's my booking reference?",
        "what is my reference number", "booking status?", "did it go through?",
        "Is my consultation booked?"}) {
    INFO(asked);
    CHECK(asks_booking_status(plain_words(asked)));
  }
  for (const char* other :
       {"book a call", "is the consultation free?", "does it work with django?",
        "how does the consultation happen?", "yes", "Node or Python for booking systems?",
        "I want to book a consultation about my API",
        "Is there a way for a salon that receives an appointment by phone to add it? There was a "
        "double booking by phone and site: it would be great to modify the booked date."}) {
    INFO(other);
    CHECK_FALSE(asks_booking_status(plain_words(other)));
  }
}
