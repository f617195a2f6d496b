#pragma once
// Which client a request comes from, when reverse proxies stand in front (--trusted-proxy).
// A proxy's X-Forwarded-For is believed only from a configured proxy, and then only as far
// as it goes through configured proxies: the client is the rightmost address in the chain
// that is not one of them, so a client cannot choose its address by sending the header.

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace advisor::server {

class trusted_proxies {
 public:
  trusted_proxies() = default;

  // An address ("10.0.0.7", "::1") or a network in CIDR form ("10.0.0.0/8", "fd00::/8");
  // nullopt when the entry is neither.
  static std::optional<trusted_proxies> parse(const std::vector<std::string>& entries);
  static bool valid_entry(const std::string& entry);

  [[nodiscard]] bool contains(const boost::asio::ip::address& address) const;

  // The peer itself unless it is a trusted proxy; then, walking X-Forwarded-For (all its
  // headers joined by commas, in order) from the right, the first address not trusted.
  // A malformed entry stops the walk at the last address known.
  [[nodiscard]] boost::asio::ip::address client(const boost::asio::ip::address& peer,
                                                std::string_view forwarded_for) const;

 private:
  std::vector<boost::asio::ip::network_v4> v4_;
  std::vector<boost::asio::ip::network_v6> v6_;
};

}  // namespace advisor::server
