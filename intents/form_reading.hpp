#pragma once
// How a visitor's words fill a form: yes/no/skip/cancel, field answers and their checks, and
// the corrections typed in between ("actually my email is ...", "change the time"). Text is
// read here, in intents/; the booking form (dialogue/) acts on what these readers return.
// Messages a visitor sees are pinned by tests/unit/booking_test.cpp; they never echo an email.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace advisor::intents {

// The booking form's fields in the order they are asked; `confirm` is the summary step.
enum class booking_field { name, email, company, project, slot, consent, confirm };

// Lower case, apostrophes dropped ("don't" -> "dont"), every other run of non-letters and
// non-digits one space, trimmed. Bytes of non-ASCII letters are kept.
std::string plain_words(std::string_view text);

enum class yes_no { neither, yes, no };
yes_no read_yes_no(std::string_view plain);
bool is_skip(std::string_view plain);    // "skip", "none", "no company", ...
bool is_cancel(std::string_view plain);  // "cancel", "never mind", "stop", ...

// A field's answer after its check: `problem` is empty when `value` is good.
struct checked {
  std::string value;
  std::string problem;  // one sentence, shown to the visitor before the question again
  bool ok() const { return problem.empty(); }
};

checked check_name(std::string_view text);     // "my name is Ada" -> "Ada"
checked check_email(std::string_view text);    // the first word holding '@', or the text
checked check_company(std::string_view text);  // "I work at Acme" -> "Acme"
checked check_project(std::string_view text);

// The first word holding an '@', without surrounding punctuation.
std::optional<std::string> find_email(std::string_view text);

// A likely typo of a common mail domain ("joe@gmial.com" -> "joe@gmail.com"), for a
// "did you mean" the visitor can accept or overrule; nullopt when the domain looks right.
std::optional<std::string> suggest_email(std::string_view email);

// A correction or change typed while the form is open.
struct field_edit {
  booking_field field = booking_field::name;
  std::optional<std::string> value;  // "my email is x@y.com": set it; "change the time": ask it
};

// The correction patterns (RE2, case-insensitive), compiled once with the engine.
class edit_grammar {
 public:
  edit_grammar();
  ~edit_grammar();
  edit_grammar(const edit_grammar&) = delete;
  edit_grammar& operator=(const edit_grammar&) = delete;

  std::optional<field_edit> match(std::string_view text) const;
  // Every field a message gives, in any order, each once (the first wins): "I'm Sarah Kim from
  // Northwind, sarah@northwind.io, we'd like a call about our API on friday at 10". The slot's
  // value is the words that name the time; values are unchecked. With `asked`, the field the
  // form asks now (name, company or project), one clause no pattern reads beside an email is
  // its answer ("Wei Ling Tan, weiling@example.com").
  std::vector<field_edit> fields(std::string_view text,
                                 std::optional<booking_field> asked = std::nullopt) const;
  // "how about ...", "make it ...", "... instead": a new time offered outside the slot step.
  bool proposes_instead(std::string_view text) const;

 private:
  std::unique_ptr<re2::RE2> wrong_;
  std::unique_ptr<re2::RE2> set_;
  std::unique_ptr<re2::RE2> change_to_;
  std::unique_ptr<re2::RE2> labelled_;
  std::unique_ptr<re2::RE2> go_;
  std::unique_ptr<re2::RE2> other_slot_;
  std::unique_ptr<re2::RE2> instead_;
  std::unique_ptr<re2::RE2> introduction_;
  std::unique_ptr<re2::RE2> works_at_;
  std::unique_ptr<re2::RE2> call_about_;
};

}  // namespace advisor::intents
