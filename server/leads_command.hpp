#pragma once
// `advisor leads`: list stored bookings; `advisor leads delete REF`: remove one.

#include <CLI/CLI.hpp>

#include <iosfwd>
#include <string>

#include "server/config.hpp"

namespace advisor::server {

class leads_command {
 public:
  leads_command(CLI::App& app, config& settings);

  bool selected() const { return leads_->parsed(); }
  int run(std::ostream& out, std::ostream& err) const;

 private:
  config& settings_;
  CLI::App* leads_;
  CLI::App* delete_;
  std::string format_ = "table";
  std::string reference_;
};

}  // namespace advisor::server
