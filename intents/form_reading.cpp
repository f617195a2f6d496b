#include "intents/form_reading.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>
#include <vector>

#include <re2/re2.h>

#include "intents/text.hpp"
#include "intents/visible_text.hpp"

namespace advisor::intents {
namespace {

constexpr std::size_t max_email = 254;  // RFC 5321's limit on a path
constexpr std::size_t max_local_part = 64;
constexpr std::size_t max_name = 100;
constexpr std::size_t max_company = 200;
constexpr std::size_t min_project = 3;
constexpr std::size_t max_project = 1000;

bool ascii_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool ascii_digit(char c) {
  return c >= '0' && c <= '9';
}
bool non_ascii(char c) {
  return (static_cast<unsigned char>(c) & 0x80U) != 0;
}
// std::tolower in the "C" locale the program keeps, without a library call per character
// (plain_words lowers every message).
char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// A form answer may span lines: newlines are blank here too.
std::string_view trim(std::string_view s, std::string_view chars = " \t\r\n") {
  return text::trim(s, chars);
}

// `s` without invisible characters (zero-width, no-break spaces, BOM, ...) and `chars` at its
// ends, so that "\u200B." is as empty as "".
std::string_view trim_visible(std::string_view s, std::string_view chars) {
  for (;;) {
    const auto shorter = trim(trim_invisible(s), chars);
    if (shorter.size() == s.size()) return s;
    s = shorter;
  }
}

// The reason a field's answer is refused when it holds control characters anywhere but in the
// white space around it: pasted terminal codes, NUL or line breaks would otherwise reach the
// consultancy's screens and files.
std::string control_problem(std::string_view what) {
  return std::string{what} +
         " has characters that can't be typed (a line break, tab or other control "
         "character); please type it on one line.";
}

std::vector<std::string_view> words_of(std::string_view plain) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start < plain.size()) {
    auto end = plain.find(' ', start);
    if (end == std::string_view::npos) end = plain.size();
    if (end > start) out.push_back(plain.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

using text::among;
using text::count_characters;

// Whether `plain` has more than `limit` words (as words_of splits it).
bool more_words_than(std::string_view plain, std::size_t limit) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < plain.size(); ++i) {
    if (plain[i] != ' ' && (i == 0 || plain[i - 1] == ' ') && ++count > limit) return true;
  }
  return false;
}

bool starts_with_phrase(std::string_view plain, std::string_view phrase) {
  // The first letters are compared before the rest is: most phrases differ there already.
  if (!plain.empty() && !phrase.empty() && plain.front() != phrase.front()) return false;
  return plain.starts_with(phrase) &&
         (plain.size() == phrase.size() || plain[phrase.size()] == ' ');
}

template <std::size_t n>
bool starts_with_any(std::string_view plain, const std::array<std::string_view, n>& phrases) {
  return std::any_of(phrases.begin(), phrases.end(),
                     [&](std::string_view p) { return starts_with_phrase(plain, p); });
}

// Drops leading and trailing words that carry no answer ("oh", "please", "thanks").
constexpr std::array<std::string_view, 10> leading_filler{"oh", "well", "um",   "uh",       "hmm",
                                                          "ah", "so",   "then", "actually", "wait"};
constexpr std::array<std::string_view, 6> trailing_filler{"please", "thanks", "thank you",
                                                          "then",   "thx",    "again"};

std::string_view strip_filler(std::string_view plain) {
  bool changed = true;
  while (changed) {
    changed = false;
    for (const auto w : leading_filler) {
      if (starts_with_phrase(plain, w)) {
        plain = trim(plain.substr(w.size()));
        changed = true;
      }
    }
    for (const auto w : trailing_filler) {
      if (!plain.empty() && plain.back() == w.back() && plain.ends_with(w) &&
          (plain.size() == w.size() || plain[plain.size() - w.size() - 1] == ' ')) {
        plain = trim(plain.substr(0, plain.size() - w.size()));
        changed = true;
      }
    }
  }
  return plain;
}

constexpr std::array<std::string_view, 27> yes_first_words{
    "yes",       "y",     "yeah",   "yea",        "yep",         "yup",       "ya",
    "sure",      "ok",    "okay",   "k",          "correct",     "right",     "confirm",
    "confirmed", "agree", "agreed", "absolutely", "definitely",  "certainly", "perfect",
    "exactly",   "fine",  "great",  "alright",    "affirmative", "indeed"};
constexpr std::array<std::string_view, 21> yes_phrases{
    "i agree",       "i confirm",     "i consent",       "i do",         "thats right",
    "that is right", "thats correct", "that is correct", "sounds good",  "looks good",
    "go ahead",      "book it",       "do it",           "please do",    "all good",
    "all correct",   "of course",     "thats fine",      "that is fine", "that works",
    "works for me"};
// Words that turn an agreeing start into something else ("yes but change the time").
constexpr std::array<std::string_view, 7> spoilers{"not",   "dont", "but",    "change",
                                                   "wrong", "no",   "however"};
constexpr std::array<std::string_view, 4> no_first_words{"no", "nope", "nah", "n"};
constexpr std::array<std::string_view, 16> no_phrases{
    "not really",        "not quite",     "i dont",
    "i do not",          "i disagree",    "dont agree",
    "thats wrong",       "that is wrong", "wrong",
    "incorrect",         "not correct",   "thats not right",
    "that is not right", "not right",     "negative",
    "thats not it"};

constexpr std::array<std::string_view, 34> skip_answers{"skip",
                                                        "skip it",
                                                        "skip this",
                                                        "skip that",
                                                        "skip company",
                                                        "none",
                                                        "no",
                                                        "nope",
                                                        "nah",
                                                        "n a",
                                                        "na",
                                                        "no company",
                                                        "no company name",
                                                        "not applicable",
                                                        "nothing",
                                                        "dont have one",
                                                        "i dont have one",
                                                        "i do not have one",
                                                        "i dont have a company",
                                                        "i do not have a company",
                                                        "i dont have any",
                                                        "no one",
                                                        "none really",
                                                        "pass",
                                                        "prefer not to say",
                                                        "id rather not say",
                                                        "rather not say",
                                                        "not telling",
                                                        "just me",
                                                        "myself",
                                                        "individual",
                                                        "private",
                                                        "personal",
                                                        "none of your business"};

constexpr std::array<std::string_view, 12> cancel_lead{
    "no", "ok", "okay", "oh", "actually", "please", "wait", "um", "hmm", "sorry", "just", "oops"};
constexpr std::array<std::string_view, 36> cancel_answers{"cancel",
                                                          "cancel it",
                                                          "cancel that",
                                                          "cancel this",
                                                          "cancel the booking",
                                                          "cancel booking",
                                                          "cancel my booking",
                                                          "cancel the form",
                                                          "cancel everything",
                                                          "stop",
                                                          "stop it",
                                                          "stop this",
                                                          "stop the booking",
                                                          "abort",
                                                          "quit",
                                                          "exit",
                                                          "never mind",
                                                          "nevermind",
                                                          "forget it",
                                                          "forget about it",
                                                          "forget the booking",
                                                          "i changed my mind",
                                                          "changed my mind",
                                                          "scratch that",
                                                          "drop it",
                                                          "dont book",
                                                          "do not book",
                                                          "dont book it",
                                                          "not now",
                                                          "i dont want to book",
                                                          "i do not want to book",
                                                          "no thanks",
                                                          "no thank you",
                                                          "not interested",
                                                          "i am not interested",
                                                          "im not interested"};

std::string_view strip_leading_phrase(std::string_view text,
                                      std::initializer_list<std::string_view> phrases) {
  const std::string lowered = [&] {
    std::string s{text};
    std::transform(s.begin(), s.end(), s.begin(), ascii_lower);
    return s;
  }();
  for (const auto phrase : phrases) {
    if (lowered.starts_with(phrase) && lowered.size() > phrase.size()) {
      const char next = lowered[phrase.size()];
      if (next == ' ' || next == ':' || next == ',') {
        return trim(text.substr(phrase.size()), " \t\r\n:,");
      }
    }
  }
  return text;
}

bool valid_local_char(char c) {
  static constexpr std::string_view specials = "!#$%&'*+/=?^_`{|}~.-";
  return ascii_alpha(c) || ascii_digit(c) || specials.find(c) != std::string_view::npos;
}

bool valid_domain(std::string_view domain) {
  const auto labels_ok = [&] {
    std::size_t start = 0;
    std::string_view last;
    while (true) {
      const auto end = domain.find('.', start);
      const auto label = domain.substr(start, end == std::string_view::npos ? end : end - start);
      if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
        return false;
      if (!std::all_of(label.begin(), label.end(),
                       [](char c) { return ascii_alpha(c) || ascii_digit(c) || c == '-'; }))
        return false;
      last = label;
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
    // The top-level domain is letters only, at least two of them.
    return last.size() >= 2 && std::all_of(last.begin(), last.end(), ascii_alpha);
  };
  return domain.size() <= 253 && labels_ok();
}

}  // namespace

std::string plain_words(std::string_view text) {
  std::string out;
  out.reserve(text.size());  // never longer than the text: no growing character by character
  bool space = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\'') continue;
    // The typographic apostrophe, U+2019, is dropped like the ASCII one.
    if (c == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x80' && text[i + 2] == '\x99') {
      i += 2;
      continue;
    }
    if (ascii_alpha(c) || ascii_digit(c) || non_ascii(c)) {
      if (space && !out.empty()) out += ' ';
      space = false;
      out += ascii_lower(c);
    } else {
      space = true;
    }
  }
  return out;
}

