// The operators' console (issue 10): its page and every /api/admin endpoint it uses, against
// the real binary: absent without ADVISOR_ADMIN_TOKEN, 401 without the token, wrong tokens
// slowed down, leads newest first with search, slot zones and delivery state, CSV, delete,
// health, and no visitor's name or email in the server's log.

#include <cctype>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <variant>

#include <catch2/catch.hpp>

#include "handoff/lead_store.hpp"
#include "tests/integration/clients.hpp"
#include "tests/integration/server_process.hpp"

using namespace advisor::test;
using namespace std::chrono_literals;

namespace {

const std::string token = "console-test-token-5f1c9a";

struct booking {
  std::string name;
  std::string email;
  int day;                   // of December 2026, 13:00 UTC
  std::chrono::hours age{};  // booked this long ago
};

// Stores bookings straight into `db` (no webhook configured: their deliveries stay pending).
std::vector<std::string> store(const std::string& db, const std::vector<booking>& bookings) {
  auto opened = advisor::handoff::lead_store::open(db);
  REQUIRE(std::holds_alternative<std::unique_ptr<advisor::handoff::lead_store>>(opened));
  auto& s = *std::get<std::unique_ptr<advisor::handoff::lead_store>>(opened);
  std::vector<std::string> refs;
  for (const auto& b : bookings) {
    advisor::dialogue::booking_request r;
    r.name = b.name;
    r.email = b.email;
    r.company = "Analytical Engines";
    r.project = "an API";
    r.slot_start = advisor::dialogue::time_point{std::chrono::sys_days{
                       std::chrono::year{2026} / 12 / std::chrono::day{unsigned(b.day)}}} +
                   13h;
    r.time_zone = "Europe/Berlin";
    r.visitor_time_zone = "America/New_York";
    r.transcript = {{"visitor", "I'd like to <b>book</b> a call"}, {"bot", "Gladly."}};
    const auto now =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    const auto result = s.book(r, now - b.age);
    REQUIRE(result.result == advisor::handoff::book_result::kind::stored);
    refs.push_back(result.reference);
  }
  return refs;
}

http_response call(const server_process& server, std::string_view method, std::string_view target,
                   std::optional<std::string> bearer = token) {
  http_options options;
  if (bearer) options.headers.emplace_back("Authorization", "Bearer " + *bearer);
  return http_send(server.port(), method, target, options);
}

json body_of(const http_response& res) {
  INFO(res.body);
  REQUIRE(res.header("content-type") == "application/json");
  return json::parse(res.body);
}

}  // namespace

TEST_CASE("without ADVISOR_ADMIN_TOKEN the console does not exist", "[admin]") {
  server_process server{{}, env_list{{"ADVISOR_ADMIN_TOKEN", ""}}};
  for (const char* target : {"/admin", "/admin.html", "/admin.js", "/admin.css", "/api/admin/leads",
                             "/api/admin/health", "/api/admin/leads.csv"}) {
    INFO(target);
    CHECK(call(server, "GET", target).status == 404);
    CHECK(call(server, "GET", target, std::nullopt).status == 404);
  }
}

TEST_CASE("the console page is served with a strict Content-Security-Policy", "[admin]") {
  server_process server{{}, env_list{{"ADVISOR_ADMIN_TOKEN", token}}};
  const auto page = call(server, "GET", "/admin", std::nullopt);
  REQUIRE(page.status == 200);
  CHECK(page.header("content-type").starts_with("text/html"));
  const auto policy = page.header("content-security-policy");
  CHECK(policy.find("default-src 'none'") != std::string::npos);
  CHECK(policy.find("script-src 'self'") != std::string::npos);
  CHECK(policy.find("unsafe-inline") == std::string::npos);
  CHECK(page.body.find("admin.js") != std::string::npos);
  CHECK(call(server, "GET", "/admin.js", std::nullopt).status == 200);
  CHECK(call(server, "GET", "/admin.css", std::nullopt).status == 200);
}

