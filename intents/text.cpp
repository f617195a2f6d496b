#include "intents/text.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>

namespace advisor::intents::text {
namespace {

bool is_ascii_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_word_byte(char c) {
  // Bytes of multi-byte UTF-8 sequences count as letters: "café" stays one word.
  return is_ascii_alnum(c) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}

// Decodes one UTF-8 sequence at `i`; returns the code point and advances `i`.
// Malformed bytes decode as themselves (one byte), so nothing is lost.
char32_t decode(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  auto cont = [&](std::size_t k) -> unsigned {
    if (i + k >= s.size()) return 0x100;
    const auto b = static_cast<unsigned char>(s[i + k]);
    return (b & 0xC0U) == 0x80U ? (b & 0x3FU) : 0x100U;
  };
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  if ((b0 & 0xE0U) == 0xC0U && cont(1) < 0x100) {
    const char32_t cp = ((b0 & 0x1FU) << 6U) | cont(1);
    i += 2;
    return cp;
  }
  if ((b0 & 0xF0U) == 0xE0U && cont(1) < 0x100 && cont(2) < 0x100) {
    const char32_t cp = ((b0 & 0x0FU) << 12U) | (cont(1) << 6U) | cont(2);
    i += 3;
    return cp;
  }
  if ((b0 & 0xF8U) == 0xF0U && cont(1) < 0x100 && cont(2) < 0x100 && cont(3) < 0x100) {
    const char32_t cp = ((b0 & 0x07U) << 18U) | (cont(1) << 12U) | (cont(2) << 6U) | cont(3);
    i += 4;
    return cp;
  }
  ++i;
  return 0xFFFFFFFFU;  // marker: copy the raw byte
}

// ASCII replacement of a typographic or Latin-1 code point, or nullptr to keep it.
const char* ascii_for(char32_t cp, bool lower) {
  switch (cp) {
    case 0x2018:
    case 0x2019:
    case 0x201A:
    case 0x201B:
    case 0x2032:
    case 0x00B4:
    case 0x0060:
      return "'";
    case 0x201C:
    case 0x201D:
    case 0x201E:
    case 0x201F:
    case 0x00AB:
    case 0x00BB:
    case 0x2033:
      return "\"";
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2015:
    case 0x2212:
      return "-";
    case 0x2026:
      return "...";
    case 0x00A0:
    case 0x2002:
    case 0x2003:
    case 0x2004:
    case 0x2005:
    case 0x2006:
    case 0x2007:
    case 0x2008:
    case 0x2009:
    case 0x200A:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return " ";
    case 0x200B:
    case 0x200C:
    case 0x200D:
    case 0xFEFF:
      return "";
    case 0xFF1F:
    case 0x00BF:
      return "?";
    case 0xFF01:
    case 0x00A1:
      return "!";
    case 0xFF0C:
    case 0x3001:
      return ",";
    // Currency signs become words, so "€500" and "£50" read as money ("$" in tokenize).
    case 0x20AC:
      return " eur ";
    case 0x00A3:
      return " gbp ";
    case 0x3002:
    case 0xFF0E:
      return ".";
    default:
      break;
  }
  if (!lower) return nullptr;
  // Latin-1 letters lose their accents so "naïve" and "naive" meet.
  static constexpr std::array<const char*, 64> latin1 = {
      "a", "a", "a", "a", "a", "a", "ae", "c",     "e", "e", "e", "e", "i", "i", "i",  "i",
      "d", "n", "o", "o", "o", "o", "o",  nullptr, "o", "u", "u", "u", "u", "y", "th", "ss",
      "a", "a", "a", "a", "a", "a", "ae", "c",     "e", "e", "e", "e", "i", "i", "i",  "i",
      "d", "n", "o", "o", "o", "o", "o",  nullptr, "o", "u", "u", "u", "u", "y", "th", "y"};
  if (cp >= 0xC0 && cp <= 0xFF) return latin1[cp - 0xC0];
  return nullptr;
}

}  // namespace

std::string fold(std::string_view in, letter_case mode) {
  const bool lower = mode == letter_case::lower;
  std::string out;
  out.reserve(in.size());
  std::size_t i = 0;
  while (i < in.size()) {
    const std::size_t start = i;
    const char32_t cp = decode(in, i);
    if (cp < 0x80) {
      char c = static_cast<char>(cp);
      if (lower && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      // Control characters (tabs, newlines) become spaces; whitespace collapses later.
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
      out.push_back(c);
      continue;
    }
    if (cp != 0xFFFFFFFFU) {
      if (const char* repl = ascii_for(cp, lower)) {
        out += repl;
        continue;
      }
    }
    out.append(in.substr(start, i - start));
  }
  return out;
}

bool tokenize(std::string_view s, std::vector<std::string>& out) {
  bool question = false;
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const char c = s[i];
    if (!is_word_byte(c)) {
      if (c == '?') question = true;
      // "$500", "500$": an amount of money, the one sign that is ASCII.
      if (c == '$' &&
          ((i + 1 < n && is_ascii_digit(s[i + 1])) || (i > 0 && is_ascii_digit(s[i - 1])))) {
        out.emplace_back("usd");
      }
      // A leading dot belongs to names like ".net".
      if (c == '.' && i + 1 < n && is_ascii_alnum(s[i + 1]) && (i == 0 || s[i - 1] == ' ')) {
        std::string word = ".";
        ++i;
        while (i < n && is_word_byte(s[i])) word.push_back(s[i++]);
        out.push_back(std::move(word));
        continue;
      }
      ++i;
      continue;
    }
    std::string word;
    while (i < n) {
      const char d = s[i];
      if (is_word_byte(d)) {
        word.push_back(d);
        ++i;
      } else if (d == '\'' && i + 1 < n && is_ascii_alnum(s[i + 1])) {
        // "what's" -> "what" "s" (the lexicon turns it into "what is"); "don't" -> "dont".
        if (s[i + 1] == 's' && (i + 2 >= n || !is_word_byte(s[i + 2]))) {
          out.push_back(std::move(word));
          word.clear();  // (not `word = "s"`: GCC 12 warns falsely after the move)
          word.push_back('s');
          i += 2;
          break;
        }
        ++i;
      } else if (d == '.' && i + 1 < n && is_ascii_alnum(s[i + 1]) && !word.empty() &&
                 is_ascii_alnum(word.back())) {
        word.push_back(d);
        ++i;
      } else {
        break;
      }
    }
    while (i < n && (s[i] == '+' || s[i] == '#')) word.push_back(s[i++]);
    out.push_back(std::move(word));
  }
  return question;
}

std::vector<std::string_view> sentences(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  const auto take = [&](std::size_t end) {
    const auto piece = trim(s.substr(start, end - start));
    if (!piece.empty()) out.push_back(piece);
    start = end;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool stop =
        (c == '.' || c == '!' || c == '?' || c == ';') && (i + 1 == s.size() || s[i + 1] == ' ');
    if (stop) take(i + 1);
  }
  take(s.size());
  return out;
}

int edit_distance(std::string_view a, std::string_view b, int limit) {
  constexpr std::size_t max_len = 48;
  const int la = static_cast<int>(a.size());
  const int lb = static_cast<int>(b.size());
  if (std::abs(la - lb) > limit) return limit + 1;
  if (a.size() >= max_len || b.size() >= max_len) return a == b ? 0 : limit + 1;
  // Three rolling rows: the transposition looks two rows back.
  std::array<int, max_len + 1> r0{};
  std::array<int, max_len + 1> r1{};
  std::array<int, max_len + 1> r2{};
  int* prev2 = r0.data();
  int* prev = r1.data();
  int* cur = r2.data();
  for (int j = 0; j <= lb; ++j) prev[j] = j;
  for (int i = 1; i <= la; ++i) {
    cur[0] = i;
    int row_min = cur[0];
    const char ai = a[static_cast<std::size_t>(i - 1)];
    for (int j = 1; j <= lb; ++j) {
      const char bj = b[static_cast<std::size_t>(j - 1)];
      const int cost = ai == bj ? 0 : 1;
      int v = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && ai == b[static_cast<std::size_t>(j - 2)] &&
          a[static_cast<std::size_t>(i - 2)] == bj) {
        v = std::min(v, prev2[j - 2] + 1);
      }
      cur[j] = v;
      row_min = std::min(row_min, v);
    }
    if (row_min > limit) return limit + 1;
    int* t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return std::min(prev[lb], limit + 1);
}

bool is_alpha_word(std::string_view word) {
  return !word.empty() &&
         std::all_of(word.begin(), word.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

std::string join_words(const std::vector<std::string>& words, std::size_t from, std::size_t to) {
  std::string out;
  std::size_t length = 0;  // sized once: the string is not grown word by word
  for (std::size_t i = from; i < std::min(to, words.size()); ++i) length += words[i].size() + 1;
  out.reserve(length);
  for (std::size_t i = from; i < std::min(to, words.size()); ++i) {
    if (!out.empty()) out.push_back(' ');
    out += words[i];
  }
  return out;
}

std::vector<std::string> split_list(std::string_view list, std::string_view separators) {
  std::vector<std::string> out;
  for (std::size_t start = 0;;) {
    const auto end = list.find_first_of(separators, start);
    out.emplace_back(trim(list.substr(start, end == std::string_view::npos ? end : end - start)));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

std::size_t count_characters(std::string_view utf8) {
  // Continuation bytes (10xxxxxx) do not start a character.
  return static_cast<std::size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
  }));
}

std::string_view trim(std::string_view s, std::string_view chars) {
  const auto first = s.find_first_not_of(chars);
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(chars);
  return s.substr(first, last - first + 1);
}

}  // namespace advisor::intents::text