yes_no read_yes_no(std::string_view plain) {
  plain = strip_filler(plain);
  // A message longer than an answer is counted, not split into a list of its words.
  constexpr std::size_t most_words = 8;
  if (plain.empty() || more_words_than(plain, most_words)) return yes_no::neither;
  // The words as words_of splits them, read in one walk: no list is built for every message.
  std::string_view first;
  std::size_t count = 0;
  bool spoiled = false;  // a word after the first spoils a yes
  for (std::size_t start = 0; start < plain.size();) {
    auto end = plain.find(' ', start);
    if (end == std::string_view::npos) end = plain.size();
    if (end > start) {
      const auto word = plain.substr(start, end - start);
      if (count++ == 0) {
        first = word;
      } else {
        spoiled = spoiled || among(spoilers, word);
      }
    }
    start = end + 1;
  }
  if (count == 0 || count > most_words) return yes_no::neither;
  if (among(no_first_words, first) || starts_with_any(plain, no_phrases)) return yes_no::no;
  if (!spoiled && (among(yes_first_words, first) || starts_with_any(plain, yes_phrases))) {
    return yes_no::yes;
  }
  return yes_no::neither;
}

bool is_skip(std::string_view plain) {
  return among(skip_answers, strip_filler(plain));
}

bool is_cancel(std::string_view plain) {
  if (among(cancel_answers, plain)) return true;
  plain = strip_filler(plain);
  // Checked after each word dropped: "no thanks" is itself an answer, "no, cancel" has one.
  for (bool changed = true; changed;) {
    if (among(cancel_answers, plain)) return true;
    changed = false;
    for (const auto w : cancel_lead) {
      if (starts_with_phrase(plain, w) && plain.size() > w.size()) {
        plain = trim(plain.substr(w.size()));
        changed = true;
        break;
      }
    }
  }
  return false;
}

