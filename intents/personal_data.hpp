#pragma once
// Masks what identifies a person in a visitor's message before it is kept for review (the
// console's "To review" list): email addresses, phone numbers and names introduced as names
// ("my name is ...", "I'm Sarah Kim", "this is ..."). Pure text understanding: no I/O.

#include <string>
#include <string_view>

namespace advisor::intents {

// `text` with each email as "[email]", each phone number (7 digits or more, with the usual
// separators) as "[phone]" and each introduced name as "[name]". The rest is kept as typed.
std::string mask_personal(std::string_view text);

// The key that groups masked messages which say the same thing: folded case and punctuation,
// words separated by single spaces ("What about  Rust?" and "what about rust" meet).
std::string review_key(std::string_view masked);

}  // namespace advisor::intents
