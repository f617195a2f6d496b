#pragma once
// The I/O side of building the conversation engine: reads the data folders, hands their
// contents to the pure core (dialogue::build_engine), returns the engine or why it failed.

#include <filesystem>
#include <string>
#include <variant>

#include "dialogue/engine.hpp"

namespace advisor::server {

struct data_dirs {
  std::filesystem::path intents;    // intents/data
  std::filesystem::path knowledge;  // knowledge/data
};

// Every regular file of both folders, sorted by name, is read and passed on.
std::variant<dialogue::engine_ptr, std::string> load_engine(
    const data_dirs& dirs, const dialogue::availability& hours = {});

}  // namespace advisor::server
