// The server's pure parts: token bucket, session store, static file resolution.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <set>

#include "handoff/lead_store.hpp"
#include "server/rate_limiter.hpp"
#include "server/session_store.hpp"
#include "server/static_files.hpp"
#include "tests/support/source_files.hpp"

using namespace advisor::server;
using namespace std::chrono_literals;

TEST_CASE("token bucket", "[server]") {
  const auto t0 = token_bucket::clock::time_point{} + 1h;
  token_bucket bucket{2.0, 3.0, t0};
  SECTION("a burst up to its size, then refusal") {
    CHECK(bucket.try_take(t0));
    CHECK(bucket.try_take(t0));
    CHECK(bucket.try_take(t0));
    CHECK_FALSE(bucket.try_take(t0));
  }
  SECTION("refills at the rate") {
    for (int i = 0; i < 3; ++i) REQUIRE(bucket.try_take(t0));
    CHECK_FALSE(bucket.try_take(t0 + 400ms));
    CHECK(bucket.try_take(t0 + 600ms));
  }
  SECTION("never saves more than the burst") {
    const auto later = t0 + 1h;
    for (int i = 0; i < 3; ++i) CHECK(bucket.try_take(later));
    CHECK_FALSE(bucket.try_take(later));
  }
}

TEST_CASE("rate limit per client address", "[server]") {
  const auto t0 = token_bucket::clock::time_point{} + 1h;
  address_rate_limiter limiter{1.0, 2.0, 3};
  SECTION("each address has its own bucket") {
    CHECK(limiter.try_take("10.0.0.1", t0));
    CHECK(limiter.try_take("10.0.0.1", t0));
    CHECK_FALSE(limiter.try_take("10.0.0.1", t0));
    CHECK(limiter.try_take("10.0.0.2", t0));
  }
  SECTION("a full table drops buckets that have refilled, not busy ones") {
    for (int i = 0; i < 2; ++i) REQUIRE(limiter.try_take("busy", t0 + 10s));
    CHECK(limiter.try_take("old-1", t0));
    CHECK(limiter.try_take("old-2", t0));
    CHECK(limiter.try_take("new", t0 + 10s));         // evicts old-1 and old-2
    CHECK_FALSE(limiter.try_take("busy", t0 + 10s));  // still remembered: still limited
  }
}

TEST_CASE("session store", "[server][session]") {
  sessions_config config;
  config.ttl = 60s;
  config.max_sessions = 3;
  session_store store{config};
  const auto t0 = session_store::clock::time_point{} + 1h;

  SECTION("a new session has a 256-bit hex token") {
    auto opened = store.open(nullptr, t0);
    CHECK_FALSE(opened.resumed);
    CHECK(opened.session->token().size() == 64);
    CHECK(opened.session->token().find_first_not_of("0123456789abcdef") == std::string::npos);
  }
  SECTION("tokens differ") {
    std::set<std::string> tokens;
    for (int i = 0; i < 100; ++i) tokens.insert(new_session_token());
    CHECK(tokens.size() == 100);
  }
  SECTION("resume within the TTL keeps the conversation") {
    auto first = store.open(nullptr, t0);
    first.session->with_conversation([](auto& c) { c.turns = 5; });
    const auto token = first.session->token();
    auto again = store.open(&token, t0 + 59s);
    CHECK(again.resumed);
    CHECK(again.session == first.session);
    CHECK(again.session->with_conversation([](auto& c) { return c.turns; }) == 5);
  }
  SECTION("an expired token gets a new session") {
    const auto token = store.open(nullptr, t0).session->token();
    auto later = store.open(&token, t0 + 61s);
    CHECK_FALSE(later.resumed);
    CHECK(later.session->token() != token);
  }
  SECTION("activity keeps a session alive") {
    auto first = store.open(nullptr, t0);
    first.session->touch(t0 + 50s);
    const auto token = first.session->token();
    CHECK(store.open(&token, t0 + 100s).resumed);
  }
  SECTION("an unknown token gets a new session") {
    const std::string token = "not-a-token";
    auto opened = store.open(&token, t0);
    CHECK_FALSE(opened.resumed);
    CHECK(opened.session->token() != token);
  }
  SECTION("reset forgets the conversation, keeps the token") {
    auto opened = store.open(nullptr, t0);
    opened.session->with_conversation([](auto& c) { c.turns = 3; });
    store.reset(opened.session);
    CHECK(opened.session->with_conversation([](auto& c) { return c.turns; }) == 0);
    const auto token = opened.session->token();
    CHECK(store.open(&token, t0).resumed);
  }
  SECTION("beyond max_sessions the least recently used goes") {
    const auto oldest = store.open(nullptr, t0).session->token();
    store.open(nullptr, t0 + 1s);
    store.open(nullptr, t0 + 2s);
    store.open(nullptr, t0 + 3s);
    CHECK(store.size() == 3);
    CHECK_FALSE(store.open(&oldest, t0 + 4s).resumed);
  }
}

