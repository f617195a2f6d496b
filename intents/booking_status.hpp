#pragma once
// "Did my booking go through?", "is my appointment confirmed?", "what's my reference?": a
// visitor asking what became of a booking (after a confirmation that never arrived, say). The
// conversation answers from the booking it remembers (dialogue/engine.cpp).

#include <string_view>

namespace advisor::intents {

// `plain` is intents::plain_words of the message.
bool asks_booking_status(std::string_view plain);

}  // namespace advisor::intents
