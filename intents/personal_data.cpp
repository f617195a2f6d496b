#include "intents/personal_data.hpp"

#include <re2/re2.h>

#include <array>
#include <cctype>
#include <vector>

#include "intents/text.hpp"

namespace advisor::intents {
namespace {

const re2::RE2& email_pattern() {
  static const re2::RE2 re{
      R"([A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,})"};
  return re;
}

// A run of digits with spaces, dots, dashes, slashes and brackets between, maybe after '+';
// a phone number when it holds 7 digits or more (times, years and short numbers do not).
const re2::RE2& number_run_pattern() {
  static const re2::RE2 re{R"((\+?\(?\d[\d ()./\-]{5,}\d))"};
  return re;
}

// Words that introduce a name. The first group says them plainly (the next words are the name,
// whatever their case); the second may also start a sentence about something else ("I'm
// looking for ...", "this is a question"), so only capitalised words after it count.
const re2::RE2& introduction_pattern() {
  static const re2::RE2 re{
      R"((?i)\b(?:(my name is|my name's|my names|name is|call me|ask for)|)"
      R"((i'm|i’m|i am|im|this is|thanks|thank you|regards|cheers))\b[,:]?\s+)"};
  return re;
}

constexpr std::array<std::string_view, 24> not_names{
    "and", "from", "at", "with", "i",  "im",  "here", "the", "a",      "an", "of",  "for",
    "to",  "in",   "on", "we",   "my", "our", "but",  "so",  "please", "by", "and", "or"};

bool is_name_word(std::string_view word, bool capital_only) {
  if (word.empty() || std::isalpha(static_cast<unsigned char>(word.front())) == 0) return false;
  if (capital_only && std::isupper(static_cast<unsigned char>(word.front())) == 0) return false;
  std::string lower;
  for (const char c : word) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto stop : not_names) {
    if (lower == stop) return false;
  }
  return true;
}

// The length of the name (up to three words) at the start of `rest`; 0 when there is none.
std::size_t name_length(std::string_view rest, bool capital_only) {
  std::size_t end = 0;
  std::size_t pos = 0;
  for (int words = 0; words < 3; ++words) {
    std::size_t stop = pos;
    while (stop < rest.size() && (std::isalpha(static_cast<unsigned char>(rest[stop])) != 0 ||
                                  rest[stop] == '\'' || rest[stop] == '-')) {
      ++stop;
    }
    if (!is_name_word(rest.substr(pos, stop - pos), capital_only)) break;
    end = stop;
    pos = stop;
    if (pos >= rest.size() || rest[pos] != ' ') break;
    ++pos;
  }
  return end;
}

std::size_t digits(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) n += (c >= '0' && c <= '9') ? 1 : 0;
  return n;
}

// "3.12.2026", "03/12/26", "2026-12-03": dates have as many digits as short phone numbers.
bool is_date(std::string_view run) {
  static const re2::RE2 re{R"(\d{1,2}[./\-]\d{1,2}[./\-]\d{2,4}|\d{4}-\d{2}-\d{2})"};
  return re2::RE2::FullMatch(re2::StringPiece{run.data(), run.size()}, re);
}

bool is_phone(std::string_view run) {
  return digits(run) >= 7 && !is_date(run);
}

void mask_phones(std::string& text) {
  std::string out;
  re2::StringPiece rest{text};
  re2::StringPiece run;
  const char* copied = text.data();
  while (re2::RE2::FindAndConsume(&rest, number_run_pattern(), &run)) {
    out.append(copied, static_cast<std::size_t>(run.data() - copied));
    const std::string_view found{run.data(), run.size()};
    out.append(is_phone(found) ? std::string_view{"[phone]"} : found);
    copied = run.data() + run.size();
  }
  out.append(copied, static_cast<std::size_t>(text.data() + text.size() - copied));
  text = std::move(out);
}

void mask_names(std::string& text) {
  std::string out;
  re2::StringPiece rest{text};
  re2::StringPiece plain;
  re2::StringPiece soft;
  const char* copied = text.data();
  while (re2::RE2::FindAndConsume(&rest, introduction_pattern(), &plain, &soft)) {
    const char* at = rest.data();  // just after the introduction
    const auto length = name_length({at, rest.size()}, plain.data() == nullptr);
    if (length == 0) continue;
    out.append(copied, static_cast<std::size_t>(at - copied));
    out.append("[name]");
    copied = at + length;
    rest.remove_prefix(length);
  }
  out.append(copied, static_cast<std::size_t>(text.data() + text.size() - copied));
  text = std::move(out);
}

}  // namespace

std::string mask_personal(std::string_view text) {
  std::string out{text};
  re2::RE2::GlobalReplace(&out, email_pattern(), "[email]");
  mask_phones(out);
  mask_names(out);
  return out;
}

std::string review_key(std::string_view masked) {
  std::vector<std::string> words;
  text::tokenize(text::fold(masked), words);
  return text::join_words(words);
}

}  // namespace advisor::intents