TEST_CASE("static files stay inside the web root", "[server][http]") {
  const static_files files{advisor::test::source_dir() / "web"};

  SECTION("/ is the demo page") {
    auto resolved = files.resolve("/");
    REQUIRE(std::holds_alternative<static_file>(resolved));
    CHECK(std::get<static_file>(resolved).path.filename() == "index.html");
    CHECK(std::get<static_file>(resolved).content_type == "text/html; charset=utf-8");
  }
  SECTION("/widget.js is JavaScript") {
    auto resolved = files.resolve("/widget.js");
    REQUIRE(std::holds_alternative<static_file>(resolved));
    CHECK(std::get<static_file>(resolved).content_type == "text/javascript; charset=utf-8");
  }
  SECTION("climbing out is refused, encoded or not") {
    for (const auto* path :
         {"/../CMakeLists.txt", "/%2e%2e/CMakeLists.txt", "/%2E%2E/README.md",
          "/..%2fCMakeLists.txt", "/%2e%2e%2fCMakeLists.txt", "/web/../CMakeLists.txt",
          "/.git/config", "/a/./b.js", "/..\\CMakeLists.txt", "/%00"}) {
      CAPTURE(path);
      auto resolved = files.resolve(path);
      REQUIRE(std::holds_alternative<unsigned>(resolved));
      CHECK(std::get<unsigned>(resolved) == 400U);
    }
  }
  SECTION("a missing file is 404") {
    auto resolved = files.resolve("/nothing-here.js");
    REQUIRE(std::holds_alternative<unsigned>(resolved));
    CHECK(std::get<unsigned>(resolved) == 404U);
  }
}

TEST_CASE("session store: changed sessions are listed for saving once", "[server][session]") {
  std::random_device rd;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("advisor-dirty-" + std::to_string(rd()) + std::to_string(rd()));
  auto opened = advisor::handoff::lead_store::open(dir / "advisor.db");
  REQUIRE(std::holds_alternative<std::unique_ptr<advisor::handoff::lead_store>>(opened));
  auto& db = *std::get<std::unique_ptr<advisor::handoff::lead_store>>(opened);
  session_store store{sessions_config{}, &db};
  const auto t0 = session_store::clock::time_point{} + 1h;
  auto a = store.open(nullptr, t0).session;
  auto b = store.open(nullptr, t0).session;

  SECTION("many changes, one entry") {
    for (int i = 0; i < 5; ++i) store.mark_dirty(a);
    store.mark_dirty(b);
    const auto dirty = store.take_dirty();
    CHECK(dirty.size() == 2);
    CHECK(store.take_dirty().empty());
  }
  SECTION("a change after the take is listed again") {
    store.mark_dirty(a);
    CHECK(store.take_dirty().size() == 1);
    a->with_conversation([](auto& c) { c.turns = 7; });
    store.mark_dirty(a);
    const auto again = store.take_dirty();
    REQUIRE(again.size() == 1);
    CHECK(again[0] == a);
  }
  SECTION("the snapshot is the saved form under the token") {
    a->with_conversation([](auto& c) { c.turns = 4; });
    const auto [token, saved, version] = session_store::snapshot(*a);
    CHECK(version == 0);
    CHECK(token == a->token());
    const auto restored = advisor::dialogue::restore_conversation(saved);
    REQUIRE(restored.has_value());
    CHECK(restored->turns == 4);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}
