#pragma once
// Answers outside the booking form: one reply per understood message, composed from the
// guide's facts, and the conversation memory that follow-ups are resolved against
// (conversation::last_topics, last_technologies, last_recommendation, needs).

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dialogue/engine.hpp"
#include "intents/understanding.hpp"
#include "knowledge/knowledge.hpp"

namespace advisor::dialogue {

// The reply to `understood`; updates the follow-up memory in `state` (last_*, needs).
// compare: a recommendation (node/python/hybrid/depends) for the needs asked, or for the
// ones discussed when it is a follow-up ("why?", "so which one?", "what about ML?");
// explain: the guide's sentences on the topic; out_of_scope and fallback: honest, with what
// the bot can do; greeting, thanks, goodbye, help, smalltalk: short and in context.
reply answer(const knowledge::knowledge_base& knowledge, const intents::understanding& understood,
             conversation& state);

// A lead that also asks something technical ("we need ML in our chat app, can your team build
// it?"): one sentence on what the guide recommends for the needs named, with the verdict and
// the sentence it rests on; nullopt when the message names no need the guide weighs.
struct technical_part {
  std::string text;
  std::string verdict;
  std::vector<source> sources;
};
std::optional<technical_part> technical_side(const knowledge::knowledge_base& knowledge,
                                             const intents::understanding& understood);

// The reply asking which of two close readings was meant (understanding::unsure): one short
// question naming both, the likelier first, and one quick reply for each that is understood
// as that reading, with the cue picks_reading, when sent back.
reply clarify(const intents::understanding& understood);

// Quick replies shown when nothing more specific applies.
std::vector<std::string> default_suggestions();
// The quick reply that opens the booking form; not offered once a booking is made.
inline constexpr std::string_view book_suggestion = "Book a free consultation";
// default_suggestions() without the booking one.
std::vector<std::string> suggestions_after_booking();

// Every quick reply answer() can offer, with the intent (and follow-up cue) it must be
// understood as when the visitor sends it back; tests hold the understander to this.
struct quick_reply {
  std::string_view text;
  intents::intent intent;
  std::string_view follow_up;  // "" when not a follow-up
};
std::span<const quick_reply> quick_replies();

}  // namespace advisor::dialogue