TEST_CASE("every console endpoint wants the token", "[admin]") {
  server_process server{{}, env_list{{"ADVISOR_ADMIN_TOKEN", token}}};
  const std::vector<std::pair<std::string, std::string>> endpoints{
      {"GET", "/api/admin/leads"},
      {"GET", "/api/admin/leads.csv"},
      {"GET", "/api/admin/health"},
      {"DELETE", "/api/admin/leads/ADV-0000000000"}};
  for (const auto& [method, target] : endpoints) {
    INFO(method << ' ' << target);
    const auto res = call(server, method, target, std::nullopt);
    CHECK(res.status == 401);
    CHECK(res.header("www-authenticate").starts_with("Bearer"));
  }
  CHECK(call(server, "GET", "/api/admin/health").status == 200);
}

TEST_CASE("wrong admin tokens are slowed down, per address, the right one included", "[admin]") {
  server_process server{{}, env_list{{"ADVISOR_ADMIN_TOKEN", token}}};
  int refused = 0;
  int limited = 0;
  for (int i = 0; i < 8; ++i) {
    const auto status = call(server, "GET", "/api/admin/health", token + "x").status;
    refused += status == 401;
    limited += status == 429;
  }
  CHECK(refused == 5);  // admin_guard::burst
  CHECK(limited == 3);
  // Guessing right now does not help: the address has to wait first.
  const auto res = call(server, "GET", "/api/admin/health");
  CHECK(res.status == 429);
  CHECK_FALSE(res.header("retry-after").empty());
  CHECK(server.output().find(token) == std::string::npos);
}

TEST_CASE("the console lists leads newest first, with search, zones and delivery", "[admin]") {
  temp_dir dir;
  const auto refs = store(dir.db(), {{"Ada Lovelace", "ada@example.com", 3, 48h},
                                     {"Grace Hopper", "grace@example.com", 4, 1h}});
  server_process server{{{"--db", dir.db()}, {"--timezone", "Europe/Berlin"}},
                        env_list{{"ADVISOR_ADMIN_TOKEN", token}}};

  const auto all = body_of(call(server, "GET", "/api/admin/leads"));
  REQUIRE(all["leads"].size() == 2);
  CHECK(all["time_zone"] == "Europe/Berlin");
  const auto& newest = all["leads"][0];
  CHECK(newest["reference"] == refs[1]);
  CHECK(newest["name"] == "Grace Hopper");
  CHECK(all["leads"][1]["reference"] == refs[0]);
  CHECK(newest["slot"]["utc"] == "2026-12-04T13:00:00Z");
  CHECK(newest["slot"]["local"] == "Fri 04 Dec 2026, 14:00 CET");
  CHECK(newest["slot"]["visitor_local"] == "Fri 04 Dec 2026, 08:00 EST");
  CHECK(newest["delivery"]["state"] == "pending");
  CHECK(newest["delivery"]["next_attempt"].is_string());
  CHECK(newest["delivery"]["attempts"] == 0);
  CHECK(newest["delivery"]["configured"] == false);
  REQUIRE(newest["transcript"].size() == 2);
  CHECK(newest["transcript"][0]["text"] == "I'd like to <b>book</b> a call");

  const auto found = body_of(call(server, "GET", "/api/admin/leads?q=LOVELACE"));
  REQUIRE(found["leads"].size() == 1);
  CHECK(found["leads"][0]["email"] == "ada@example.com");
  CHECK(body_of(call(server, "GET", "/api/admin/leads?q=" + refs[1]))["leads"].size() == 1);
  CHECK(body_of(call(server, "GET", "/api/admin/leads?q=nobody"))["leads"].empty());
  CHECK(call(server, "GET", "/api/admin/leads?q=" + std::string(201, 'a')).status == 400);

  const auto csv = call(server, "GET", "/api/admin/leads.csv");
  CHECK(csv.status == 200);
  CHECK(csv.header("content-type").starts_with("text/csv"));
  CHECK(csv.header("content-disposition").find("leads.csv") != std::string::npos);
  CHECK(csv.body.find(refs[0]) != std::string::npos);
  CHECK(csv.body.find(refs[1]) != std::string::npos);
}

