#include "server/leads_command.hpp"

#include <ostream>

#include "handoff/lead_export.hpp"
#include "handoff/lead_store.hpp"

namespace advisor::server {

leads_command::leads_command(CLI::App& app, config& settings) : settings_{settings} {
  leads_ = app.add_subcommand("leads", "list the stored bookings (see also: leads delete REF)");
  leads_->add_option("--db", settings_.db, "SQLite file")->capture_default_str();
  leads_->add_option("--format", format_, "table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->capture_default_str();
  delete_ = leads_->add_subcommand("delete", "delete a booking and everything stored with it");
  delete_->add_option("--db", settings_.db, "SQLite file")->capture_default_str();
  delete_->add_option("reference", reference_, "the booking reference, e.g. ADV-7K3M9QXZ0A")
      ->required();
}

int leads_command::run(std::ostream& out, std::ostream& err) const {
  auto opened = handoff::lead_store::open(settings_.db);
  if (auto* error = std::get_if<std::string>(&opened)) {
    err << "advisor leads: " << *error << '\n';
    return 2;
  }
  auto& store = *std::get<0>(opened);
  try {
    if (delete_->parsed()) {
      if (!store.remove(reference_)) {
        err << "advisor leads delete: no booking " << reference_ << '\n';
        return 1;
      }
      out << "deleted " << reference_ << '\n';
      return 0;
    }
    const auto leads = store.leads();
    if (format_ == "json") {
      out << handoff::leads_json(leads) << '\n';
    } else if (format_ == "csv") {
      out << handoff::leads_csv(leads);
    } else {
      out << handoff::leads_table(leads);
    }
  } catch (const std::exception& e) {
    err << "advisor leads: " << e.what() << '\n';
    return 2;
  }
  return 0;
}

}  // namespace advisor::server