checked check_name(std::string_view text) {
  std::string_view name = trim_visible(text, " \t\r\n.!,;");
  name = strip_leading_phrase(
      name, {"my full name is", "my name is", "my name's", "the name is", "name is", "i am called",
             "call me", "i am", "i'm", "im", "it's", "it is", "its", "this is", "name"});
  name = trim_visible(name, " \t\r\n.!,;");
  checked out{std::string{name}, {}};
  if (has_control(trim(text))) {
    out.problem = control_problem("That name");
  } else if (name.empty()) {
    out.problem = "I didn't catch a name.";
  } else if (count_characters(name) > max_name) {
    out.problem = "That name is longer than 100 characters.";
  } else if (name.find('@') != std::string_view::npos) {
    out.problem = "That looks like an email address rather than a name.";
  } else if (std::none_of(name.begin(), name.end(),
                          [](char c) { return ascii_alpha(c) || non_ascii(c); })) {
    out.problem = "That doesn't look like a name.";
  }
  return out;
}

std::optional<std::string> find_email(std::string_view text) {
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find_first_of(" \t\r\n", start);
    if (end == std::string_view::npos) end = text.size();
    auto word = text.substr(start, end - start);
    if (word.find('@') != std::string_view::npos) {
      word = trim(word, "<>()[]{},;:\"'.!?");
      if (word.size() > 7 && std::string_view{word}.substr(0, 7) == "mailto:")
        word.remove_prefix(7);
      return std::string{word};
    }
    start = end + 1;
  }
  return std::nullopt;
}

