#pragma once
// Throw-away X.509 material for the TLS tests, made at run time with the OpenSSL C API: a
// self-signed CA and server certificates it signs for chosen subject alt names. Nothing is
// checked in, so nothing expires in the repository.

#include <memory>
#include <string>
#include <vector>

#include "tests/integration/webhook_receiver.hpp"

namespace advisor::test {

class test_authority {
 public:
  // A new P-256 key and a self-signed CA:TRUE certificate named `common_name`, valid from
  // an hour ago for a day. Throws std::runtime_error when OpenSSL refuses a step.
  explicit test_authority(const std::string& common_name = "Advisor Test CA");
  ~test_authority();
  test_authority(const test_authority&) = delete;
  test_authority& operator=(const test_authority&) = delete;
  test_authority(test_authority&&) = delete;
  test_authority& operator=(test_authority&&) = delete;

  [[nodiscard]] std::string certificate_pem() const;
  // A new key and a server certificate (CA:FALSE, serverAuth) signed by this CA for
  // `subject_alt_names` in OpenSSL's notation, e.g. {"DNS:localhost", "IP:127.0.0.1"}.
  [[nodiscard]] tls_identity issue(const std::string& common_name,
                                   const std::vector<std::string>& subject_alt_names) const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace advisor::test
