// The same behaviour, from both implementations of handoff::lead_store: SQLite in a
// temporary file and PostgreSQL in a private cluster this process starts (tests/support).
// Each TEMPLATE_TEST_CASE runs once per backend, as a ctest test of its own.
#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <thread>

#include "handoff/lead_store.hpp"
#include "tests/support/store_backends.hpp"

using namespace advisor;
using namespace std::chrono_literals;
using test::cluster;
using test::postgresql_backend;
using test::sqlite_backend;

namespace {

std::unique_ptr<handoff::lead_store> open_at(const std::string& where,
                                             handoff::store_options options = {}) {
  auto opened = handoff::lead_store::open(where, options);
  if (auto* error = std::get_if<std::string>(&opened)) FAIL(*error);
  return std::get<std::unique_ptr<handoff::lead_store>>(std::move(opened));
}

const auto slot =
    dialogue::time_point{std::chrono::sys_days{std::chrono::year{2026} / 12 / 3}} + 13h;
const auto now =
    dialogue::time_point{std::chrono::sys_days{std::chrono::year{2026} / 11 / 28}} + 9h;
const auto now_ms = handoff::instant{now};

dialogue::booking_request request(std::string name, dialogue::time_point start = slot) {
  dialogue::booking_request r;
  r.name = std::move(name);
  r.email = "ada@example.com";
  r.company = "Analytical Engines";
  r.project = "a chat with '; DROP TABLE bookings; -- in it";
  r.slot_start = start;
  r.slot_length = 30min;
  r.time_zone = "Europe/Berlin";
  r.recommendation = "hybrid";
  r.topics = {"chat", "ml"};
  r.transcript = {{"visitor", "node or python?"}, {"bot", "Both, together."}};
  r.visitor_time_zone = "America/New_York";
  return r;
}

}  // namespace

TEMPLATE_TEST_CASE("store: a booking is stored whole, once per slot", "[store]", sqlite_backend,
                   postgresql_backend) {
  TestType backend;
  if (!backend.available()) return;
  auto store = open_at(backend.where());
  CHECK(store->shared() == TestType::shared);
  CHECK(store->ping());

  const auto booked = store->book(request("Ada Lovelace"), now);
  REQUIRE(booked.result == handoff::book_result::kind::stored);
  CHECK_FALSE(booked.again);
  const auto leads = store->leads();
  REQUIRE(leads.size() == 1);
  CHECK(leads[0].reference == booked.reference);
  CHECK(leads[0].project == "a chat with '; DROP TABLE bookings; -- in it");
  CHECK(leads[0].slot_start == slot);
  CHECK(leads[0].slot_length == 30min);
  CHECK(leads[0].recommendation == std::optional<std::string>{"hybrid"});
  CHECK(leads[0].topics == std::vector<std::string>{"chat", "ml"});
  CHECK(leads[0].transcript.size() == 2);
  CHECK(leads[0].visitor_time_zone == "America/New_York");
  CHECK_FALSE(leads[0].delivered);
  CHECK(store->is_taken(slot));
  CHECK_FALSE(store->is_taken(slot + 30min));

  SECTION("another visitor gets slot_taken, the same one their booking back") {
    CHECK(store->book(request("Grace Hopper"), now).result ==
          handoff::book_result::kind::slot_taken);
    const auto again = store->book(request("Ada Lovelace"), now);
    CHECK(again.result == handoff::book_result::kind::stored);
    CHECK(again.again);
    CHECK(again.reference == booked.reference);
    CHECK(store->leads().size() == 1);
  }
  SECTION("find, and delete frees the slot and drops the delivery") {
    REQUIRE(store->find(booked.reference).has_value());
    CHECK_FALSE(store->find("ADV-NOPE").has_value());
    CHECK(store->remove(booked.reference));
    CHECK_FALSE(store->remove(booked.reference));
    CHECK(store->pending_deliveries() == 0);
    CHECK(store->book(request("Grace Hopper"), now).result == handoff::book_result::kind::stored);
  }
  SECTION("a second connection (another instance) sees the booking and cannot take the slot") {
    auto other = open_at(backend.where());
    CHECK_FALSE(other->created());
    CHECK(other->leads().size() == 1);
    CHECK(other->book(request("Grace Hopper"), now).result ==
          handoff::book_result::kind::slot_taken);
  }
}

