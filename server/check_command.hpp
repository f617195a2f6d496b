#pragma once
// `advisor check`: builds the engine from the data folders exactly as the server would (and so
// also checks the settings the engine takes: time zone, hours) and says whether it loaded,
// like `nginx -t`. Exit 0 when it did; 1 and "file:line: problem" on the first problem.

#include <CLI/CLI.hpp>

#include <iosfwd>

#include "server/config.hpp"

namespace advisor::server {

class check_command {
 public:
  check_command(CLI::App& app, config& settings);

  bool selected() const { return check_->parsed(); }
  int run(std::ostream& out, std::ostream& err) const;

 private:
  config& settings_;
  CLI::App* check_;
};

}  // namespace advisor::server