TEST_CASE("the console deletes a lead, and only a lead that exists", "[admin]") {
  temp_dir dir;
  const auto refs = store(dir.db(), {{"Ada Lovelace", "ada@example.com", 3, 2h},
                                     {"Grace Hopper", "grace@example.com", 4, 1h}});
  server_process server{{{"--db", dir.db()}}, env_list{{"ADVISOR_ADMIN_TOKEN", token}}};

  CHECK(call(server, "GET", "/api/admin/leads/" + refs[0]).status == 405);
  CHECK(call(server, "DELETE", "/api/admin/leads/ADV-0000000000").status == 404);
  CHECK(call(server, "DELETE", "/api/admin/leads/%3Cscript%3E").status == 400);
  CHECK(body_of(call(server, "GET", "/api/admin/leads"))["leads"].size() == 2);

  const auto deleted = call(server, "DELETE", "/api/admin/leads/" + refs[0]);
  CHECK(deleted.status == 200);
  CHECK(body_of(deleted)["deleted"] == refs[0]);
  const auto left = body_of(call(server, "GET", "/api/admin/leads"));
  REQUIRE(left["leads"].size() == 1);
  CHECK(left["leads"][0]["reference"] == refs[1]);
  CHECK(call(server, "DELETE", "/api/admin/leads/" + refs[0]).status == 404);
  CHECK(server.wait_for_output("deleted booking " + refs[0], 5s));

  // The log names bookings by reference only, and never the token.
  const auto log = server.output();
  for (const char* secret : {"Ada Lovelace", "ada@example.com", "Grace", "grace@example.com"}) {
    INFO(secret);
    CHECK(log.find(secret) == std::string::npos);
  }
  CHECK(log.find(token) == std::string::npos);
}

TEST_CASE("the console's health says what /metrics knows, for a person", "[admin]") {
  temp_dir dir;
  store(dir.db(), {{"Ada Lovelace", "ada@example.com", 3, 2h}});
  server_process server{{{"--db", dir.db()}}, env_list{{"ADVISOR_ADMIN_TOKEN", token}}};
  {
    ws_client chat{server.port()};
    (void)chat.read_json();  // welcome
    chat.send_json({{"type", "message"}, {"text", "hello"}});
    (void)chat.read_json();  // the reply
    const auto h = body_of(call(server, "GET", "/api/admin/health"));
    CHECK(h["connections"] == 1);
    CHECK(h["replies_last_hour"]["by_intent"]["greeting"] == 1);
  }
  const auto h = body_of(call(server, "GET", "/api/admin/health"));
  CHECK(h["version"].is_string());
  CHECK(h["uptime_seconds"].get<long>() >= 0);
  CHECK(h["storage"] == "ok");
  const auto files = h["knowledge"]["files"];
  CHECK(std::find(files.begin(), files.end(), "intents/intents.json") != files.end());
  CHECK(std::find(files.begin(), files.end(), "knowledge/knowledge.txt") != files.end());
  CHECK(h["webhook"]["pending"] == 1);
  CHECK(h["webhook"]["configured"] == false);
  CHECK(h["reloads"]["ok"] == 0);
}

namespace {

// What the console's review list holds, once it holds `count` groups (the recorder writes in
// batches every two seconds); fails the test at the deadline.
std::string percent_encoded(const std::string& text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '_' || c == '.') {
      out += c;
    } else {
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
  return out;
}

json review_once(const server_process& server, std::size_t count) {
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  for (;;) {
    auto review = body_of(call(server, "GET", "/api/admin/review"));
    if (review["groups"].size() >= count) return review;
    if (std::chrono::steady_clock::now() > deadline) FAIL("no review groups: " << review.dump());
    std::this_thread::sleep_for(50ms);  // polling the API, with the deadline above
  }
}

}  // namespace

