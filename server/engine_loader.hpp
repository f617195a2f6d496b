#pragma once
// The I/O side of building the conversation engine: reads the data folders, hands their
// contents to the pure core (dialogue::build_engine), returns the engine or why it failed.

#include <filesystem>
#include <string>
#include <system_error>
#include <variant>
#include <vector>

#include "dialogue/engine.hpp"

namespace advisor::server {

struct data_dirs {
  std::filesystem::path intents;    // intents/data
  std::filesystem::path knowledge;  // knowledge/data
};

// The files the engine is built from: every regular file under `dir`, relative to it, sorted.
// The console lists them and `advisor check` counts them.
std::vector<std::filesystem::path> data_files(const std::filesystem::path& dir,
                                              std::error_code& ec);

// What the engine is built with besides the data files.
struct engine_settings {
  dialogue::availability hours;
  std::size_t understanding_cache_entries = 0;  // see dialogue::engine_inputs
};

// Every file of both folders (data_files) is read and passed on.
std::variant<dialogue::engine_ptr, std::string> load_engine(const data_dirs& dirs,
                                                            const engine_settings& settings = {});

}  // namespace advisor::server
