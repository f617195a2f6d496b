// The lead store on a real SQLite file, the webhook's signature and backoff, the exports.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <random>

#include "handoff/calendar.hpp"
#include "handoff/lead_export.hpp"
#include "handoff/lead_store.hpp"
#include "handoff/webhook.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

using namespace advisor;
using namespace std::chrono_literals;

namespace {

// A fresh database file per test, removed afterwards.
struct temp_db {
  std::filesystem::path dir;
  temp_db() {
    std::random_device rd;
    dir = std::filesystem::temp_directory_path() /
          ("advisor-handoff-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir);
  }
  ~temp_db() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::filesystem::path file() const { return dir / "nested" / "advisor.db"; }
};

std::unique_ptr<handoff::lead_store> open_store(const std::filesystem::path& file) {
  auto opened = handoff::lead_store::open(file);
  REQUIRE(std::holds_alternative<std::unique_ptr<handoff::lead_store>>(opened));
  return std::get<std::unique_ptr<handoff::lead_store>>(std::move(opened));
}

const auto slot =
    dialogue::time_point{std::chrono::sys_days{std::chrono::year{2026} / 12 / 3}} + 13h;
const auto now =
    dialogue::time_point{std::chrono::sys_days{std::chrono::year{2026} / 11 / 28}} + 9h;

dialogue::booking_request request(std::string name, dialogue::time_point start = slot) {
  dialogue::booking_request r;
  r.name = std::move(name);
  r.email = "ada@example.com";
  r.company = "Analytical Engines";
  r.project = "a real-time chat with ML recommendations";
  r.slot_start = start;
  r.slot_length = 30min;
  r.time_zone = "Europe/Berlin";
  r.recommendation = "hybrid";
  r.topics = {"chat", "ml"};
  r.transcript = {{"visitor", "node or python?"}, {"bot", "Both, together."}};
  r.visitor_time_zone = "America/New_York";
  return r;
}

// A calendar file with its folded lines joined again (RFC 5545 3.1).
std::string unfolded(std::string ics) {
  for (auto at = ics.find("\r\n "); at != std::string::npos; at = ics.find("\r\n ")) {
    ics.erase(at, 3);
  }
  return ics;
}

// Every line of a calendar file is 75 octets at most, and a continuation line starts with a
// whole UTF-8 character.
void check_folded(const std::string& ics) {
  std::size_t start = 0;
  for (auto end = ics.find("\r\n"); end != std::string::npos; end = ics.find("\r\n", start)) {
    CHECK(end - start <= 75);
    if (end + 3 < ics.size() && ics[end + 2] == ' ') {
      CHECK((static_cast<unsigned char>(ics[end + 3]) & 0xC0U) != 0x80U);
    }
    start = end + 2;
  }
}

}  // namespace

TEST_CASE("lead store: bookings", "[handoff]") {
  temp_db db;
  auto store = open_store(db.file());

  SECTION("a booking is stored with every field and a reference") {
    const auto booked = store->book(request("Ada Lovelace"), now);
    REQUIRE(booked.result == handoff::book_result::kind::stored);
    CHECK(booked.reference.rfind("ADV-", 0) == 0);
    CHECK(booked.reference.size() == 14);
    const auto leads = store->leads();
    REQUIRE(leads.size() == 1);
    CHECK(leads[0].reference == booked.reference);
    CHECK(leads[0].name == "Ada Lovelace");
    CHECK(leads[0].email == "ada@example.com");
    CHECK(leads[0].company == "Analytical Engines");
    CHECK(leads[0].project == "a real-time chat with ML recommendations");
    CHECK(leads[0].slot_start == slot);
    CHECK(leads[0].slot_length == 30min);
    CHECK(leads[0].time_zone == "Europe/Berlin");
    CHECK(leads[0].visitor_time_zone == "America/New_York");
    CHECK(leads[0].recommendation == std::optional<std::string>{"hybrid"});
    CHECK(leads[0].topics == std::vector<std::string>{"chat", "ml"});
    REQUIRE(leads[0].transcript.size() == 2);
    CHECK(leads[0].transcript[1].text == "Both, together.");
    CHECK_FALSE(leads[0].delivered);
  }
  SECTION("a slot is held by one visitor only") {
    REQUIRE(store->book(request("First"), now).result == handoff::book_result::kind::stored);
    CHECK(store->is_taken(slot));
    CHECK_FALSE(store->is_taken(slot + 30min));
    const auto second = store->book(request("Second"), now);
    CHECK(second.result == handoff::book_result::kind::slot_taken);
    CHECK(second.reference.empty());
    CHECK(store->leads().size() == 1);
  }
  SECTION("SQL and markup are stored and returned verbatim") {
    const std::string payload = "Robert'); DROP TABLE bookings;-- <img src=x onerror=alert(1)>";
    REQUIRE(store->book(request(payload), now).result == handoff::book_result::kind::stored);
    const auto leads = store->leads();
    REQUIRE(leads.size() == 1);
    CHECK(leads[0].name == payload);
  }
  SECTION("survives reopening, slots included") {
    const auto booked = store->book(request("Ada"), now);
    store.reset();
    auto reopened = open_store(db.file());
    CHECK(reopened->find(booked.reference).has_value());
    CHECK(reopened->is_taken(slot));
  }
  SECTION("delete frees the slot and drops the outbox row") {
    const auto booked = store->book(request("Ada"), now);
    CHECK(store->remove(booked.reference));
    CHECK_FALSE(store->find(booked.reference).has_value());
    CHECK_FALSE(store->is_taken(slot));
    CHECK(store->due(handoff::instant{now} + 1h, 10).empty());
    CHECK_FALSE(store->remove(booked.reference));
  }
  SECTION("a delete by another process frees the slot here too") {
    auto other = open_store(db.file());
    const auto booked = store->book(request("First"), now);
    REQUIRE(store->is_taken(slot));
    REQUIRE(other->remove(booked.reference));
    CHECK_FALSE(store->is_taken(slot));
    CHECK(store->book(request("Second"), now).result == handoff::book_result::kind::stored);
  }
  SECTION("two stores on one file (server and `advisor leads`) never double-book") {
    auto other = open_store(db.file());
    REQUIRE(store->book(request("First"), now).result == handoff::book_result::kind::stored);
    CHECK(other->book(request("Second"), now).result == handoff::book_result::kind::slot_taken);
  }
}

TEST_CASE("lead store: outbox", "[handoff]") {
  temp_db db;
  auto store = open_store(db.file());
  const auto booked = store->book(request("Ada"), now);
  const auto t0 = handoff::instant{now};

  SECTION("the booking is due at once, with its JSON payload") {
    const auto due = store->due(t0, 10);
    REQUIRE(due.size() == 1);
    CHECK(due[0].reference == booked.reference);
    CHECK(due[0].attempts == 0);
    const auto body = nlohmann::json::parse(due[0].payload);
    CHECK(body.at("reference") == booked.reference);
    CHECK(body.at("email") == "ada@example.com");
    CHECK(body.at("slot").at("start") == "2026-12-03T13:00:00Z");
    CHECK(body.at("slot").at("end") == "2026-12-03T13:30:00Z");
    CHECK(body.at("transcript").size() == 2);
  }
  SECTION("a failed attempt waits until its retry time") {
    const auto id = store->due(t0, 1).at(0).id;
    store->retry_later(id, t0 + 5000ms, "connect: refused");
    CHECK(store->due(t0 + 4999ms, 10).empty());
    CHECK(store->next_due() == t0 + 5000ms);
    const auto again = store->due(t0 + 5000ms, 10);
    REQUIRE(again.size() == 1);
    CHECK(again[0].attempts == 1);
  }
  SECTION("delivered rows are done") {
    CHECK(store->pending_deliveries() == 1);
    const auto id = store->due(t0, 1).at(0).id;
    store->delivered(id, t0 + 1s);
    CHECK(store->pending_deliveries() == 0);
    CHECK(store->due(t0 + 1h, 10).empty());
    CHECK_FALSE(store->next_due().has_value());
    CHECK(store->leads().at(0).delivered);
  }
}

TEST_CASE("lead store: conversations", "[handoff][session]") {
  temp_db db;
  auto store = open_store(db.file());
  store->save_sessions({{"tok1", "{\"a\":1}"}, {"tok2", "{}"}}, now);
  SECTION("saved and found within the lifetime") {
    CHECK(store->load_session("tok1", now - 30min).value().state == "{\"a\":1}");
  }
  SECTION("newer saves replace older ones") {
    store->save_sessions({{"tok1", "{\"a\":2}"}}, now + 1s);
    CHECK(store->load_session("tok1", now).value().state == "{\"a\":2}");
  }
  SECTION("a save without fsync is read back, by this connection and by another") {
    store->save_sessions({{"tok1", "{\"a\":3}"}}, now + 1s, /*durable=*/false);
    CHECK(store->load_session("tok1", now).value().state == "{\"a\":3}");
    auto reopened = open_store(db.file());
    CHECK(reopened->load_session("tok1", now).value().state == "{\"a\":3}");
  }
  SECTION("too old is not found, and is forgotten") {
    CHECK_FALSE(store->load_session("tok1", now + 1s).has_value());
    store->forget_sessions(now + 1s);
    CHECK_FALSE(store->load_session("tok2", now - 1h).has_value());
  }
}

TEST_CASE("opening a database that cannot be opened says why", "[handoff]") {
  auto opened = handoff::lead_store::open("/proc/advisor-cannot-be-here/advisor.db");
  REQUIRE(std::holds_alternative<std::string>(opened));
  CHECK(std::get<std::string>(opened).find("/proc/advisor-cannot-be-here/advisor.db") == 0);
}

TEST_CASE("webhook signature and backoff", "[handoff]") {
  SECTION("HMAC-SHA256 as RFC 4231 test case 2") {
    CHECK(handoff::webhook_signature("Jefe", "what do ya want for nothing?") ==
          "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }
  SECTION("backoff doubles, is capped, and is jittered into [delay/2, delay]") {
    handoff::webhook_config config;
    config.retry_base = 1000ms;
    config.retry_cap = 8000ms;
    std::mt19937_64 random{42};
    for (int attempt = 0; attempt < 10; ++attempt) {
      const auto expected = std::min(8000LL, 1000LL << std::min(attempt, 20));
      for (int i = 0; i < 20; ++i) {
        const auto d = handoff::retry_delay(config, attempt, random).count();
        CHECK(d >= expected / 2);
        CHECK(d <= expected);
      }
    }
  }
}

TEST_CASE("exports", "[handoff]") {
  handoff::lead l;
  l.reference = "ADV-0123456789";
  l.created_at = now;
  l.slot_start = slot;
  l.time_zone = "Europe/Berlin";
  l.name = "=cmd|' /C calc'!A0";
  l.email = "a\"b@example.com";
  l.project = "chat, with ML";
  SECTION("CSV quotes every field and defuses formulas") {
    const auto csv = handoff::leads_csv({l});
    CHECK(csv.find("\"'=cmd|' /C calc'!A0\"") != std::string::npos);
    CHECK(csv.find("\"a\"\"b@example.com\"") != std::string::npos);
    CHECK(csv.find("\"chat, with ML\"") != std::string::npos);
  }
  SECTION("JSON lists the leads") {
    const auto json = nlohmann::json::parse(handoff::leads_json({l}));
    CHECK(json.at("leads").at(0).at("name") == l.name);
    CHECK(json.at("leads").at(0).at("delivered") == false);
  }
  SECTION("the calendar file names the slot in UTC and nothing personal") {
    const auto ics = handoff::consultation_ics(l, now, "Acme, Inc.");
    CHECK(ics.find("DTSTART:20261203T130000Z\r\n") != std::string::npos);
    CHECK(ics.find("DTEND:20261203T133000Z\r\n") != std::string::npos);
    CHECK(ics.find("UID:ADV-0123456789@advisor\r\n") != std::string::npos);
    CHECK(ics.find("SUMMARY:Free consultation with Acme\\, Inc.\r\n") != std::string::npos);
    CHECK(ics.find("example.com") == std::string::npos);
  }
  SECTION("and the start as the visitor saw it beside ours") {
    auto theirs = l;
    theirs.visitor_time_zone = "America/New_York";
    const auto ics = handoff::consultation_ics(theirs, now, "Acme");
    // Folded at 75 octets, as RFC 5545 requires; unfolded it says both.
    CHECK(unfolded(ics).find("DESCRIPTION:Booking reference ADV-0123456789\\nThu 03 Dec 2026\\, "
                             "08:00 America/New_York (14:00 Europe/Berlin)\r\n") !=
          std::string::npos);
    check_folded(ics);
  }
  SECTION("a long line is folded between UTF-8 characters, never inside one") {
    // The summary's 76th octet is the second of "ö": a cut at 75 octets would split it.
    const std::string name =
        "Łukasz Żółć, Ærø Ørsteds Åsa, Größe Müller Söhne, Zürich Köln Málaga Göteborg";
    const auto ics = handoff::consultation_ics(l, now, name);
    CHECK(unfolded(ics).find("SUMMARY:Free consultation with Łukasz Żółć\\, Ærø Ørsteds Åsa\\, "
                             "Größe Müller Söhne\\, Zürich Köln Málaga Göteborg\r\n") !=
          std::string::npos);
    check_folded(ics);
  }
}

TEST_CASE("Standard Webhooks signature", "[handoff][webhook]") {
  // The example of the Standard Webhooks specification's reference libraries.
  const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const std::string body = R"({"test": 2432232314})";
  CHECK(handoff::standard_webhook_signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                                            body) ==
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  SECTION("a plain secret is used as its bytes") {
    CHECK(handoff::standard_webhook_signature("plain", "id", 1, "{}") !=
          handoff::standard_webhook_signature("other", "id", 1, "{}"));
    CHECK(handoff::standard_webhook_signature("plain", "id", 1, "{}").starts_with("v1,"));
  }
}

TEST_CASE("Retry-After as seconds or an HTTP date", "[handoff][webhook]") {
  const auto noon = std::chrono::sys_days{std::chrono::year{2026} / 12 / 5} + 12h;
  CHECK(handoff::parse_retry_after("120", noon) == std::chrono::seconds{120});
  CHECK(handoff::parse_retry_after("0", noon) == std::chrono::seconds{0});
  CHECK(handoff::parse_retry_after("Sat, 05 Dec 2026 12:01:30 GMT", noon) ==
        std::chrono::seconds{90});
  CHECK(handoff::parse_retry_after("Sat, 05 Dec 2026 11:00:00 GMT", noon) ==
        std::chrono::seconds{0});
  CHECK_FALSE(handoff::parse_retry_after("", noon).has_value());
  CHECK_FALSE(handoff::parse_retry_after("soon", noon).has_value());
  CHECK_FALSE(handoff::parse_retry_after("-5", noon).has_value());
}

TEST_CASE("printable: control characters shown, never sent raw", "[handoff][export]") {
  CHECK(handoff::printable("Ada Lovelace") == "Ada Lovelace");
  CHECK(handoff::printable("Zoë \u00e9") == "Zoë \u00e9");
  CHECK(handoff::printable(std::string{"a\0b", 3}) == R"(a\x00b)");
  CHECK(handoff::printable("a\x1B[2Jb\r\n\t") == R"(a\x1B[2Jb\r\n\t)");
  CHECK(handoff::printable("a\u0085b\u2028c\x7F") == R"(a\u0085b\u2028c\x7F)");
}

TEST_CASE("lead store: the same visitor confirming a slot again gets their booking back",
          "[handoff]") {
  temp_db db;
  auto store = open_store(db.file());
  const auto first = store->book(request("Ada"), now);
  REQUIRE(first.result == handoff::book_result::kind::stored);
  CHECK_FALSE(first.again);
  const auto second = store->book(request("Ada"), now);
  CHECK(second.result == handoff::book_result::kind::stored);
  CHECK(second.reference == first.reference);
  CHECK(second.again);
  CHECK(store->leads().size() == 1);
  CHECK(store->pending_deliveries() == 1);
  // Someone else asking for that slot is still refused.
  CHECK(store->book(request("Grace"), now).result == handoff::book_result::kind::slot_taken);
}

TEST_CASE("lead store: a write lock held by another connection is waited for until the limit",
          "[handoff]") {
  temp_db db;
  auto store = open_store(db.file());
  SQLite::Database other{db.file().string(), SQLite::OPEN_READWRITE};
  other.exec("BEGIN IMMEDIATE");  // another process writing, as `advisor leads delete` does

  const auto started = std::chrono::steady_clock::now();
  {
    const handoff::lead_store::wait_limit limit{started + 300ms};
    CHECK_THROWS_AS(store->book(request("Ada"), now), handoff::store_busy);
    CHECK_THROWS_AS(store->save_sessions({{"token", "{}"}}, now), handoff::store_busy);
  }
  const auto waited = std::chrono::steady_clock::now() - started;
  CHECK(waited >= 300ms);
  CHECK(waited < 2s);  // SQLite's busy timeout alone would be 5 s for each of the two

  other.exec("COMMIT");
  const handoff::lead_store::wait_limit limit{std::chrono::steady_clock::now() + 300ms};
  CHECK(store->book(request("Ada"), now).result == handoff::book_result::kind::stored);
}
