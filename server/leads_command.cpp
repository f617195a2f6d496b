#include "server/leads_command.hpp"

#include <chrono>
#include <optional>
#include <ostream>

#include "handoff/lead_export.hpp"
#include "handoff/lead_store.hpp"

namespace advisor::server {

leads_command::leads_command(CLI::App& app, config& settings) : settings_{settings} {
  leads_ = app.add_subcommand("leads", "list the stored bookings (see also: leads delete REF)");
  leads_->add_option("--db", settings_.db, "SQLite file or postgresql:// URI")
      ->capture_default_str();
  leads_->add_option("--format", format_, "table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->capture_default_str();
  delete_ = leads_->add_subcommand("delete", "delete a booking and everything stored with it");
  delete_->add_option("--db", settings_.db, "SQLite file or postgresql:// URI")
      ->capture_default_str();
  delete_->add_option("reference", reference_, "the booking reference, e.g. ADV-7K3M9QXZ0A")
      ->required();
  retry_ = leads_->add_subcommand(
      "retry", "send dead letters again (all, or one booking's) and resume 410 endpoints");
  retry_->add_option("--db", settings_.db, "SQLite file or postgresql:// URI")
      ->capture_default_str();
  retry_->add_option("reference", retry_reference_, "only this booking's delivery");
}

// A running server picks the change up within a minute; a restarted one at once.
int leads_command::retry(handoff::lead_store& store, std::ostream& out, std::ostream& err) const {
  std::optional<std::string> only;
  if (!retry_reference_.empty()) only = retry_reference_;
  const auto now =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  const auto done = store.retry_deliveries(now, only);
  if (only && done.deliveries == 0) {
    err << "advisor leads retry: no dead letter for " << *only << '\n';
    return 1;
  }
  out << "requeued " << done.deliveries << (done.deliveries == 1 ? " delivery" : " deliveries");
  if (done.endpoints > 0) {
    out << "; resumed " << done.endpoints
        << (done.endpoints == 1 ? " endpoint that" : " endpoints that") << " answered 410";
  }
  out << '\n';
  return 0;
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
    if (retry_->parsed()) return retry(store, out, err);
    const auto leads = store.leads();
    if (format_ == "json") {
      out << handoff::leads_json(leads) << '\n';
    } else if (format_ == "csv") {
      out << handoff::leads_csv(leads);
    } else {
      out << handoff::leads_table(leads, store.gone_endpoints());
    }
  } catch (const std::exception& e) {
    err << "advisor leads: " << e.what() << '\n';
    return 2;
  }
  return 0;
}

}  // namespace advisor::server
