// json_out writes what nlohmann's dump() writes, byte for byte, for any text: plain ASCII
// (the word-at-a-time path), every byte that must be escaped, UTF-8 and malformed UTF-8, at
// every position relative to the eight-byte words.

#include <random>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "dialogue/json_writer.hpp"

namespace json_out = advisor::dialogue::json_out;

namespace {

std::string as_nlohmann_writes(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string as_written(const std::string& text) {
  std::string out;
  json_out::string(out, text);
  return out;
}

}  // namespace

TEST_CASE("json_out::string writes what nlohmann writes", "[json]") {
  SECTION("each byte alone and inside plain text, at every offset in a block or a word") {
    for (int byte = 0; byte < 256; ++byte) {
      for (std::size_t at = 0; at < 40; ++at) {
        std::string text(40, 'a');
        text[at] = static_cast<char>(byte);
        INFO("byte " << byte << " at " << at);
        CHECK(as_written(text) == as_nlohmann_writes(text));
      }
    }
  }
  SECTION("UTF-8 after long ASCII runs") {
    for (const std::string tail : {"é", "—", "😀", "\xE2\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80"}) {
      for (std::size_t run = 0; run < 20; ++run) {
        const std::string text = std::string(run, 'x') + tail + std::string(run, 'y');
        INFO("run " << run);
        CHECK(as_written(text) == as_nlohmann_writes(text));
      }
    }
  }
  SECTION("random texts over a small alphabet of the interesting bytes") {
    const std::string alphabet =
        std::string{"ab \"\\\n\t\x01\x1f\x7f"} + "\xC3\xA9\xE2\x80\x94\xF0\x9F";
    std::mt19937 random{20261206};
    std::uniform_int_distribution<std::size_t> pick{0, alphabet.size() - 1};
    std::uniform_int_distribution<std::size_t> length{0, 40};
    for (int n = 0; n < 5000; ++n) {
      std::string text;
      for (std::size_t k = length(random); k > 0; --k) text.push_back(alphabet[pick(random)]);
      INFO("text " << nlohmann::json(text).dump(-1, ' ', true,
                                                nlohmann::json::error_handler_t::replace));
      CHECK(as_written(text) == as_nlohmann_writes(text));
    }
  }
}