TEMPLATE_TEST_CASE("store: two connections racing for one slot book it once, 20 times over",
                   "[store]", sqlite_backend, postgresql_backend) {
  TestType backend;
  if (!backend.available()) return;
  auto a = open_at(backend.where());
  auto b = open_at(backend.where());
  for (int round = 0; round < 20; ++round) {
    const auto start = slot + std::chrono::hours{round};
    std::atomic<bool> go{false};
    handoff::book_result first;
    handoff::book_result second;
    std::thread racer{[&] {
      while (!go) std::this_thread::yield();
      first = a->book(request("Ada Lovelace", start), now);
    }};
    go = true;
    second = b->book(request("Grace Hopper", start), now);
    racer.join();
    const int stored = (first.result == handoff::book_result::kind::stored ? 1 : 0) +
                       (second.result == handoff::book_result::kind::stored ? 1 : 0);
    CHECK(stored == 1);
  }
  CHECK(a->leads().size() == 20);
}

TEMPLATE_TEST_CASE("store: the webhook outbox", "[store][webhook]", sqlite_backend,
                   postgresql_backend) {
  TestType backend;
  if (!backend.available()) return;
  auto store = open_at(backend.where());
  const auto booked = store->book(request("Ada Lovelace"), now);
  REQUIRE(booked.result == handoff::book_result::kind::stored);
  CHECK(store->pending_deliveries() == 1);
  REQUIRE(store->next_due() == std::optional<handoff::instant>{now_ms});

  auto due = store->due(now_ms, 10);
  REQUIRE(due.size() == 1);
  CHECK(due[0].reference == booked.reference);
  CHECK(due[0].payload.find(booked.reference) != std::string::npos);
  CHECK(due[0].attempts == 0);
  CHECK(due[0].age_from == now_ms);

  SECTION("a failed attempt waits until its retry time") {
    store->retry_later(due[0].id, now_ms + 5s, "503");
    CHECK(store->due(now_ms + 4s, 10).empty());
    const auto later = store->due(now_ms + 5s, 10);
    REQUIRE(later.size() == 1);
    CHECK(later[0].attempts == 1);
  }
  SECTION("delivered is done") {
    store->delivered(due[0].id, now_ms + 1s);
    CHECK(store->due(now_ms + 1h, 10).empty());
    CHECK_FALSE(store->next_due().has_value());
    CHECK(store->pending_deliveries() == 0);
    CHECK(store->leads().at(0).delivered);
  }
  SECTION("a dead letter is never due until retried by command") {
    store->dead_letter(due[0].id, now_ms + 1s, "gave up");
    CHECK(store->dead_letters() == 1);
    CHECK(store->due(now_ms + 1h, 10).empty());
    CHECK(store->leads().at(0).dead_letter);
    store->mark_gone("https://example.com/hook", now_ms, "410 Gone");
    REQUIRE(store->gone("https://example.com/hook").has_value());
    CHECK(store->gone_endpoints().size() == 1);
    const auto requeued = store->retry_deliveries(now_ms + 2h, std::nullopt);
    CHECK(requeued.deliveries == 1);
    CHECK(requeued.endpoints == 1);
    CHECK_FALSE(store->gone("https://example.com/hook").has_value());
    CHECK(store->due(now_ms + 2h, 10).size() == 1);
  }
}

TEMPLATE_TEST_CASE("store: conversations with versions", "[store][session]", sqlite_backend,
                   postgresql_backend) {
  TestType backend;
  if (!backend.available()) return;
  auto store = open_at(backend.where());
  const auto first = store->save_sessions({{"tok1", R"({"a":1})"}, {"tok2", "{}"}}, now);
  CHECK(first == std::vector<std::int64_t>{1, 1});
  auto loaded = store->load_session("tok1", now - 30min);
  REQUIRE(loaded.has_value());
  CHECK(loaded->state == R"({"a":1})");
  CHECK(loaded->version == 1);

  SECTION("a save from the version read moves it on; one from an older version is refused") {
    CHECK(store->save_sessions({{"tok1", R"({"a":2})", 1}}, now + 1s) ==
          std::vector<std::int64_t>{2});
    auto other = open_at(backend.where());  // a tab on another instance, still at version 1
    CHECK(other->save_sessions({{"tok1", R"({"a":"stale"})", 1}}, now + 2s, false) ==
          std::vector<std::int64_t>{0});
    const auto kept = store->load_session("tok1", now);
    REQUIRE(kept.has_value());
    CHECK(kept->state == R"({"a":2})");
    CHECK(kept->version == 2);
  }
  SECTION("too old is not found, and is forgotten") {
    CHECK_FALSE(store->load_session("tok1", now + 1s).has_value());
    store->forget_sessions(now + 1s);
    CHECK_FALSE(store->load_session("tok2", now - 1h).has_value());
  }
}

