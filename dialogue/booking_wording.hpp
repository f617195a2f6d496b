#pragma once
// Wording shared by the booking form's files (booking_flow, booking_questions, booking_answers):
// internal to dialogue/, not an interface.

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dialogue/answers.hpp"
#include "dialogue/compose.hpp"
#include "intents/text.hpp"

namespace advisor::dialogue::booking_wording {

using compose::join;  // "a", "a and b", "a, b and c"

inline constexpr double form_confidence = 1.0;  // the form took the message as its answer
// conversation::last_intent after the confirmation (or its repetition): a "yes" then asks for
// the confirmation again rather than for anything new.
inline constexpr std::string_view confirmation_intent = "booking_confirmed";

using intents::text::among;

struct phrase {
  std::string_view key;
  std::string_view text;
};

template <std::size_t n>
std::optional<std::string_view> lookup(const std::array<phrase, n>& table, std::string_view key) {
  const auto it =
      std::find_if(table.begin(), table.end(), [&](const phrase& p) { return p.key == key; });
  if (it == table.end()) return std::nullopt;
  return it->text;
}

inline std::string join_sentences(std::string_view first, std::string_view second) {
  if (first.empty()) return std::string{second};
  if (second.empty()) return std::string{first};
  return std::string{first} + " " + std::string{second};
}

}  // namespace advisor::dialogue::booking_wording
