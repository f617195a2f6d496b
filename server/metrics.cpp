#include "server/metrics.hpp"

#include <algorithm>
#include <sstream>

namespace advisor::server {
namespace {
constexpr auto relaxed = std::memory_order_relaxed;
}

void metrics::http_request(unsigned status) {
  const auto index = std::min<std::size_t>(status / 100, http_by_class_.size() - 1);
  http_by_class_[index].fetch_add(1, relaxed);
}

void metrics::error(protocol::error_code code) {
  errors_[static_cast<std::size_t>(code)].fetch_add(1, relaxed);
}

void metrics::close(unsigned short code) {
  const auto it = std::find(close_codes_.begin(), close_codes_.end(), code);
  closes_[static_cast<std::size_t>(it - close_codes_.begin())].fetch_add(1, relaxed);
}

void metrics::engine_reload(bool ok) {
  (ok ? reloads_ok_ : reloads_failed_).fetch_add(1, relaxed);
}

std::string metrics::render(const samples& now) const {
  std::ostringstream out;
  out << "# HELP advisor_http_requests_total HTTP responses sent, by status class.\n"
         "# TYPE advisor_http_requests_total counter\n";
  for (std::size_t i = 1; i < http_by_class_.size(); ++i) {
    out << "advisor_http_requests_total{class=\"" << i << "xx\"} "
        << http_by_class_[i].load(relaxed) << '\n';
  }
  out << "# HELP advisor_websocket_connections_total WebSocket connections accepted.\n"
         "# TYPE advisor_websocket_connections_total counter\n"
         "advisor_websocket_connections_total "
      << ws_opened_.load(relaxed)
      << "\n# HELP advisor_websocket_connections WebSocket connections open now.\n"
         "# TYPE advisor_websocket_connections gauge\n"
         "advisor_websocket_connections "
      << ws_active_.load(relaxed)
      << "\n# HELP advisor_sessions Conversations remembered now.\n"
         "# TYPE advisor_sessions gauge\n"
         "advisor_sessions "
      << now.sessions
      << "\n# HELP advisor_webhook_pending Bookings not yet accepted by the webhook receiver.\n"
         "# TYPE advisor_webhook_pending gauge\n"
         "advisor_webhook_pending "
      << now.pending_deliveries
      << "\n# HELP advisor_webhook_dead_letters Deliveries given up after the maximum age.\n"
         "# TYPE advisor_webhook_dead_letters gauge\n"
         "advisor_webhook_dead_letters "
      << now.dead_letters
      << "\n# HELP advisor_webhook_endpoint_gone Webhook URLs that answered 410 Gone.\n"
         "# TYPE advisor_webhook_endpoint_gone gauge\n"
         "advisor_webhook_endpoint_gone "
      << now.endpoints_gone << '\n';
  out << "# HELP advisor_replies_total Replies sent, by intent.\n"
         "# TYPE advisor_replies_total counter\n";
  for (std::size_t i = 0; i < replies_.size(); ++i) {
    out << "advisor_replies_total{intent=\"" << intents::intent_wire_names[i] << "\"} "
        << replies_[i].load(relaxed) << '\n';
  }
  out << "# HELP advisor_errors_total Error frames sent, by code.\n"
         "# TYPE advisor_errors_total counter\n";
  for (std::size_t i = 0; i < errors_.size(); ++i) {
    out << "advisor_errors_total{code=\""
        << protocol::to_string(static_cast<protocol::error_code>(i)) << "\"} "
        << errors_[i].load(relaxed) << '\n';
  }
  out << "# HELP advisor_websocket_closes_total Closes the server initiated, by close code.\n"
         "# TYPE advisor_websocket_closes_total counter\n";
  for (std::size_t i = 0; i < close_codes_.size(); ++i) {
    out << "advisor_websocket_closes_total{code=\"" << close_codes_[i] << "\"} "
        << closes_[i].load(relaxed) << '\n';
  }
  out << "advisor_websocket_closes_total{code=\"other\"} " << closes_.back().load(relaxed) << '\n';
  out << "# HELP advisor_bookings_total Confirmed booking attempts, by result.\n"
         "# TYPE advisor_bookings_total counter\n";
  constexpr std::array<std::string_view, 3> booking_results{"stored", "slot_taken", "failed"};
  static_assert(booking_results.size() == std::tuple_size_v<decltype(bookings_)>);
  for (std::size_t i = 0; i < bookings_.size(); ++i) {
    out << "advisor_bookings_total{result=\"" << booking_results[i] << "\"} "
        << bookings_[i].load(relaxed) << '\n';
  }
  out << "# HELP advisor_engine_reloads_total Knowledge and intent reloads (SIGHUP), by result.\n"
         "# TYPE advisor_engine_reloads_total counter\n"
         "advisor_engine_reloads_total{result=\"ok\"} "
      << reloads_ok_.load(relaxed) << "\nadvisor_engine_reloads_total{result=\"failed\"} "
      << reloads_failed_.load(relaxed) << '\n';
  return out.str();
}

}  // namespace advisor::server