TEST_CASE("postgresql store: a claimed delivery is nobody else's until its claim expires",
          "[store][webhook][postgresql]") {
  postgresql_backend backend;
  if (!backend.available()) return;
  const handoff::store_options options{10s};
  auto a = open_at(backend.where(), options);
  auto b = open_at(backend.where(), options);
  REQUIRE(a->book(request("Ada Lovelace"), now).result == handoff::book_result::kind::stored);
  const auto claimed = a->due(now_ms, 10);
  REQUIRE(claimed.size() == 1);
  CHECK(b->due(now_ms, 10).empty());
  CHECK(b->due(now_ms + 9s, 10).empty());
  CHECK(b->next_due() == std::optional<handoff::instant>{now_ms + 10s});
  // A's deliverer died mid-delivery: B takes the claim over once it has expired.
  const auto taken_over = b->due(now_ms + 10s, 10);
  REQUIRE(taken_over.size() == 1);
  CHECK(taken_over[0].reference == claimed[0].reference);
  b->delivered(taken_over[0].id, now_ms + 11s);
  CHECK(a->due(now_ms + 1h, 10).empty());
}

TEST_CASE("postgresql store: instances starting together migrate once", "[store][postgresql]") {
  postgresql_backend backend;
  if (!backend.available()) return;
  std::vector<std::thread> starting;
  std::atomic<int> opened{0};
  std::atomic<int> created{0};
  for (int i = 0; i < 4; ++i) {
    starting.emplace_back([&] {
      auto result = handoff::lead_store::open(backend.where());
      if (auto* store = std::get_if<std::unique_ptr<handoff::lead_store>>(&result)) {
        ++opened;
        if ((*store)->created()) ++created;
      }
    });
  }
  for (auto& t : starting) t.join();
  CHECK(opened == 4);
  CHECK(created == 1);
}

TEST_CASE("postgresql store: a database that goes away and comes back", "[store][postgresql]") {
  postgresql_backend backend;
  if (!backend.available()) return;
  auto store = open_at(backend.where());
  REQUIRE(store->book(request("Ada Lovelace"), now).result == handoff::book_result::kind::stored);

  cluster().stop();
  CHECK_FALSE(store->ping());
  CHECK_THROWS_AS(store->book(request("Grace Hopper", slot + 1h), now), handoff::store_unavailable);
  CHECK_THROWS_AS(store->leads(), handoff::store_unavailable);
  CHECK_FALSE(store->is_taken(slot + 1h));  // answered from memory, without waiting

  cluster().start();
  // The store reconnects by itself: poll its own readiness answer with a deadline.
  const auto until = std::chrono::steady_clock::now() + 20s;
  while (!store->ping() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(50ms);
  }
  REQUIRE(store->ping());
  CHECK(store->book(request("Grace Hopper", slot + 1h), now).result ==
        handoff::book_result::kind::stored);
  CHECK(store->leads().size() == 2);  // nothing acknowledged was lost, nothing extra stored
}

TEST_CASE("a URI's password is never logged", "[store]") {
  CHECK(handoff::redacted_uri("postgresql://advisor:s3cret@db.example.com/advisor") ==
        "postgresql://advisor:***@db.example.com/advisor");
  CHECK(handoff::redacted_uri("postgresql:///advisor?host=/run/postgresql") ==
        "postgresql:///advisor?host=/run/postgresql");
  CHECK(handoff::redacted_uri("data/advisor.db") == "data/advisor.db");
}
