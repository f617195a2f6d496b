#pragma once
// `advisor leads`: list stored bookings; `advisor leads delete REF`: remove one;
// `advisor leads retry [REF]`: send dead letters again and resume endpoints that said 410.

#include <CLI/CLI.hpp>

#include <iosfwd>
#include <string>

#include "handoff/lead_store.hpp"
#include "server/config.hpp"

namespace advisor::server {

class leads_command {
 public:
  leads_command(CLI::App& app, config& settings);

  bool selected() const { return leads_->parsed(); }
  int run(std::ostream& out, std::ostream& err) const;

 private:
  int retry(handoff::lead_store& store, std::ostream& out, std::ostream& err) const;

  config& settings_;
  CLI::App* leads_;
  CLI::App* delete_;
  CLI::App* retry_;
  std::string format_ = "table";
  std::string reference_;
  std::string retry_reference_;
};

}  // namespace advisor::server
