// Several instances on one PostgreSQL behind nginx (issue 9), with real servers the test
// starts and stops: a private PostgreSQL 15 cluster (tests/support/pg_cluster.hpp), two
// `advisor` processes and nginx in front. Skipped, with a warning saying why, on a machine
// without PostgreSQL 15 or nginx.

#include <signal.h>

#include <array>
#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "handoff/lead_store.hpp"
#include "tests/integration/clients.hpp"
#include "tests/integration/nginx_balancer.hpp"
#include "tests/integration/protocol_checks.hpp"
#include "tests/integration/server_process.hpp"
#include "tests/integration/webhook_receiver.hpp"
#include "tests/support/pg_cluster.hpp"

using namespace advisor::test;
namespace chr = std::chrono;

namespace {

pg_cluster& cluster() {
  static pg_cluster instance;
  return instance;
}

bool can_run() {
  if (auto why = pg_cluster::why_not()) {
    WARN("skipped: " << *why);
    return false;
  }
  if (auto why = nginx_balancer::why_not()) {
    WARN("skipped: " << *why);
    return false;
  }
  return true;
}

flag_list instance_flags(const std::string& uri, flag_list extra = {}) {
  // Every visitor of the test comes from 127.0.0.1: the per-address chat limit is lifted.
  flag_list flags{{"--db", uri},
                  {"--timezone", "UTC"},
                  {"--session-flush-ms", "100"},
                  {"--rate-limit", "10000"},
                  {"--rate-burst", "10000"}};
  flags.insert(flags.end(), extra.begin(), extra.end());
  return flags;
}

flag_list webhook_flags(std::uint16_t receiver_port) {
  return {{"--webhook-url", webhook_url(receiver_port)},
          {"--webhook-retry-base-ms", "50"},
          {"--webhook-retry-max-ms", "400"},
          // A held POST stays in flight this long (5 s); a claim lasts 5 s more.
          {"--webhook-timeout", "5"}};
}

std::unique_ptr<advisor::handoff::lead_store> open_store(const std::string& uri) {
  auto opened = advisor::handoff::lead_store::open(uri);
  if (auto* error = std::get_if<std::string>(&opened)) FAIL(*error);
  return std::get<std::unique_ptr<advisor::handoff::lead_store>>(std::move(opened));
}

// "2026-12-03 14:00": the `nth` weekday from two days ahead at hh:00 UTC, inside the default
// consultation hours whatever today is.
std::string weekday_slot(int nth, int hh) {
  auto day = chr::floor<chr::days>(chr::system_clock::now()) + chr::days{2};
  for (int seen = -1;; day += chr::days{1}) {
    const chr::weekday wd{day};
    if (wd != chr::Saturday && wd != chr::Sunday && ++seen == nth) break;
  }
  const chr::year_month_day ymd{day};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u %02d:00", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hh);
  return text;
}

// A visitor without WebSockets: POST /api/chat, carrying the session token along, so that
// each message may be answered by either instance behind the balancer.
class http_chat {
 public:
  explicit http_chat(std::uint16_t port) : port_{port} {}

  json say(const std::string& text) { return take(send(text)); }

  // The request alone, with no Catch assertion: safe on another thread (Catch2 v2's
  // assertions are not thread-safe); take() then checks it on the test's thread.
  http_response send(const std::string& text) const {
    json body = {{"text", text}};
    if (!session_.empty()) body["session"] = session_;
    return http_request(port_, "POST", "/api/chat", body.dump());
  }

  json take(const http_response& response) {
    INFO("POST /api/chat -> " << response.status << " " << response.body);
    REQUIRE(response.status == 200);
    json reply = json::parse(response.body, nullptr, false);
    REQUIRE_FALSE(reply.is_discarded());
    if (!session_.empty()) CHECK(reply.value("session", "") == session_);
    session_ = reply.value("session", "");
    return reply;
  }
  [[nodiscard]] const std::string& session() const { return session_; }

 private:
  std::uint16_t port_;
  std::string session_;
};

// A visitor on one WebSocket through the balancer: one instance answers it throughout.
class ws_chat {
 public:
  explicit ws_chat(std::uint16_t port) : client_{port} {
    const json welcome = client_.read_json();
    session_ = welcome.value("session", "");
  }
  json say(const std::string& text) {
    const std::string id = "m" + std::to_string(++sent_);
    client_.send_json(message(text, id));
    json reply = client_.read_json();
    INFO(reply.dump());
    CHECK(reply.value("reply_to", "") == id);
    return reply;
  }
  [[nodiscard]] const std::string& session() const { return session_; }