checked check_email(std::string_view text) {
  std::string candidate;
  if (auto found = find_email(text)) {
    candidate = *found;
  } else {
    candidate = std::string{
        strip_leading_phrase(trim_visible(text, " \t\r\n.!,;"),
                             {"my email address is", "my email is", "my e-mail is", "email address",
                              "email", "e-mail", "it's", "it is", "its"})};
  }
  candidate = std::string{trim_visible(candidate, " \t\r\n")};
  checked out{candidate, {}};
  const std::string_view email = candidate;
  const auto at = email.find('@');
  const std::string_view local = at == std::string_view::npos ? email : email.substr(0, at);
  const std::string_view domain =
      at == std::string_view::npos ? std::string_view{} : email.substr(at + 1);
  if (has_control(trim(text))) {
    out.problem = control_problem("That email address");
  } else if (email.empty()) {
    out.problem = "I didn't catch an email address.";
  } else if (email.size() > max_email) {
    out.problem = "That email address is longer than 254 characters.";
  } else if (at == std::string_view::npos) {
    out.problem = "That email address has no '@'.";
  } else if (domain.find('@') != std::string_view::npos) {
    out.problem = "That email address has more than one '@'.";
  } else if (local.empty()) {
    out.problem = "That email address has nothing before the '@'.";
  } else if (domain.empty()) {
    out.problem = "That email address has nothing after the '@'.";
  } else if (local.size() > max_local_part) {
    out.problem = "The part before the '@' is longer than 64 characters.";
  } else if (!std::all_of(local.begin(), local.end(), valid_local_char)) {
    out.problem = "The part before the '@' has characters an email address can't have.";
  } else if (local.front() == '.' || local.back() == '.' ||
             local.find("..") != std::string_view::npos) {
    out.problem = "The part before the '@' can't start or end with a dot or have two in a row.";
  } else if (domain.find('.') == std::string_view::npos) {
    out.problem = "The part after the '@' needs a dot, as in example.com.";
  } else if (!valid_domain(domain)) {
    out.problem = "The part after the '@' is not a valid domain name.";
  }
  return out;
}

checked check_company(std::string_view text) {
  std::string_view company = trim_visible(text, " \t\r\n.!,;");
  company = strip_leading_phrase(company, {"i work at", "i work for", "we are", "we're", "i'm with",
                                           "i am with", "it's", "it is", "its"});
  company = trim_visible(company, " \t\r\n.!,;");
  checked out{std::string{company}, {}};
  if (has_control(trim(text))) {
    out.problem = control_problem("That company name");
  } else if (company.empty()) {
    out.problem = "I didn't catch the company's name.";
  } else if (count_characters(company) > max_company) {
    out.problem = "That company name is longer than 200 characters.";
  }
  return out;
}

checked check_project(std::string_view text) {
  std::string_view project = trim_visible(text, " \t\r\n");
  project = trim_visible(strip_leading_phrase(project, {"it's about", "it is about", "its about",
                                                        "about", "it's", "it is"}),
                         " \t\r\n");
  checked out{std::string{project}, {}};
  if (has_control(trim(text))) {
    out.problem = control_problem("That description");
  } else if (count_characters(project) < min_project) {
    out.problem = "Could you tell me a little more than that?";
  } else if (count_characters(project) > max_project) {
    out.problem = "That description is longer than 1000 characters; a few sentences are enough.";
  }
  return out;
}

// ---------------------------------------------------------------- corrections