TEST_CASE("what the bot could not answer is kept for review, masked and grouped", "[admin]") {
  temp_dir dir;
  server_process server{{{"--db", dir.db()}}, env_list{{"ADVISOR_ADMIN_TOKEN", token}}};
  const std::string question =
      "I'm Sarah Kim, sarah@northwind.io, +49 30 1234567: what is the best pizza topping?";
  {
    ws_client chat{server.port()};
    (void)chat.read_json();  // welcome
    for (const auto& text : {question, question + "!!", std::string{"Hi there"}}) {
      chat.send_json({{"type", "message"}, {"text", text}});
      const auto reply = chat.read_json();
      INFO(reply.dump());
      if (text != "Hi there") {
        CHECK((reply["intent"] == "out_of_scope" || reply["intent"] == "fallback"));
      }
    }
  }
  const auto review = review_once(server, 1);
  CHECK(review["enabled"] == true);
  CHECK(review["retention_days"] == 30);
  REQUIRE(review["groups"].size() == 1);  // the greeting is not a question to review
  const auto& group = review["groups"][0];
  CHECK(group["count"] == 2);
  const std::string text = group["text"];
  CHECK(text.find("[name]") != std::string::npos);
  CHECK(text.find("[email]") != std::string::npos);
  CHECK(text.find("[phone]") != std::string::npos);
  CHECK(text.find("pizza topping") != std::string::npos);
  CHECK(group["reply"].get<std::string>().size() > 0);
  CHECK(group["first_seen"].is_string());
  // Nothing that was masked reached the store, the API or the log.
  for (const char* secret : {"Sarah", "Kim", "northwind.io", "1234567"}) {
    INFO(secret);
    CHECK(review.dump().find(secret) == std::string::npos);
    CHECK(server.output().find(secret) == std::string::npos);
  }

  CHECK(call(server, "DELETE", "/api/admin/review").status == 400);
  CHECK(call(server, "DELETE", "/api/admin/review?key=nothing").status == 404);
  CHECK(call(server, "DELETE", "/api/admin/review?key=" + percent_encoded(group["key"])).status ==
        200);
  CHECK(body_of(call(server, "GET", "/api/admin/review"))["groups"].empty());
}

TEST_CASE("with --no-review no question is kept for review", "[admin]") {
  server_process server{{{"--no-review", ""}}, env_list{{"ADVISOR_ADMIN_TOKEN", token}}};
  const auto review = body_of(call(server, "GET", "/api/admin/review"));
  CHECK(review["enabled"] == false);
  CHECK(review["groups"].empty());
  CHECK(call(server, "GET", "/api/admin/review", std::nullopt).status == 401);
}

TEST_CASE("a delivery the receiver refuses shows as pending with its next attempt and error",
          "[admin]") {
  temp_dir dir;
  const auto refs = store(dir.db(), {{"Ada Lovelace", "ada@example.com", 3, 1h}});
  // Nothing listens on port 1: every attempt fails at once and is retried later.
  server_process server{{{"--db", dir.db()},
                         {"--webhook-url", "http://127.0.0.1:1/hook"},
                         {"--webhook-retry-base-ms", "60000"}},
                        env_list{{"ADVISOR_ADMIN_TOKEN", token}}};
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  json delivery;
  for (;;) {
    delivery = body_of(call(server, "GET", "/api/admin/leads"))["leads"][0]["delivery"];
    if (delivery["attempts"] >= 1) break;
    if (std::chrono::steady_clock::now() > deadline) FAIL("no attempt: " << delivery.dump());
    std::this_thread::sleep_for(50ms);  // polling the API, with the deadline above
  }
  CHECK(delivery["state"] == "pending");
  CHECK(delivery["configured"] == true);
  CHECK_FALSE(delivery["last_error"].get<std::string>().empty());
  REQUIRE(delivery["next_attempt"].is_string());
  // The retry waits about a minute (with jitter: 30 s at least), so it lies ahead.
  CHECK(delivery["next_attempt"].get<std::string>() >
        body_of(call(server, "GET", "/api/admin/health"))["started_at"].get<std::string>());
  const auto health = body_of(call(server, "GET", "/api/admin/health"));
  CHECK(health["webhook"]["pending"] == 1);
  CHECK(health["webhook"]["configured"] == true);
}