 private:
  ws_client client_;
  std::string session_;
  int sent_ = 0;
};

std::string asking(const json& reply) {
  const json form = reply.value("form", json{});
  return form.is_object() ? form.value("field", "") : "";
}

std::string booked_reference(const json& reply) {
  const json booking = reply.value("booking", json{});
  return booking.is_object() ? booking.value("reference", "") : "";
}

struct visitor_input {
  std::string name = "Ada Lovelace";
  std::string email = "ada@example.com";
  std::string slot;  // typed; empty: the first one offered
};

// Name and email given: the form asks for the company next.
template <class Chat>
void start_form(Chat& chat, const visitor_input& in) {
  REQUIRE(asking(chat.say("Book a free consultation")) == "name");
  REQUIRE(asking(chat.say(in.name)) == "email");
  REQUIRE(asking(chat.say(in.email)) == "company");
}

// From the company to the summary: the next "yes" books.
template <class Chat>
void finish_form(Chat& chat, const visitor_input& in) {
  REQUIRE(asking(chat.say("Analytical Engines")) == "project");
  const json slots = chat.say("A realtime dashboard for sensor data");
  REQUIRE(asking(slots) == "slot");
  std::string slot = in.slot;
  if (slot.empty()) {
    for (const auto& s : slots.value("suggestions", json::array())) {
      if (s.is_string() && s.get<std::string>().find(':') != std::string::npos) {
        slot = s.get<std::string>();
        break;
      }
    }
  }
  const json consent = chat.say(slot);
  INFO(consent.dump());
  REQUIRE(asking(consent) == "consent");
  REQUIRE(asking(chat.say("yes")) == "confirm");
}

// Polls `port`'s /readyz until it answers `status` (a deadline, no fixed sleep).
bool readyz_becomes(std::uint16_t port, int status, chr::milliseconds deadline) {
  const auto until = chr::steady_clock::now() + deadline;
  while (chr::steady_clock::now() < until) {
    try {
      if (http_request(port, "GET", "/readyz", {}, "application/json", 3s).status == status) {
        return true;
      }
    } catch (const std::exception&) {
      // Not answering at all counts as not yet.
    }
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

// Accepted deliveries (answered 2xx) per webhook-id, the idempotency key.
std::map<std::string, int> accepted(const std::vector<received_request>& requests) {
  std::map<std::string, int> out;
  for (const auto& r : requests) {
    if (r.answered / 100 == 2) ++out[r.header("webhook-id")];
  }
  return out;
}

}  // namespace

TEST_CASE(
    "scale-out: a half-filled form survives kill -9 of an instance and is booked on the other",
    "[scaleout]") {
  if (!can_run()) return;
  const auto uri = cluster().create_database();
  server_process a{instance_flags(uri)};
  server_process b{instance_flags(uri)};
  const nginx_balancer balancer{{a.port(), b.port()}};

  // Round robin, no stickiness: consecutive messages of this visitor alternate instances.
  http_chat visitor{balancer.port()};
  const visitor_input in;
  start_form(visitor, in);

  a.send_signal(SIGKILL);
  REQUIRE(a.wait_exit(10s).has_value());

  // The form goes on where it was, on B; a WebSocket reconnect resumes it too.
  {
    ws_client socket{balancer.port(), ws_target("/ws?session=" + visitor.session())};
    const json welcome = socket.read_json();
    CHECK(welcome.value("resumed", false));
    CHECK(welcome.value("session", "") == visitor.session());
  }
  finish_form(visitor, in);
  const auto reference = booked_reference(visitor.say("yes"));
  REQUIRE_FALSE(reference.empty());

  const auto leads = open_store(uri)->leads();
  REQUIRE(leads.size() == 1);
  CHECK(leads[0].reference == reference);
  CHECK(leads[0].name == in.name);
  CHECK(leads[0].email == in.email);
}

TEST_CASE("scale-out: two visitors on two instances race for one slot 20 times, one booking each",
          "[scaleout]") {
  if (!can_run()) return;
  const auto uri = cluster().create_database();
  server_process a{instance_flags(uri)};
  server_process b{instance_flags(uri)};
  const nginx_balancer balancer{{a.port(), b.port()}};
  for (int round = 0; round < 20; ++round) {
    const auto slot = weekday_slot(round / 8, 9 + round % 8);
    INFO("round " << round << ", slot " << slot);
    // Each visitor on an instance of its own, so the race is between instances.
    http_chat first{a.port()};
    http_chat second{b.port()};
    const visitor_input ada{"Ada Lovelace", "ada@example.com", slot};
    const visitor_input grace{"Grace Hopper", "grace@example.com", slot};
    start_form(first, ada);
    finish_form(first, ada);
    start_form(second, grace);
    finish_form(second, grace);

    std::atomic<bool> go{false};
    http_response first_response;
    std::thread racer{[&] {
      while (!go) std::this_thread::yield();
      first_response = first.send("yes");
    }};
    go = true;
    const auto second_response = second.send("yes");
    racer.join();
    const json first_reply = first.take(first_response);
    const json second_reply = second.take(second_response);
    const int booked = (booked_reference(first_reply).empty() ? 0 : 1) +
                       (booked_reference(second_reply).empty() ? 0 : 1);
    INFO(first_reply.dump() << "\n" << second_reply.dump());
    CHECK(booked == 1);
  }
  CHECK(open_store(uri)->leads().size() == 20);
  // The admin view through the balancer agrees (any instance answers it).
  CHECK(http_request(balancer.port(), "GET", "/readyz").status == 200);
}

TEST_CASE(
    "scale-out: each booking reaches the webhook once while both instances deliver, "
    "also when one is killed mid-delivery",
    "[scaleout][webhook]") {
  if (!can_run()) return;
  const auto uri = cluster().create_database();
  webhook_receiver receiver;
  server_process a{instance_flags(uri, webhook_flags(receiver.port()))};
  server_process b{instance_flags(uri, webhook_flags(receiver.port()))};
  const nginx_balancer balancer{{a.port(), b.port()}};

  constexpr int bookings = 6;
  for (int n = 0; n < bookings; ++n) {
    http_chat visitor{balancer.port()};
    const visitor_input in{"Visitor Testperson", "v" + std::to_string(n) + "@example.com",
                           weekday_slot(1, 9 + n)};
    start_form(visitor, in);
    finish_form(visitor, in);
    REQUIRE_FALSE(booked_reference(visitor.say("yes")).empty());
  }
  REQUIRE(
      receiver.wait_until([&](const auto& all) { return accepted(all).size() == bookings; }, 30s));
  // Both deliverers keep looking every second: nothing arrives twice.
  CHECK_FALSE(receiver.wait_until([](const auto& all) { return all.size() > bookings; }, 3s));
  for (const auto& [key, count] : accepted(receiver.requests())) {
    INFO(key);
    CHECK(count == 1);
  }

  // A delivery in flight when its instance is killed: the receiver holds A's POST unanswered.
  receiver.hold_answers(true);
  http_chat visitor{a.port()};
  const visitor_input in{"Late Testperson", "late@example.com", weekday_slot(2, 9)};
  start_form(visitor, in);
  finish_form(visitor, in);
  const auto reference = booked_reference(visitor.say("yes"));
  REQUIRE_FALSE(reference.empty());
  REQUIRE(receiver.wait_until(
      [&](const auto& all) {
        return std::any_of(all.begin(), all.end(),
                           [&](const auto& r) { return r.header("webhook-id") == reference; });
      },
      20s));
  // While the POST is in flight (--webhook-timeout 5 s) and claimed (5 s more), the other
  // deliverer, looking every second, leaves the booking alone.
  const auto posts_of = [&](const std::vector<received_request>& all) {
    return std::count_if(all.begin(), all.end(),
                         [&](const auto& r) { return r.header("webhook-id") == reference; });
  };
  CHECK_FALSE(receiver.wait_until([&](const auto& all) { return posts_of(all) > 1; }, 3s));
  a.send_signal(SIGKILL);
  REQUIRE(a.wait_exit(10s).has_value());
  receiver.hold_answers(false);
  // B takes the expired claim over (or, had B sent the held POST, retries it after its timeout).
  REQUIRE(receiver.wait_until([&](const auto& all) { return accepted(all).count(reference) == 1; },
                              30s));
  CHECK_FALSE(
      receiver.wait_until([&](const auto& all) { return accepted(all).at(reference) > 1; }, 2s));
  CHECK(accepted(receiver.requests()).at(reference) == 1);
  CHECK(open_store(uri)->pending_deliveries() == 0);
}

TEST_CASE(
    "scale-out: PostgreSQL stopped and started during traffic: nothing acknowledged "
    "unstored, the service recovers by itself",
    "[scaleout]") {
  if (!can_run()) return;
  const auto uri = cluster().create_database();
  server_process a{instance_flags(uri)};
  server_process b{instance_flags(uri)};
  const nginx_balancer balancer{{a.port(), b.port()}};

  ws_chat visitor{balancer.port()};
  const visitor_input in;
  start_form(visitor, in);
  finish_form(visitor, in);

  cluster().stop();
  // Questions are still answered; the booking is not acknowledged.
  const auto answer = visitor.say("Should I use Node.js or Python?");
  CHECK_FALSE(answer.value("text", "").empty());
  const auto refused = visitor.say("yes");
  INFO(refused.dump());
  CHECK(booked_reference(refused).empty());
  CHECK(refused.value("text", "").find("try again in a moment") != std::string::npos);
  CHECK(readyz_becomes(a.port(), 503, 10s));
  CHECK(readyz_becomes(b.port(), 503, 10s));

  cluster().start();
  CHECK(readyz_becomes(a.port(), 200, 30s));
  CHECK(readyz_becomes(b.port(), 200, 30s));
  std::string reference;
  for (int attempt = 0; attempt < 3 && reference.empty(); ++attempt) {
    reference = booked_reference(visitor.say("yes"));
  }
  REQUIRE_FALSE(reference.empty());
  const auto leads = open_store(uri)->leads();
  REQUIRE(leads.size() == 1);
  CHECK(leads[0].reference == reference);
}

TEST_CASE("scale-out: advisor leads, /api/leads and advisor leads delete work against PostgreSQL",
          "[scaleout][leads]") {
  if (!can_run()) return;
  const auto uri = cluster().create_database();
  const std::string token = "scaleout-admin-token-4c1d";
  const env_list admin{{"ADVISOR_ADMIN_TOKEN", token}};
  server_process a{instance_flags(uri), admin};
  server_process b{instance_flags(uri), admin};
  const nginx_balancer balancer{{a.port(), b.port()}};

  http_chat visitor{balancer.port()};
  const visitor_input in;
  start_form(visitor, in);
  finish_form(visitor, in);
  const auto reference = booked_reference(visitor.say("yes"));
  REQUIRE_FALSE(reference.empty());

  // Whichever instance answers, /api/leads lists the booking (twice: both instances).
  for (int i = 0; i < 2; ++i) {
    http_options options;
    options.headers.emplace_back("Authorization", "Bearer " + token);
    const auto response = http_send(balancer.port(), "GET", "/api/leads", options);
    INFO(response.body);
    REQUIRE(response.status == 200);
    CHECK(response.body.find(reference) != std::string::npos);
  }
  const auto listed = run_advisor({"leads", "--db", uri, "--format", "json"});
  INFO(listed.err);
  REQUIRE(listed.status.exited);
  CHECK(listed.status.code == 0);
  CHECK(listed.out.find(reference) != std::string::npos);
  CHECK(listed.out.find(in.email) != std::string::npos);

  const auto deleted = run_advisor({"leads", "delete", reference, "--db", uri});
  CHECK(deleted.status.code == 0);
  CHECK(deleted.out == "deleted " + reference + "\n");
  CHECK(open_store(uri)->leads().empty());
  CHECK(run_advisor({"leads", "delete", reference, "--db", uri}).status.code == 1);
}

TEST_CASE(
    "scale-out: two tabs of one session on two instances: the first save wins, the "
    "other tab continues from it",
    "[scaleout][session]") {
  if (!can_run()) return;
  const auto uri = cluster().create_database();
  server_process a{instance_flags(uri)};
  server_process b{instance_flags(uri)};

  ws_chat first_tab{a.port()};
  REQUIRE(asking(first_tab.say("Book a free consultation")) == "name");
  ws_client second_tab{b.port(), ws_target("/ws?session=" + first_tab.session())};
  REQUIRE(second_tab.read_json().value("resumed", false));

  REQUIRE(asking(first_tab.say("Ada Lovelace")) == "email");  // saved first, on A
  // B still holds the form before the name: its answer is based on that, and its save,
  // from the version it read, is refused; B then takes the stored conversation.
  second_tab.send_json(message("Grace Hopper", "g1"));
  const json stale = second_tab.read_json();
  INFO(stale.dump());
  CHECK(stale.value("reply_to", "") == "g1");

  // Either instance now continues from A's form: the name is Ada's, never Grace's.
  for (const auto port : {b.port(), a.port()}) {
    json body = {{"text", "skip"}, {"session", first_tab.session()}};
    const auto response = http_request(port, "POST", "/api/chat", body.dump());
    INFO(response.body);
    REQUIRE(response.status == 200);
    const json reply = json::parse(response.body);
    const json filled = reply.value("form", json::object()).value("filled", json::object());
    CHECK(filled.value("name", "") == "Ada Lovelace");
  }
}
