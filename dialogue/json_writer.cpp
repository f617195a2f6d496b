#include "dialogue/json_writer.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace advisor::dialogue::json_out {
namespace {

// Eight bytes at a time: replies are a kilobyte or more of mostly plain ASCII, which would
// otherwise be looked at byte by byte twice (UTF-8 check, escaping).
using word = std::uint64_t;
constexpr word ones = 0x0101010101010101ULL;
constexpr word highs = 0x8080808080808080ULL;
constexpr std::size_t word_bytes = sizeof(word);

word load(const char* p) {
  word w;
  std::memcpy(&w, p, word_bytes);
  return w;
}

// A byte of `w` equal to zero, or below `n` (n <= 128), has its high bit set in the result.
constexpr word zero_byte(word w) {
  return (w - ones) & ~w & highs;
}
constexpr word byte_below(word w, unsigned char n) {
  return (w - ones * n) & ~w & highs;
}

#ifdef __SSE2__
// Sixteen bytes at a time where the CPU has SSE2 (every x86-64).
using block = __m128i;
constexpr std::size_t block_bytes = sizeof(block);

block load_block(const char* p) {
  return _mm_loadu_si128(reinterpret_cast<const block*>(p));
}
unsigned mask_of(block b) {
  return static_cast<unsigned>(_mm_movemask_epi8(b));
}
#endif

// What skip() looks for, in a block (a bit per byte) and in a word (a high bit per byte).
struct not_ascii {
#ifdef __SSE2__
  static unsigned in(block b) {
    return mask_of(b);
  }
#endif
  static word in(word w) {
    return w & highs;
  }
};
struct escaped {  // the bytes JSON escapes: below 0x20, '"' and '\\'
#ifdef __SSE2__
  static unsigned in(block b) {
    const block below_space =
        _mm_cmpeq_epi8(_mm_max_epu8(b, _mm_set1_epi8(0x1F)), _mm_set1_epi8(0x1F));
    const block quote = _mm_cmpeq_epi8(b, _mm_set1_epi8('"'));
    const block backslash = _mm_cmpeq_epi8(b, _mm_set1_epi8('\\'));
    return mask_of(_mm_or_si128(below_space, _mm_or_si128(quote, backslash)));
  }
#endif
  static word in(word w) {
    return byte_below(w, 0x20) | zero_byte(w ^ (ones * '"')) | zero_byte(w ^ (ones * '\\'));
  }
};

// The first index from `at` of a byte `Find` looks for when a block holds it, else the start of
// the word holding it, else the first of the bytes short of a whole word (the caller reads those
// one by one).
template <typename Find>
std::size_t skip(std::string_view text, std::size_t at) {
#ifdef __SSE2__
  while (at + block_bytes <= text.size()) {
    if (const unsigned bits = Find::in(load_block(text.data() + at)); bits != 0) {
      return at + static_cast<std::size_t>(__builtin_ctz(bits));
    }
    at += block_bytes;
  }
#endif
  while (at + word_bytes <= text.size() && Find::in(load(text.data() + at)) == 0) {
    at += word_bytes;
  }
  return at;
}

// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing past U+10FFFF.
bool valid_utf8(std::string_view text) {
  const auto* begin = reinterpret_cast<const unsigned char*>(text.data());
  const auto* p = begin;
  const auto* end = p + text.size();
  while (p < end) {
    const unsigned c = *p;
    if (c < 0x80U) {
      // Blocks and words first, then the bytes left one by one without another call.
      p = begin + skip<not_ascii>(text, static_cast<std::size_t>(p - begin) + 1);
      while (p < end && *p < 0x80U) ++p;
      continue;
    }
    std::size_t n = 0;
    unsigned lo = 0x80U, hi = 0xBFU;  // range of the second byte
    if (c >= 0xC2U && c <= 0xDFU) {
      n = 1;
    } else if (c >= 0xE0U && c <= 0xEFU) {
      n = 2;
      if (c == 0xE0U) lo = 0xA0U;
      if (c == 0xEDU) hi = 0x9FU;
    } else if (c >= 0xF0U && c <= 0xF4U) {
      n = 3;
      if (c == 0xF0U) lo = 0x90U;
      if (c == 0xF4U) hi = 0x8FU;
    } else {
      return false;
    }
    if (static_cast<std::size_t>(end - p) <= n) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (std::size_t k = 2; k <= n; ++k) {
      if ((p[k] & 0xC0U) != 0x80U) return false;
    }
    p += n + 1;
  }
  return true;
}

}  // namespace

void string(std::string& out, std::string_view text) {
  if (!valid_utf8(text)) {
    out += nlohmann::json(std::string{text})
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t plain = 0;  // start of the run of bytes copied as they are
  const auto escapes = [](unsigned char u) { return u < 0x20U || u == '"' || u == '\\'; };
  for (std::size_t i = skip<escaped>(text, 0);; i = skip<escaped>(text, i + 1)) {
    // Blocks and words first, then the bytes left one by one without another call.
    while (i < text.size() && !escapes(static_cast<unsigned char>(text[i]))) ++i;
    if (i == text.size()) break;
    const auto u = static_cast<unsigned char>(text[i]);
    out.append(text.data() + plain, i - plain);
    plain = i + 1;
    switch (u) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out.push_back(hex[u >> 4U]);
        out.push_back(hex[u & 0x0FU]);
    }
  }
  out.append(text.data() + plain, text.size() - plain);
  out.push_back('"');
}

void number(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";  // as nlohmann writes it
    return;
  }
  // nlohmann's own shortest round-trip formatting ("1.0", "0.93"), so output does not change.
  std::array<char, 64> buffer{};
  const char* end = nlohmann::detail::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), static_cast<std::size_t>(end - buffer.data()));
}

void optional_string(std::string& out, const std::optional<std::string>& text) {
  if (text) return string(out, *text);
  out += "null";
}

void string_array(std::string& out, const std::vector<std::string>& items) {
  out.push_back('[');
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i != 0) out.push_back(',');
    string(out, items[i]);
  }
  out.push_back(']');
}

void string_map(std::string& out, const std::map<std::string, std::string>& items) {
  out.push_back('{');
  bool first = true;
  for (const auto& [key, value] : items) {
    if (!first) out.push_back(',');
    first = false;
    string(out, key);
    out.push_back(':');
    string(out, value);
  }
  out.push_back('}');
}

}  // namespace advisor::dialogue::json_out
