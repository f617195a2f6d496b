// A full disk (issue 8): the server's files cannot grow any more. Every booking a visitor
// was told is confirmed survives; the others get an answer, not a hang or a crash.
//
// A file system that fills up is simulated with RLIMIT_FSIZE, inherited by the server: its
// files (the store and its write-ahead log) cannot grow past a size just above the store's,
// and SQLite's writes then fail as they would on a full disk. SIGXFSZ is ignored so that
// the write fails instead of the signal ending the process (ignored stays ignored across
// exec).

#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/integration/clients.hpp"
#include "tests/integration/protocol_checks.hpp"
#include "tests/integration/server_process.hpp"

using namespace advisor::test;
namespace chr = std::chrono;

namespace {

// "YYYY-MM-DD HH:00" of the `nth` weekday from two days ahead, as a visitor types a slot.
std::string weekday_slot(int nth, int hour) {
  auto day = chr::floor<chr::days>(chr::system_clock::now()) + chr::days{2};
  for (int seen = -1;; day += chr::days{1}) {
    const chr::weekday wd{day};
    if (wd != chr::Saturday && wd != chr::Sunday && ++seen == nth) break;
  }
  const chr::year_month_day date{day};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u %02d:00", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), hour);
  return text;
}

// One visitor books from the first message to "yes". Returns the reference when the
// booking was confirmed; nullopt when any answer said otherwise (every message must be
// answered: a hang throws).
std::optional<std::string> try_booking(std::uint16_t port, int n) {
  ws_client client{port};
  read_welcome(client);
  const std::vector<std::string> answers = {"Book a free consultation",
                                            "Visitor Testperson",
                                            "visitor" + std::to_string(n) + "@example.com",
                                            "skip",
                                            "A streaming service",
                                            weekday_slot(n % 10, 9 + n / 10),
                                            "yes",
                                            "yes"};
  json reply;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    const std::string id = "m" + std::to_string(i);
    client.send_json(message(answers[i], id));
    reply = client.read_json();
    INFO(reply.dump());
    CHECK(reply.value("reply_to", json{}) == id);  // an answer to this message, reply or error
    if (reply.value("type", "") != "reply") return std::nullopt;
  }
  const json booking = reply.value("booking", json{});
  if (!booking.is_object() || booking.value("status", "") != "confirmed") return std::nullopt;
  return booking.value("reference", "");
}

// Starts the server with its files limited to `max_file_bytes`.
std::unique_ptr<server_process> start_on_full_disk(const flag_list& flags,
                                                   std::uintmax_t max_file_bytes) {
  rlimit saved{};
  REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved) == 0);
  rlimit low = saved;
  low.rlim_cur = max_file_bytes;
  const auto previous = std::signal(SIGXFSZ, SIG_IGN);
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &low) == 0);
  std::unique_ptr<server_process> server;
  try {
    server = std::make_unique<server_process>(flags);
  } catch (...) {
    ::setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, previous);
    throw;
  }
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &saved) == 0);
  std::signal(SIGXFSZ, previous);
  return server;
}

}  // namespace

TEST_CASE("a full disk: every confirmed booking is kept, every visitor gets an answer",
          "[booking][bad_input]") {
  const temp_dir dir;
  const flag_list flags{{"--db", dir.db()}, {"--timezone", "UTC"}};
  {
    // The store and its schema, checkpointed into the one file by a clean stop.
    server_process create{flags};
    create.send_signal(SIGTERM);
    REQUIRE(create.wait_exit(20s).has_value());
  }
  const auto store_bytes = std::filesystem::file_size(dir.db());

  std::vector<std::string> confirmed;
  int refused = 0;
  {
    auto server = start_on_full_disk(flags, store_bytes + 256 * 1024);
    // Visitors book until the disk is full, and a few more after that.
    for (int n = 0; n < 60 && refused < 3; ++n) {
      if (auto reference = try_booking(server->port(), n)) {
        confirmed.push_back(*reference);
      } else {
        ++refused;
      }
    }
    CHECK(refused == 3);  // the disk did fill up
    // Still up and answering.
    CHECK(http_request(server->port(), "GET", "/healthz").status == 200);
    CHECK_FALSE(server->wait_exit(0ms).has_value());
    server->send_signal(SIGKILL);
    REQUIRE(server->wait_exit(10s).has_value());
  }
  INFO(confirmed.size() << " confirmed, " << refused << " refused");
  CHECK_FALSE(confirmed.empty());

  const command_result listed = run_advisor({"leads", "--db", dir.db(), "--format", "json"});
  INFO(listed.out << listed.err);
  REQUIRE(listed.status.code == 0);
  const json leads = json::parse(listed.out, nullptr, false);
  REQUIRE(leads.is_object());
  std::set<std::string> stored;
  for (const auto& lead : leads.value("leads", json::array())) {
    stored.insert(lead.value("reference", ""));
  }
  for (const auto& reference : confirmed) {
    INFO(reference);
    CHECK(stored.contains(reference));
  }
}
