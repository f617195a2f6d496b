// The webhook sender against a private receiver (issue 8): Standard Webhooks signatures, a
// receiver that answers 410 Gone, Retry-After on 429 and 503, and deliveries that grow too
// old: dead-lettered, shown by `advisor leads`, and sent again by `advisor leads retry`.
// Bookings are written into the store file before the server starts on it.

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/integration/clients.hpp"
#include "tests/integration/server_process.hpp"
#include "tests/integration/stored_bookings.hpp"
#include "tests/integration/webhook_receiver.hpp"

using namespace advisor::test;
namespace chr = std::chrono;

namespace {

const std::string secret = "webhook-test-secret-5d1e";
constexpr chr::milliseconds delivery_deadline = 20s;
// Well over the longest retry delay below: no request in this long means none is coming.
constexpr chr::milliseconds quiet_window = 1500ms;

flag_list webhook_flags(const temp_dir& dir, std::uint16_t receiver_port, flag_list extra = {}) {
  flag_list flags{{"--db", dir.db()},
                  {"--webhook-url", webhook_url(receiver_port)},
                  {"--webhook-retry-base-ms", "50"},
                  {"--webhook-retry-max-ms", "200"}};
  flags.insert(flags.end(), extra.begin(), extra.end());
  return flags;
}

env_list secret_env(const std::string& value = secret) {
  return {{"ADVISOR_WEBHOOK_SECRET", value}};
}

std::string base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                     reinterpret_cast<const unsigned char*>(bytes.data()),
                                     static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(length));
  return out;
}

std::string hmac_sha256(const std::string& key, const std::string& data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &length);
  return {reinterpret_cast<const char*>(mac), length};
}

// What a receiver following the Standard Webhooks convention checks.
void check_standard_signature(const received_request& request, const std::string& key) {
  const auto id = request.header("webhook-id");
  const auto timestamp = request.header("webhook-timestamp");
  INFO("webhook-id " << id << ", webhook-timestamp " << timestamp);
  REQUIRE_FALSE(id.empty());
  REQUIRE_FALSE(timestamp.empty());
  const auto sent = chr::seconds{std::strtoll(timestamp.c_str(), nullptr, 10)};
  const auto now = chr::duration_cast<chr::seconds>(chr::system_clock::now().time_since_epoch());
  CHECK(sent <= now);
  CHECK(now - sent < 5min);  // a receiver refuses older ones: replays go stale
  CHECK(request.header("webhook-signature") ==
        "v1," + base64(hmac_sha256(key, id + "." + timestamp + "." + request.body)));
}

bool at_least(const webhook_receiver& receiver, std::size_t count, chr::milliseconds deadline) {
  return receiver.wait_until([count](const auto& requests) { return requests.size() >= count; },
                             deadline);
}

std::string metrics(const server_process& server) {
  return http_request(server.port(), "GET", "/metrics").body;
}

void stop(server_process& server) {
  server.send_signal(SIGTERM);
  REQUIRE(server.wait_exit(20s).has_value());
}

}  // namespace

TEST_CASE("deliveries are signed the Standard Webhooks way", "[webhook]") {
  temp_dir dir;
  const auto reference = store_booking(dir.db());
  webhook_receiver receiver;

  SECTION("with a plain secret, the HMAC key is the secret's bytes") {
    server_process server{webhook_flags(dir, receiver.port()), secret_env()};
    REQUIRE(at_least(receiver, 1, delivery_deadline));
    const auto request = receiver.requests().front();
    CHECK(request.header("webhook-id") == reference);
    CHECK(request.header("idempotency-key") == reference);
    check_standard_signature(request, secret);
  }
  SECTION("with a whsec_ secret, the key is its base64 part decoded") {
    const std::string key = "0123456789abcdef0123456789abcdef";
    server_process server{webhook_flags(dir, receiver.port()), secret_env("whsec_" + base64(key))};
    REQUIRE(at_least(receiver, 1, delivery_deadline));
    check_standard_signature(receiver.requests().front(), key);
  }
}

