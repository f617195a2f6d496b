#pragma once
// The two database backends a store test runs against, as TEMPLATE_TEST_CASE types: SQLite in
// a temporary folder (removed after), and PostgreSQL in a private cluster this process starts
// (pg_cluster.hpp; one per test process, a new database per test). A backend that is not
// available() here (no PostgreSQL binaries) says why and the test returns.

#include <catch2/catch.hpp>

#include <filesystem>
#include <random>
#include <string>
#include <system_error>

#include "tests/support/pg_cluster.hpp"

namespace advisor::test {

struct sqlite_backend {
  static constexpr bool shared = false;  // what conversation_store::shared() answers
  std::filesystem::path dir;
  sqlite_backend() {
    std::random_device rd;
    dir = std::filesystem::temp_directory_path() /
          ("advisor-store-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir);
  }
  ~sqlite_backend() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  sqlite_backend(const sqlite_backend&) = delete;
  sqlite_backend& operator=(const sqlite_backend&) = delete;
  [[nodiscard]] bool available() const { return true; }
  [[nodiscard]] std::string where() const { return "sqlite:" + (dir / "advisor.db").string(); }
};

// One cluster per test process, a new database per test.
inline pg_cluster& cluster() {
  static pg_cluster instance;
  return instance;
}

struct postgresql_backend {
  static constexpr bool shared = true;
  std::string uri;
  postgresql_backend() {
    if (auto why = pg_cluster::why_not()) {
      WARN("PostgreSQL backend skipped: " << *why);
      return;
    }
    uri = cluster().create_database();
  }
  [[nodiscard]] bool available() const { return !uri.empty(); }
  [[nodiscard]] std::string where() const { return uri; }
};

}  // namespace advisor::test