namespace {

// Filler a correction may start with: "no, actually, my email is ...".
constexpr std::string_view lead =
    R"((?:(?:no|nope|actually|wait|sorry|oh|oops|hmm|um|ah|ok|okay|also|and|but|correction|hold on|one more thing)[\s,.!:;-]+)*)";
constexpr std::string_view field =
    R"((full name|name|e-?mail address|e-?mail|mail address|mail|company name|company|organi[sz]ation|employer|business|project description|project|description|time slot|slot|time|date|day|appointment|meeting|consent))";
constexpr std::string_view tail = R"([\s.!?]*)";

struct field_word {
  std::string_view stem;
  booking_field field;
};

// The first stem found in the captured word decides ("company name" is the company).
constexpr std::array<field_word, 13> field_words{{
    {"company", booking_field::company},
    {"organi", booking_field::company},
    {"employer", booking_field::company},
    {"business", booking_field::company},
    {"mail", booking_field::email},
    {"name", booking_field::name},
    {"project", booking_field::project},
    {"description", booking_field::project},
    {"consent", booking_field::consent},
    {"slot", booking_field::slot},
    {"time", booking_field::slot},
    {"date", booking_field::slot},
    {"day", booking_field::slot},
}};

std::optional<booking_field> field_of(std::string_view word) {
  std::string lowered{word};
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), ascii_lower);
  if (lowered == "appointment" || lowered == "meeting") return booking_field::slot;
  for (const auto& entry : field_words) {
    if (lowered.find(entry.stem) != std::string::npos) return entry.field;
  }
  return std::nullopt;
}

std::unique_ptr<re2::RE2> compile(const std::string& pattern) {
  re2::RE2::Options options;
  options.set_case_sensitive(false);
  options.set_log_errors(false);
  auto re = std::make_unique<re2::RE2>(pattern, options);
  // The patterns are constants of this file: a failure is a programming error.
  if (!re->ok()) throw std::logic_error{"edit_grammar: " + re->error()};
  return re;
}

std::unique_ptr<re2::RE2> compile_cased(const std::string& pattern) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<re2::RE2>(pattern, options);
  if (!re->ok()) throw std::logic_error{"edit_grammar: " + re->error()};
  return re;
}

// A message cut where one field's words end and the next one's may start: commas,
// semicolons, sentence ends, line breaks and " and ". An email's dots are not sentence ends.
std::vector<std::string_view> clauses_of(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  const auto cut = [&](std::size_t end, std::size_t skip) {
    const auto clause = trim(text.substr(start, end - start), " \t\r\n,;.!?-");
    if (!clause.empty()) out.push_back(clause);
    start = end + skip;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    // An initial ("Grace B. Hopper") ends no sentence.
    const bool initial = c == '.' && i >= 1 &&
                         std::isupper(static_cast<unsigned char>(text[i - 1])) &&
                         (i == 1 || text[i - 2] == ' ');
    const bool sentence_end = (c == '.' || c == '!' || c == '?') && !initial &&
                              (i + 1 == text.size() || text[i + 1] == ' ' || text[i + 1] == '\n');
    if (c == ',' || c == ';' || c == '\n' || sentence_end) {
      cut(i, 1);
    } else if (c == ' ' && (text.substr(i, 5) == " and " || text.substr(i, 5) == " And ")) {
      cut(i, 5);
      i += 3;
    } else if (c == ' ' && text.substr(i, 3) == " - ") {
      cut(i, 3);
      i += 1;
    }
  }
  cut(text.size(), 0);
  return out;
}

std::string join(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (const auto p : parts) out += p;
  return out;
}

}  // namespace

