// The console's stores (issue 10): the questions to review, and the delivery state the Leads
// page shows, from both implementations: SQLite in a temporary
// file (next to a lead store, as the server has it) and PostgreSQL in a private cluster this
// process starts (tests/support). Each TEMPLATE_TEST_CASE runs once per backend.
#include <catch2/catch.hpp>

#include <memory>

#include "handoff/lead_store.hpp"
#include "handoff/review_store.hpp"
#include "tests/support/store_backends.hpp"

using namespace advisor;
using namespace std::chrono_literals;
using test::postgresql_backend;
using test::sqlite_backend;

namespace {

std::unique_ptr<handoff::review_store> open_at(const std::string& where) {
  // The lead store first, as in the server: the review table lives beside its tables.
  auto leads = handoff::lead_store::open(where);
  if (auto* error = std::get_if<std::string>(&leads)) FAIL(*error);
  auto opened = handoff::review_store::open(where);
  if (auto* error = std::get_if<std::string>(&opened)) FAIL(*error);
  return std::get<std::unique_ptr<handoff::review_store>>(std::move(opened));
}

const handoff::time_point day0{std::chrono::sys_days{std::chrono::year{2026} / 12 / 1}};

handoff::review_note note(std::string key, std::string text, handoff::time_point at,
                          std::string reply = "I can't help with that.") {
  return {std::move(key), std::move(text), std::move(reply), "fallback", 0.3, at};
}

}  // namespace

TEMPLATE_TEST_CASE("review groups count the same question and keep first and last seen",
                   "[review_store]", sqlite_backend, postgresql_backend) {
  TestType backend;
  if (!backend.available()) return;
  auto store = open_at(backend.where());
  store->record({note("what about rust", "What about Rust?", day0 + 1h),
                 note("what about rust", "what about rust", day0 + 3h, "Rust is not covered.")});
  store->record({note("what about rust", "What about rust!", day0 + 2h),
                 note("my name is name", "my name is [name]", day0 + 5h)});
  const auto groups = store->recent(10);
  REQUIRE(groups.size() == 2);
  CHECK(groups[0].key == "my name is name");  // newest first
  const auto& rust = groups[1];
  CHECK(rust.count == 3);
  CHECK(rust.first_seen == day0 + 1h);
  CHECK(rust.last_seen == day0 + 3h);
  CHECK(rust.intent == "fallback");
  CHECK(rust.confidence == Approx(0.3));
  // The latest batch's wording and reply are kept.
  CHECK(rust.text == "What about rust!");
  CHECK(store->recent(1).size() == 1);
}

TEMPLATE_TEST_CASE("review groups not seen within the retention are purged", "[review_store]",
                   sqlite_backend, postgresql_backend) {
  TestType backend;
  if (!backend.available()) return;
  auto store = open_at(backend.where());
  store->record({note("old", "old", day0), note("kept", "kept", day0 + 48h)});
  CHECK(store->purge(day0 + 24h) == 1);
  const auto groups = store->recent(10);
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].key == "kept");
  CHECK(store->remove("kept"));
  CHECK_FALSE(store->remove("kept"));
  CHECK(store->recent(10).empty());
}

TEMPLATE_TEST_CASE("the review store reopens what it stored", "[review_store]", sqlite_backend,
                   postgresql_backend) {
  TestType backend;
  if (!backend.available()) return;
  open_at(backend.where())->record({note("go", "Go?", day0)});
  const auto groups = open_at(backend.where())->recent(10);
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].text == "Go?");
}

TEMPLATE_TEST_CASE("a lead carries its webhook delivery: next attempt, attempts, last error",
                   "[review_store]", sqlite_backend, postgresql_backend) {
  TestType backend;
  if (!backend.available()) return;
  auto opened = handoff::lead_store::open(backend.where());
  if (auto* error = std::get_if<std::string>(&opened)) FAIL(*error);
  auto& store = *std::get<std::unique_ptr<handoff::lead_store>>(opened);
  dialogue::booking_request r;
  r.name = "Ada Lovelace";
  r.email = "ada@example.com";
  r.project = "an API";
  r.slot_start = day0 + 24h + 13h;
  r.time_zone = "UTC";
  const auto booked = store.book(r, day0);
  REQUIRE(booked.result == handoff::book_result::kind::stored);

  auto lead = store.find(booked.reference).value();
  CHECK_FALSE(lead.delivered);
  REQUIRE(lead.next_attempt.has_value());
  CHECK(*lead.next_attempt == handoff::instant{day0});
  CHECK(lead.attempts == 0);
  CHECK(lead.last_error.empty());

  const auto due = store.due(handoff::instant{day0 + 1s}, 10);
  REQUIRE(due.size() == 1);
  const handoff::instant later{day0 + 5min};
  store.retry_later(due[0].id, later, "503 Service Unavailable");
  lead = store.leads().at(0);
  CHECK(lead.next_attempt == later);
  CHECK(lead.attempts == 1);
  CHECK(lead.last_error == "503 Service Unavailable");

  store.delivered(due[0].id, later);
  lead = store.find(booked.reference).value();
  CHECK(lead.delivered);
  CHECK_FALSE(lead.next_attempt.has_value());
  CHECK(lead.attempts == 2);
}
