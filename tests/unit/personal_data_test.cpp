// The masking of visitors' messages before they are kept for review (issue 10): what
// identifies a person goes, what the question is about stays.

#include <catch2/catch.hpp>

#include "intents/personal_data.hpp"

using advisor::intents::mask_personal;
using advisor::intents::review_key;

TEST_CASE("emails are masked", "[personal_data]") {
  CHECK(mask_personal("write to sarah.kim+ads@north-wind.co.uk please") ==
        "write to [email] please");
  CHECK(mask_personal("a@b.io, c@d.com") == "[email], [email]");
}

TEST_CASE("phone numbers are masked, times and years are not", "[personal_data]") {
  CHECK(mask_personal("call me on +49 30 1234567") == "call me on [phone]");
  CHECK(mask_personal("my number: (555) 123-4567.") == "my number: [phone].");
  CHECK(mask_personal("0151/2345678 anytime") == "[phone] anytime");
  CHECK(mask_personal("at 10:30 on 3.12.2026 with 25 users") ==
        "at 10:30 on 3.12.2026 with 25 users");
  CHECK(mask_personal("node 20 or python 3.12") == "node 20 or python 3.12");
}

TEST_CASE("names introduced as names are masked", "[personal_data]") {
  CHECK(mask_personal("Hi, my name is sarah kim and I need an API") ==
        "Hi, my name is [name] and I need an API");
  CHECK(mask_personal("I'm Sarah Kim from Northwind, is python ok?") ==
        "I'm [name] from Northwind, is python ok?");
  CHECK(mask_personal("this is Bob. Rust or Go?") == "this is [name]. Rust or Go?");
  CHECK(mask_personal("Thanks, Maria") == "Thanks, [name]");
  CHECK(mask_personal("call me Ishmael") == "call me [name]");
}

TEST_CASE("sentences that only look like introductions are kept", "[personal_data]") {
  CHECK(mask_personal("I'm looking for a backend for streaming") ==
        "I'm looking for a backend for streaming");
  CHECK(mask_personal("I am building a chat app") == "I am building a chat app");
  CHECK(mask_personal("this is a question about django") == "this is a question about django");
  CHECK(mask_personal("what about rust?") == "what about rust?");
}

TEST_CASE("everything at once", "[personal_data]") {
  const auto masked = mask_personal(
      "I'm Sarah Kim from Northwind, sarah@northwind.io, +1 212 555 0199, what about Elixir?");
  CHECK(masked == "I'm [name] from Northwind, [email], [phone], what about Elixir?");
  CHECK(masked.find("Sarah") == std::string::npos);
  CHECK(masked.find("northwind.io") == std::string::npos);
  CHECK(masked.find("555") == std::string::npos);
}

TEST_CASE("the review key groups the same question however it was typed", "[personal_data]") {
  CHECK(review_key("What about  Rust?") == review_key("what about rust"));
  CHECK(review_key("What about Rust?") != review_key("what about go"));
  CHECK(review_key(mask_personal("my email is a@b.io")) ==
        review_key(mask_personal("My email is c@d.org!")));
}
