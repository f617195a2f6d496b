#include "dialogue/json_writer.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cmath>

namespace advisor::dialogue::json_out {
namespace {

// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing past U+10FFFF.
bool valid_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    const unsigned c = *p;
    if (c < 0x80U) {
      ++p;
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

std::size_t escaped_size(std::string_view text) {
  std::size_t size = 2;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    size += (u == '"' || u == '\\') ? 2 : (u < 0x20U ? 6 : 1);
  }
  return size;
}

void string(std::string& out, std::string_view text) {
  if (!valid_utf8(text)) {
    out += nlohmann::json(std::string{text})
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t plain = 0;  // start of the run of bytes copied as they are
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto u = static_cast<unsigned char>(text[i]);
    if (u >= 0x20U && u != '"' && u != '\\') continue;
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
