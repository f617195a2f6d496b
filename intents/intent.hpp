#pragma once
// What a message asks for: the protocol's intent names, spelled here and nowhere else in the
// code. intents.json names its intents with these words; replies carry them on the wire.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace advisor::intents {

enum class intent : std::uint8_t {
  greeting,
  thanks,
  goodbye,
  help,
  smalltalk,
  compare,  // which technology for a need, or a general comparison
  explain,  // a question about one topic ("what is the GIL?")
  book_consultation,
  cancel,
  out_of_scope,  // understood, but outside the guide ("Go versus Rust")
  fallback,      // not understood
  clarify,       // the answer asks which of two close readings was meant (dialogue/, not rules)
};

// Each intent's name as docs/protocol.md spells it, in the enum's order.
inline constexpr std::array<std::string_view, 12> intent_wire_names{
    "greeting",          "thanks", "goodbye",      "help",     "smalltalk", "compare", "explain",
    "book_consultation", "cancel", "out_of_scope", "fallback", "clarify"};
inline constexpr std::size_t intent_count = intent_wire_names.size();
static_assert(static_cast<std::size_t>(intent::clarify) + 1 == intent_count,
              "intent_wire_names lists every intent, in order");

constexpr std::string_view to_string(intent i) {
  return intent_wire_names[static_cast<std::size_t>(i)];
}

// The intent a name spells; none for a word that is no intent.
constexpr std::optional<intent> parse_intent(std::string_view name) {
  for (std::size_t i = 0; i < intent_count; ++i) {
    if (intent_wire_names[i] == name) return static_cast<intent>(i);
  }
  return std::nullopt;
}

// Whether intents.json must define the intent: all but the dialogue's own `clarify`.
constexpr bool read_by_rules(intent i) {
  return i != intent::clarify;
}

}  // namespace advisor::intents
