#pragma once
// The command line of `advisor`: every config field as a flag with its default.

#include <CLI/CLI.hpp>

#include <string_view>

#include "server/config.hpp"

namespace advisor::server {

// The defaults, with the data folders in the source tree the binary was built from.
config default_config(std::string_view source_dir);

void add_server_options(CLI::App& app, config& settings);

}  // namespace advisor::server
