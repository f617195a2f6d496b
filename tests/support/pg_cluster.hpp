#pragma once
// A throwaway PostgreSQL 15 cluster for one test process: initdb (once per machine into a
// cached template, then copied) into a temporary folder, postgres listening on a Unix
// socket in that folder only, run as an unprivileged user (nobody when the test runs as
// root, since postgres refuses root). Stopped and removed with the object; stop() and
// start() let a test take the database away during traffic.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

namespace advisor::test {

// Thrown when this machine cannot run a private cluster; what() says why.
struct pg_cluster_unavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class pg_cluster {
 public:
  pg_cluster();
  ~pg_cluster();
  pg_cluster(const pg_cluster&) = delete;
  pg_cluster& operator=(const pg_cluster&) = delete;

  // Why a cluster cannot be started here (no PostgreSQL 15 binaries), or nullopt.
  static std::optional<std::string> why_not();

  // A new empty database; returns its libpq URI (Unix socket, no password).
  std::string create_database();
  // The URI of database `name`.
  [[nodiscard]] std::string uri(const std::string& name) const;

  void stop();   // fast shutdown; returns when the server has exited
  void start();  // starts again; returns when it accepts connections
  [[nodiscard]] bool running() const { return pid_ > 0; }

 private:
  void spawn();
  void wait_ready(std::chrono::milliseconds deadline) const;

  std::filesystem::path dir_;  // data/, sock/, postgres.log
  pid_t pid_ = -1;
  int databases_ = 0;
};

}  // namespace advisor::test
