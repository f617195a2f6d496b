#pragma once
// nginx in front of Advisor instances, started and stopped by the test: a configuration
// generated into a temporary prefix (the proxy settings of deploy/nginx.conf, round robin,
// no stickiness), listening on a free port of 127.0.0.1. Ready when /healthz answers through it.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace advisor::test {

class nginx_balancer {
 public:
  // Why nginx cannot run here (not installed), or nullopt.
  static std::optional<std::string> why_not();

  explicit nginx_balancer(const std::vector<std::uint16_t>& upstream_ports);
  ~nginx_balancer();
  nginx_balancer(const nginx_balancer&) = delete;
  nginx_balancer& operator=(const nginx_balancer&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] std::string error_log() const;

 private:
  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace advisor::test
