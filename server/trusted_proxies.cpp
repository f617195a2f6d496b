#include "server/trusted_proxies.hpp"

#include "intents/text.hpp"

namespace advisor::server {

namespace net = boost::asio;

namespace {

// IPv4 clients of a dual-stack socket arrive as ::ffff:a.b.c.d; they are IPv4 clients.
net::ip::address plain(const net::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
  }
  return address;
}

}  // namespace

std::optional<trusted_proxies> trusted_proxies::parse(const std::vector<std::string>& entries) {
  trusted_proxies proxies;
  for (const auto& entry : entries) {
    boost::system::error_code ec;
    if (entry.find('/') != std::string::npos) {
      if (const auto v4 = net::ip::make_network_v4(entry, ec); !ec) {
        proxies.v4_.push_back(v4.canonical());
        continue;
      }
      const auto v6 = net::ip::make_network_v6(entry, ec);
      if (ec) return std::nullopt;
      proxies.v6_.push_back(v6.canonical());
      continue;
    }
    const auto address = net::ip::make_address(entry, ec);
    if (ec) return std::nullopt;
    const auto one = plain(address);
    if (one.is_v4()) {
      proxies.v4_.push_back(net::ip::make_network_v4(one.to_v4(), 32));
    } else {
      proxies.v6_.push_back(net::ip::make_network_v6(one.to_v6(), 128));
    }
  }
  return proxies;
}

bool trusted_proxies::valid_entry(const std::string& entry) {
  return parse({entry}).has_value();
}

bool trusted_proxies::contains(const net::ip::address& address) const {
  const auto one = plain(address);
  if (one.is_v4()) {
    for (const auto& network : v4_) {
      if (net::ip::make_network_v4(one.to_v4(), network.prefix_length()).canonical() == network) {
        return true;
      }
    }
    return false;
  }
  for (const auto& network : v6_) {
    if (net::ip::make_network_v6(one.to_v6(), network.prefix_length()).canonical() == network) {
      return true;
    }
  }
  return false;
}

net::ip::address trusted_proxies::client(const net::ip::address& peer,
                                         std::string_view forwarded_for) const {
  auto current = plain(peer);
  while (contains(current)) {
    if (forwarded_for.empty()) break;
    const auto comma = forwarded_for.rfind(',');
    const auto entry = intents::text::trim(
        comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1),
        " \t");  // HTTP's optional whitespace
    forwarded_for =
        comma == std::string_view::npos ? std::string_view{} : forwarded_for.substr(0, comma);
    boost::system::error_code ec;
    const auto next = net::ip::make_address(entry, ec);
    if (ec) break;  // not an address: what the proxy saw cannot be known
    current = plain(next);
  }
  return current;
}

}  // namespace advisor::server
