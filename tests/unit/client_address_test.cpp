// Trusted proxies (--trusted-proxy) and the connection caps (--max-connections,
// --max-connections-per-address), without sockets.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "server/connection_limit.hpp"
#include "server/trusted_proxies.hpp"

using namespace advisor::server;
namespace ip = boost::asio::ip;

namespace {

std::string client_of(const trusted_proxies& proxies, const char* peer, const char* forwarded) {
  return proxies.client(ip::make_address(peer), forwarded).to_string();
}

}  // namespace

TEST_CASE("trusted proxies: entries are addresses or CIDR networks", "[server]") {
  for (const char* good :
       {"10.0.0.7", "10.0.0.0/8", "10.1.2.3/8", "::1", "fd00::/8", "0.0.0.0/0"}) {
    CHECK(trusted_proxies::valid_entry(good));
  }
  for (const char* bad : {"", "10.0.0.0/33", "10.0.0", "fd00::/129", "example.com", "10.0.0.0/"}) {
    CHECK_FALSE(trusted_proxies::valid_entry(bad));
  }
}

TEST_CASE("trusted proxies: the client is the rightmost untrusted address", "[server]") {
  const auto proxies = trusted_proxies::parse({"10.0.0.0/8", "192.0.2.1", "fd00::/8"}).value();
  CHECK(proxies.contains(ip::make_address("10.200.0.1")));
  CHECK(proxies.contains(ip::make_address("::ffff:10.0.0.1")));  // IPv4 on a dual-stack socket
  CHECK_FALSE(proxies.contains(ip::make_address("192.0.2.2")));
  CHECK(proxies.contains(ip::make_address("fd12::1")));

  // An untrusted peer's header is never read.
  CHECK(client_of(proxies, "203.0.113.5", "198.51.100.1") == "203.0.113.5");
  // A trusted peer: the rightmost address not trusted.
  CHECK(client_of(proxies, "10.0.0.1", "198.51.100.1") == "198.51.100.1");
  CHECK(client_of(proxies, "10.0.0.1", "6.6.6.6, 198.51.100.1, 192.0.2.1") == "198.51.100.1");
  CHECK(client_of(proxies, "10.0.0.1", " 198.51.100.1 ,10.9.9.9 ") == "198.51.100.1");
  CHECK(client_of(proxies, "10.0.0.1", "2001:db8::1") == "2001:db8::1");
  // Nothing or only proxies: the last proxy is what is known.
  CHECK(client_of(proxies, "10.0.0.1", "") == "10.0.0.1");
  CHECK(client_of(proxies, "10.0.0.1", "10.0.0.2") == "10.0.0.2");
  // A malformed entry stops the walk: nothing left of it is believed.
  CHECK(client_of(proxies, "10.0.0.1", "198.51.100.1, unknown") == "10.0.0.1");
  CHECK(client_of(proxies, "10.0.0.1", "198.51.100.1, 10.0.0.3, 1.2.3.4:80") == "10.0.0.1");
  // No proxies configured: always the peer.
  CHECK(client_of(trusted_proxies{}, "10.0.0.1", "198.51.100.1") == "10.0.0.1");
}

TEST_CASE("connection caps: in total and per address", "[server]") {
  connection_limit limit{3, 2};
  auto a1 = limit.try_acquire("a");
  auto a2 = limit.try_acquire("a");
  CHECK(a1.why == connection_limit::refusal::none);
  CHECK(a2.why == connection_limit::refusal::none);
  CHECK(static_cast<bool>(a2.held));
  auto a3 = limit.try_acquire("a");
  CHECK(a3.why == connection_limit::refusal::per_address);
  CHECK_FALSE(a3.held);
  auto b1 = limit.try_acquire("b");
  CHECK(b1.why == connection_limit::refusal::none);
  CHECK(limit.try_acquire("c").why == connection_limit::refusal::total);
  {
    const auto released = std::move(a1.held);  // given back at the end of this scope
  }
  CHECK(limit.try_acquire("a").why == connection_limit::refusal::none);
  CHECK(limit.try_acquire("c").why == connection_limit::refusal::none);  // the one returned
}