edit_grammar::edit_grammar()
    : wrong_{compile(join(
          {"(?:", lead, R"((?:(?:my|the|that)\s+)?)", field,
           R"(\s+(?:is|was|s)\s+(?:wrong|incorrect|not right|not correct|a typo|misspelled|misspelt).*)",
           "|", lead, R"((?:wrong|incorrect)\s+)", field, tail, ")"}))},
      set_{compile(join({lead, R"((?:my|the|our)\s+)", field,
                         R"((?:\s+(?:is actually|should be|is)|'s|’s)\s*:?\s*(.+?))", tail}))},
      change_to_{compile(join({lead, R"((?:please\s+)?(?:(?:can|could)\s+(?:you|i|we)\s+)?)",
                               R"((?:change|update|set|make|switch|correct|fix|move)\s+)",
                               R"((?:my\s+|the\s+|our\s+)?)", field, R"(\s+to\s+(.+?))", tail}))},
      labelled_{compile(join({lead, field, R"(\s*[:=]\s*(.+?))", tail}))},
      go_{compile(join(
          {lead,
           R"((?:(?:can|could|may)\s+(?:i|we|you)\s+|i(?:'d|’d|\s+would)?\s+(?:like|want)\s+to\s+|i\s+need\s+to\s+|let\s+me\s+|let'?s\s+|please\s+)?)",
           R"((?:change|edit|update|fix|correct|modify|amend|redo|re-?enter|pick|choose)\s+)",
           R"((?:my\s+|the\s+|our\s+|that\s+|a\s+new\s+|another\s+|a\s+different\s+)?)", field,
           R"((?:\s+(?:please|again|too|as well|instead|then))*)", tail}))},
      other_slot_{compile(join(
          {lead,
           R"((?:(?:can|could)\s+(?:i|we)\s+(?:have|get|pick|choose|do|book)\s+|i(?:'d|’d|\s+would)?\s+(?:like|prefer|want)\s+|(?:please\s+)?(?:give me|show me|pick|choose)\s+)?)",
           R"((?:another|a different|different|other|some other|a later|later|an earlier|earlier|new|more)\s+)",
           R"((?:time|slot|day|date)s?(?:\s+please)?)", tail}))},
      instead_{compile(join(
          {"(?:", lead,
           R"((?:make it|move it|can we do|could we do|can we make it|how about|what about|let'?s do|let'?s say|rather|i meant|i mean|meant)\b.*)",
           R"(|.*\binstead\b.*))"}))},
      // Names are written with capitals ("I'm Sarah Kim"): that tells them from "I'm looking".
      introduction_{compile_cased(
          R"((?i:(?:hi|hello|hey|good (?:morning|afternoon|evening))[\s,!.]*)?(?i:i'?m|i am|i’m|this is|my name is|my name's|name's)\s+(\p{Lu}[\p{L}'’-]*(?:\s+\p{Lu}[\p{L}'’-]*){0,3})(?:\s+(?i:from|at|with|of)\s+(\p{Lu}.*?))?[\s.!]*)")},
      works_at_{compile_cased(
          R"((?i:i|we)\s*(?i:work|am|'m|’m|are|'re|’re)\s+(?i:at|for|with|from)\s+(\p{Lu}.*?)[\s.!]*)")},
      call_about_{compile(
          R"(.*?\b(?:a call|a quick call|a chat|a consultation|a meeting|to talk|to chat|some help|help)\s+(?:about|regarding|concerning)\s+(.{3,}?))"
          // The time said after the project is not part of it: "... on friday at 10".
          R"((?:\s+(?:on|this|next)\s+(?:mon|tue|wed|thu|fri|sat|sun)\w*.*|\s+(?:tomorrow|today)\b.*|\s+at\s+\d.*)?[\s.!]*)")} {
}

edit_grammar::~edit_grammar() = default;

std::optional<field_edit> edit_grammar::match(std::string_view raw) const {
  const std::string_view text = trim(raw);
  std::string word;
  std::string word2;
  std::string value;
  if (re2::RE2::FullMatch(text, *wrong_, &word, &word2)) {
    if (auto f = field_of(word.empty() ? word2 : word)) return field_edit{*f, std::nullopt};
  }
  for (const auto* re : {set_.get(), change_to_.get(), labelled_.get()}) {
    if (re2::RE2::FullMatch(text, *re, &word, &value)) {
      if (auto f = field_of(word)) return field_edit{*f, value};
    }
  }
  if (re2::RE2::FullMatch(text, *go_, &word)) {
    if (auto f = field_of(word)) return field_edit{*f, std::nullopt};
  }
  if (re2::RE2::FullMatch(text, *other_slot_)) return field_edit{booking_field::slot, std::nullopt};
  return std::nullopt;
}

namespace {

// What is left of a clause once its email address is taken out: "I'm Marco from Rossi" of
// "I'm Marco from Rossi (marco@rossi.it)"; nothing of "my email is marco@rossi.it".
std::string without_email(std::string_view clause, std::string_view email) {
  static constexpr std::array<std::string_view, 16> label_words{
      "my", "email", "e",   "mail",    "address", "is", "at",  "reach",
      "me", "you",   "can", "contact", "its",     "it", "via", "on"};
  std::string rest{clause};
  if (const auto at = rest.find(email); at != std::string::npos) rest.erase(at, email.size());
  for (const std::string_view empty : {"()", "<>", "[]"}) {
    if (const auto at = rest.find(empty); at != std::string::npos) rest.erase(at, empty.size());
  }
  const std::string plain = plain_words(rest);
  const auto words = words_of(plain);
  const bool only_labels = std::all_of(words.begin(), words.end(),
                                       [](std::string_view w) { return among(label_words, w); });
  return only_labels ? std::string{} : std::string{trim(rest, " \t\r\n,;:.-")};
}

}  // namespace

