#pragma once
// A failed check shows an intent by its name rather than its number.

#include <string>

#include <catch2/catch.hpp>

#include "intents/intent.hpp"

template <>
struct Catch::StringMaker<advisor::intents::intent> {
  static std::string convert(advisor::intents::intent i) { return std::string{to_string(i)}; }
};
