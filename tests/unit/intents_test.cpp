// Unit tests of the understanding layer: normalizer, typo correction, matcher, slots, loading.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "intents/understander.hpp"

namespace {

using advisor::intents::compile_understander;
using advisor::intents::load_error;
using advisor::intents::text_file;
using advisor::intents::understander_ptr;

std::string read_source_file(const std::string& relative) {
  const char* root = std::getenv("ADVISOR_SOURCE_DIR");
  std::ifstream in(std::string(root != nullptr ? root : ".") + "/" + relative, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// The project's real data files, compiled once for the whole test run.
const understander_ptr& real() {
  static const understander_ptr compiled = [] {
    auto result = compile_understander({"intents.json", read_source_file("intents/data/intents.json")},
                                       {"lexicon.txt", read_source_file("intents/data/lexicon.txt")});
    if (auto* e = std::get_if<load_error>(&result)) FAIL(e->what());
    return std::get<understander_ptr>(result);
  }();
  return compiled;
}

}  // namespace

TEST_CASE("real data files compile", "[intents]") {
  REQUIRE(real() != nullptr);
}

TEST_CASE("social intents", "[intents]") {
  const auto& u = *real();
  SECTION("greeting") { CHECK(u.understand("hi there").intent == "greeting"); }
  SECTION("thanks") { CHECK(u.understand("thx").intent == "thanks"); }
  SECTION("goodbye") { CHECK(u.understand("bye!").intent == "goodbye"); }
  SECTION("help") { CHECK(u.understand("what can you do?").intent == "help"); }
  SECTION("fallback") { CHECK(u.understand("qwerty asdf").intent == "fallback"); }
}