TEST_CASE("a receiver that answers 410 Gone gets no more deliveries, and it is shown",
          "[webhook]") {
  temp_dir dir;
  const auto reference = store_booking(dir.db());
  webhook_receiver receiver{0, {410}};
  {
    server_process server{webhook_flags(dir, receiver.port()), secret_env()};
    REQUIRE(at_least(receiver, 1, delivery_deadline));
    CHECK(server.wait_for_output("410 gone", 10s));
    CHECK_FALSE(at_least(receiver, 2, quiet_window));
    CHECK(metrics(server).find("\nadvisor_webhook_endpoint_gone 1\n") != std::string::npos);
    const auto table = run_advisor({"leads", "--db", dir.db()});
    INFO(table.out << table.err);
    CHECK(table.out.find(webhook_url(receiver.port()) + " answered 410 Gone") != std::string::npos);
    stop(server);
  }
  {
    // Still stopped after a restart: the store remembers.
    server_process server{webhook_flags(dir, receiver.port()), secret_env()};
    CHECK(server.wait_for_output("answered 410 gone", 10s));
    CHECK_FALSE(at_least(receiver, 2, quiet_window));
    stop(server);
  }
  // The operator says it is back; the next server delivers.
  const auto retry = run_advisor({"leads", "retry", "--db", dir.db()});
  INFO(retry.out << retry.err);
  CHECK(retry.status.code == 0);
  server_process server{webhook_flags(dir, receiver.port()), secret_env()};
  REQUIRE(at_least(receiver, 2, delivery_deadline));
  CHECK(receiver.requests().at(1).header("webhook-id") == reference);
  CHECK(receiver.requests().at(1).answered == 200);
}

TEST_CASE("Retry-After on 429 and 503 is honoured", "[webhook]") {
  temp_dir dir;
  store_booking(dir.db());
  webhook_receiver receiver{0, {503, 429}};
  receiver.add_error_header("Retry-After", "1");
  server_process server{webhook_flags(dir, receiver.port()), secret_env()};
  REQUIRE(at_least(receiver, 3, delivery_deadline));
  const auto requests = receiver.requests();
  // The backoff alone would retry after 25-200 ms.
  CHECK(requests.at(1).at - requests.at(0).at >= 990ms);
  CHECK(requests.at(2).at - requests.at(1).at >= 990ms);
  CHECK(requests.at(2).answered == 200);
}

TEST_CASE("a delivery older than the maximum age is dead-lettered and can be retried",
          "[webhook]") {
  temp_dir dir;
  const auto reference = store_booking(dir.db());
  {
    webhook_receiver failing{0, std::vector<int>(1000, 500)};
    server_process server{webhook_flags(dir, failing.port(), {{"--webhook-max-age", "1"}}),
                          secret_env()};
    REQUIRE(server.wait_for_output("dead letter", delivery_deadline));
    const auto attempts = failing.requests().size();
    CHECK_FALSE(at_least(failing, attempts + 1, quiet_window));
    CHECK(metrics(server).find("\nadvisor_webhook_dead_letters 1\n") != std::string::npos);
    CHECK(metrics(server).find("\nadvisor_webhook_pending 0\n") != std::string::npos);
    const auto table = run_advisor({"leads", "--db", dir.db()});
    INFO(table.out << table.err);
    CHECK(table.out.find(reference) != std::string::npos);
    CHECK(table.out.find("dead letter") != std::string::npos);
    stop(server);
  }
  const auto retry = run_advisor({"leads", "retry", reference, "--db", dir.db()});
  INFO(retry.out << retry.err);
  CHECK(retry.status.code == 0);
  CHECK(retry.out.find("1 delivery") != std::string::npos);
  CHECK(run_advisor({"leads", "retry", "ADV-NOSUCHREF0", "--db", dir.db()}).status.code == 1);

  webhook_receiver working;
  server_process server{webhook_flags(dir, working.port(), {{"--webhook-max-age", "1"}}),
                        secret_env()};
  REQUIRE(at_least(working, 1, delivery_deadline));
  CHECK(working.requests().front().header("webhook-id") == reference);
}