std::vector<field_edit> edit_grammar::fields(std::string_view text,
                                             std::optional<booking_field> asked) const {
  std::vector<field_edit> out;
  const auto known = [&](booking_field which) {
    return std::any_of(out.begin(), out.end(),
                       [&](const field_edit& e) { return e.field == which; });
  };
  const auto add = [&](booking_field which, std::string_view value) {
    if (!known(which) && !trim(value).empty()) out.push_back({which, std::string{trim(value)}});
  };
  std::vector<std::string> unread;
  for (const auto whole : clauses_of(text)) {
    std::string clause{whole};
    // What surrounds an email counts only where a pattern reads it ("I'm Marco from Rossi"):
    // "my name is" of "my name is ada@example.com" answers nothing.
    const auto email = find_email(clause);
    if (email) {
      add(booking_field::email, *email);
      clause = without_email(clause, *email);
      if (clause.empty()) continue;
    }
    std::string first;
    std::string second;
    if (re2::RE2::FullMatch(clause, *introduction_, &first, &second)) {
      add(booking_field::name, first);
      if (!second.empty()) add(booking_field::company, second);
    } else if (re2::RE2::FullMatch(clause, *works_at_, &first)) {
      add(booking_field::company, first);
    } else if (auto edit = match(clause); edit && edit->value) {
      add(edit->field, *edit->value);
    } else if (re2::RE2::FullMatch(clause, *call_about_, &first)) {
      add(booking_field::project, first);
    } else if (!email) {
      unread.push_back(std::move(clause));
    }
  }
  // "Wei Ling Tan, weiling@example.com" when asked for the name: beside an email, the one
  // clause no pattern read is the answer to the question asked.
  const bool free_text = asked == booking_field::name || asked == booking_field::company ||
                         asked == booking_field::project;
  if (free_text && unread.size() == 1 && known(booking_field::email) && !known(*asked)) {
    add(*asked, unread.front());
  }
  return out;
}

std::optional<std::string> suggest_email(std::string_view email) {
  // The domains most visitors use; a near miss of one of them is almost always a typo.
  static constexpr std::array<std::string_view, 20> common{
      "gmail.com",   "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com",
      "live.com",    "icloud.com",     "me.com",    "aol.com",     "msn.com",
      "proton.me",   "protonmail.com", "gmx.de",    "gmx.net",     "web.de",
      "yahoo.co.uk", "hotmail.co.uk",  "mail.com",  "yandex.com",  "zoho.com"};
  const auto at = email.rfind('@');
  if (at == std::string_view::npos) return std::nullopt;
  std::string domain{email.substr(at + 1)};
  std::transform(domain.begin(), domain.end(), domain.begin(), ascii_lower);
  if (std::find(common.begin(), common.end(), domain) != common.end()) return std::nullopt;
  // A different country's domain ("yahoo.fr") is no typo; "con" or "cmo" for "com" is.
  static constexpr std::array<std::string_view, 9> com_slips{"con", "cm",  "om",  "comm", "cmo",
                                                             "vom", "xom", "ocm", "co"};
  const auto top = [](std::string_view d) { return d.substr(d.rfind('.') + 1); };
  const auto same_top = [&](std::string_view candidate) {
    const auto mine = top(domain);
    return mine == top(candidate) ||
           (top(candidate) == "com" &&
            std::find(com_slips.begin(), com_slips.end(), mine) != com_slips.end());
  };
  std::string_view best;
  int best_distance = 3;
  for (const auto candidate : common) {
    if (!same_top(candidate)) continue;
    // One slip in a short domain, two in a longer one.
    const int limit = candidate.size() >= 9 ? 2 : 1;
    const int d = text::edit_distance(domain, candidate, limit);
    if (d <= limit && d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  if (best.empty()) return std::nullopt;
  return std::string{email.substr(0, at + 1)} + std::string{best};
}

bool edit_grammar::proposes_instead(std::string_view text) const {
  return re2::RE2::FullMatch(trim(text), *instead_);
}

}  // namespace advisor::intents
