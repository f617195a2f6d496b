#pragma once
// Public facade of the understanding layer: text in, intent + slots out.
// Pure: compiled from file contents handed in by the caller; no I/O here.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "intents/form_reading.hpp"
#include "intents/intent.hpp"
#include "intents/text_file.hpp"

namespace advisor::intents {

// What was taken out of the text besides the intent.
struct slots {
  std::vector<std::string> technologies;  // canonical ids in order of mention: "node", "python"
  std::vector<std::string> topics;        // topic ids from the lexicon, e.g. "streaming", "ml"
  // Those of them that only a framework's name brings when a concept is asked beside it
  // ("will the GIL slow down my Flask API?": "frameworks"): where the code runs, not the question.
  std::vector<std::string> by_name;
  // Technologies the guide does not cover, as named: "go", "rust", "laravel", "redis", ...
  std::vector<std::string> other_technologies;
  // Those of them that are the project's surroundings, not options: a UI framework, a database
  // or a cloud (intents.json context_kinds) not set against anything ("our React team").
  std::vector<std::string> context_technologies;
  std::optional<std::string> email;
  std::optional<std::string> person_name;  // "my name is Ada Lovelace" -> "Ada Lovelace"
  std::optional<std::string> date_text;    // a date/time expression as typed, for the booking form
  // Technologies set against each other in the asking sentence ("django or fastapi"), each
  // as named (a framework keeps its own name): what decides whether the guide covers it.
  std::vector<std::pair<std::string, std::string>> compared;
};

struct understanding {
  intents::intent intent = intents::intent::fallback;
  double confidence = 0.0;  // 0..1
  slots found;
  std::string normalized;  // the text after normalization and typo correction
  // Set when the text is a follow-up to the previous answer rather than a question of its
  // own; `intent` stays what it is (a "what about ML?" follow-up is `compare`).
  // Values come from intents.json: "why" ("why?"), "which" ("so which one?"),
  // "topic" ("what about for ML?", "and for a beginner?"); empty when not a follow-up.
  std::string follow_up;
  bool question = false;  // a '?' or a leading question word: the user asked something
  // The rules' own numbers. With weights.json the confidence is the learned probability and
  // `margin` its lead over the runner-up's; without, both come from the scores (intents.json
  // "calibration").
  double score = 0.0;     // the chosen intent's score (patterns and evidence)
  double margin = 0.0;    // how far it is ahead of the runner-up
  std::size_t words = 0;  // words in the message
  // The learned weighting's second reading and its probability; none and 0 without
  // weights.json, for `fallback`, and when a lead won outright.
  std::optional<intents::intent> runner_up;
  double runner_up_confidence = 0.0;
  // The two readings are closer than weights.json's "clarify_margins" and intents.json's
  // "clarify" lists them, in this order, as a choice a visitor can make: rather than guess,
  // the answer may ask which was meant (dialogue/ decides whether it does).
  bool unsure = false;
  // Named cues found in the text ("together": both technologies side by side, "price", ...);
  // intents.json's "cues" section says which patterns set each one.
  std::vector<std::string> cues;
  // What a follow-up is about once its leading words are gone ("and what about security?" ->
  // "security"), and what a "for ..." phrase names ("node or python for security" ->
  // "security"); empty when it is the project itself, a pronoun, or nothing.
  std::string subject;
  std::string asked_for;
  // Where a move asked about goes ("is it worth rewriting our Flask server in Node?" -> "node"):
  // the side a yes/no question about the move is about. Empty without a move.
  std::string moving_to;
  // The whole text read as an answer to a yes/no question ("sure", "nope"), and whether it asks
  // after a booking already made ("did my booking go through?"): what the conversation around
  // the booking form acts on.
  yes_no yes_or_no = yes_no::neither;
  bool asks_booking_status = false;
  bool has_cue(std::string_view cue) const {
    for (const auto& c : cues) {
      if (c == cue) return true;
    }
    return false;
  }
};

// Cues the code reads (the sentence weighing and the answers); intents.json's "cues" must
// define each (checked when it is loaded).
namespace cue {
inline constexpr std::string_view asks = "asks";              // a sentence that asks or requests
inline constexpr std::string_view background = "background";  // one that says what already is
inline constexpr std::string_view price = "price";            // asks what something costs
inline constexpr std::string_view timeline = "timeline";      // asks how long or when the work is
// Asks about the consultancy itself: its team, size, place, past work ("where are you based?").
inline constexpr std::string_view about_us = "about_us";
inline constexpr std::string_view adding = "adding";            // adds a need ("and chat too")
inline constexpr std::string_view replacing = "replacing";      // replaces one ("ML instead")
inline constexpr std::string_view refers_back = "refers_back";  // "the API around it": same project
inline constexpr std::string_view strengths = "strengths";      // asks for good sides
inline constexpr std::string_view weaknesses = "weaknesses";    // asks for weak sides
inline constexpr std::string_view how_are_you = "how_are_you";
inline constexpr std::string_view about_bot = "about_bot";
inline constexpr std::string_view joke = "joke";
// A yes/no question about Node.js or Python ("is node good for ml?"); not when alternatives
// are offered ("is node or python better?"), which is a choice.
inline constexpr std::string_view polar = "polar";
inline constexpr std::string_view alternatives = "alternatives";
// It asks which or what ("we are Python people, which backend?"): an answer, not a yes.
inline constexpr std::string_view open_question = "open_question";
// The question asks after a weakness ("is python slower ...?", "will it block node?"): a
// "yes" means the other side wins.
inline constexpr std::string_view inverse = "inverse";
inline constexpr std::string_view career = "career";  // jobs, salaries, learning paths
// The writer offers their own work (an agency's or a freelancer's pitch): no lead.
inline constexpr std::string_view offers_work = "offers_work";
inline constexpr std::string_view trouble = "trouble";  // an error, a crash, something broken
inline constexpr std::string_view howto = "howto";      // how to do something in one framework
// How the consultation call is held: its medium ("zoom", "by phone"), length or place.
inline constexpr std::string_view meeting = "meeting";
// Asks about the consultation call itself ("what does a discovery call look like?"): a lead.
inline constexpr std::string_view call_question = "call_question";
// Moves a project or a part between the sides; optional (without it nothing is a move).
inline constexpr std::string_view migrate = "migrate";
// Picks one reading offered by a clarifying question ("Compare Node.js and Python for it").
inline constexpr std::string_view picks_reading = "picks_reading";
// Picks an offered reading by its place: "the first one", "option 2", "the latter".
inline constexpr std::string_view first_choice = "first_choice";
inline constexpr std::string_view second_choice = "second_choice";
inline constexpr std::string_view required[] = {
    asks,          background,  price,        adding,   replacing,     refers_back,  strengths,
    weaknesses,    how_are_you, about_bot,    joke,     career,        trouble,      howto,
    meeting,       polar,       alternatives, inverse,  picks_reading, first_choice, second_choice,
    open_question, offers_work, timeline,     about_us, call_question};
}  // namespace cue

// The visitor asks how the consultation call happens or what it is ("zoom or teams?").
inline bool asks_about_the_call(const understanding& understood) {
  return understood.has_cue(cue::meeting) || understood.has_cue(cue::call_question);
}

class understander;  // defined by the implementation (see understander.hpp)
using understander_ptr = std::shared_ptr<const understander>;

// Compiles the intent patterns and the lexicon, and the learned weighting when `weights`
// (weights.json) is given. Every error names file and line.
std::variant<understander_ptr, load_error> compile_understander(const text_file& intents_json,
                                                                const text_file& lexicon,
                                                                const text_file* weights = nullptr);

// understander::understand(std::string_view text) const -> understanding
// is the one call the rest of the program makes per message; it is thread-safe.

}  // namespace advisor::intents
