#pragma once
// The engine every fuzz target that needs one builds once, from the project's own data.

#include <cstdlib>
#include <iostream>
#include <variant>

#include "server/engine_loader.hpp"

namespace advisor::fuzz {

inline dialogue::engine_ptr project_engine() {
  const std::filesystem::path root{ADVISOR_SOURCE_DIR};
  auto loaded = server::load_engine({root / "intents" / "data", root / "knowledge" / "data"});
  if (auto* error = std::get_if<std::string>(&loaded)) {
    std::cerr << "cannot load the engine: " << *error << '\n';
    std::abort();
  }
  return std::get<dialogue::engine_ptr>(std::move(loaded));
}

}  // namespace advisor::fuzz
