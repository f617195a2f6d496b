#include "intents/booking_status.hpp"

#include <re2/re2.h>

namespace advisor::intents {
namespace {

// On plain words (lower case, no apostrophes, one space between words). Each alternative
// names the booking and asks whether it happened, or asks for its reference. The words of one
// question are close together: a post about an appointment plugin ("a salon receives an
// appointment ... there was a double booking ... modify the booked date") asks no such thing.
constexpr std::string_view status_pattern =
    // "did my booking go through", "has the appointment been confirmed"
    R"(\b(did|has|have|is|was|were)( \w+){0,3} (booking|appointment|consultation|reservation))"
    R"(( \w+){0,3} (go through|gone through|went through|work|worked|succeed|succeeded|)"
    R"(successful|confirmed|booked|saved|received|registered|complete|completed)\b)"
    // "did you get my booking", "did you receive the booking"
    R"(|\bdid you (get|receive|save|book) (my|the|our) (booking|appointment|consultation|call)\b)"
    // "am I booked", "are we booked in"
    R"(|\b(am i|are we) (booked|confirmed|registered)\b)"
    // "what is my reference", "booking reference", "my confirmation"
    R"(|\b(my|our|the) (booking )?(reference|confirmation)( number| code)?\b)"
    R"(|\bbooking (status|reference|confirmation)\b)"
    // "did it go through?" right after a confirmation that did not arrive
    R"(|\bdid (it|that) go through\b)";

const re2::RE2& status_question() {
  static const re2::RE2 compiled{std::string{status_pattern}};
  return compiled;
}

}  // namespace

bool asks_booking_status(std::string_view plain) {
  return re2::RE2::PartialMatch(plain, status_question());
}

}  // namespace advisor::intents
