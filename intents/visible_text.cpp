#include "intents/visible_text.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace advisor::intents {
namespace {

// Closed ranges. White space (Zs, Zl, Zp and the C0 spaces) plus the invisible
// format characters that appear alone in spam and spoofed names.
constexpr std::array<std::pair<char32_t, char32_t>, 22> invisible_ranges{{
    {0x0000, 0x0020},    // C0 controls and space
    {0x007F, 0x00A0},    // DEL, C1 controls (NEL), no-break space
    {0x00AD, 0x00AD},    // soft hyphen
    {0x034F, 0x034F},    // combining grapheme joiner
    {0x061C, 0x061C},    // Arabic letter mark
    {0x115F, 0x1160},    // Hangul fillers
    {0x1680, 0x1680},    // Ogham space mark
    {0x180B, 0x180F},    // Mongolian variation selectors and vowel separator
    {0x2000, 0x200F},    // spaces, zero-width space/non-joiner/joiner, LRM, RLM
    {0x2028, 0x202F},    // line/paragraph separators, bidi embeddings, narrow no-break space
    {0x205F, 0x206F},    // medium space, word joiner, invisible operators, bidi isolates
    {0x2800, 0x2800},    // Braille blank
    {0x3000, 0x3000},    // ideographic space
    {0x3164, 0x3164},    // Hangul filler
    {0xFE00, 0xFE0F},    // variation selectors
    {0xFEFF, 0xFEFF},    // byte order mark, zero-width no-break space
    {0xFFA0, 0xFFA0},    // halfwidth Hangul filler
    {0xFFF0, 0xFFFB},    // unassigned specials, interlinear annotation
    {0x1BCA0, 0x1BCA3},  // shorthand format controls
    {0x1D173, 0x1D17A},  // musical symbol format controls
    {0xE0000, 0xE007F},  // tags
    {0xE0100, 0xE01EF},  // variation selectors supplement
}};

struct decoded {
  char32_t code_point;
  std::size_t length;  // bytes
  bool valid;
};

// One UTF-8 sequence at the start of `s` (not empty).
decoded decode(std::string_view s) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  char32_t value = 0;
  if (lead < 0x80U) return {lead, 1, true};
  if ((lead & 0xE0U) == 0xC0U) {
    length = 2;
    value = lead & 0x1FU;
  } else if ((lead & 0xF0U) == 0xE0U) {
    length = 3;
    value = lead & 0x0FU;
  } else if ((lead & 0xF8U) == 0xF0U) {
    length = 4;
    value = lead & 0x07U;
  } else {
    return {0, 1, false};
  }
  if (s.size() < length) return {0, 1, false};
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0U) != 0x80U) return {0, 1, false};
    value = (value << 6U) | (byte(i) & 0x3FU);
  }
  return {value, length, true};
}

bool invisible_at(std::string_view s, std::size_t& length) {
  const auto d = decode(s);
  length = d.length;
  return d.valid && is_invisible(d.code_point);
}

}  // namespace

bool is_invisible(char32_t code_point) {
  // Printable ASCII, most of any message, is outside every range: no need to look them up.
  if (code_point > 0x20 && code_point < 0x7F) return false;
  return std::any_of(invisible_ranges.begin(), invisible_ranges.end(), [&](const auto& range) {
    return code_point >= range.first && code_point <= range.second;
  });
}

bool is_control(char32_t code_point) {
  return code_point < 0x20 || (code_point >= 0x7F && code_point <= 0x9F) || code_point == 0x2028 ||
         code_point == 0x2029;
}

std::string_view trim_invisible(std::string_view text) {
  std::size_t first = text.size();  // start of the first visible character
  std::size_t end = 0;              // end of the last visible one
  for (std::size_t at = 0; at < text.size();) {
    std::size_t length = 1;
    if (!invisible_at(text.substr(at), length)) {
      first = std::min(first, at);
      end = at + length;
    }
    at += length;
  }
  return first < end ? text.substr(first, end - first) : std::string_view{};
}

bool is_blank(std::string_view text) {
  return trim_invisible(text).empty();
}

bool has_control(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    const auto d = decode(text.substr(at));
    if (d.valid && is_control(d.code_point)) return true;
    at += d.length;
  }
  return false;
}

}  // namespace advisor::intents
