// A mistyped --db starts an empty store without complaint; start-up says which file is used
// and whether it was just created, so the mistake shows in the first lines of the log.

#include <signal.h>

#include <string>

#include <catch2/catch.hpp>

#include "tests/integration/server_process.hpp"

using namespace advisor::test;

TEST_CASE("start-up names the database file and says whether it was created", "[lifecycle]") {
  temp_dir dir;
  const auto file = dir.file("advisro.db");  // the typo the log must make visible
  {
    server_process server{{{"--db", file}}};
    CHECK(server.wait_for_output("database " + file + ": created, new and empty", 10s));
    server.send_signal(SIGTERM);
    REQUIRE(server.wait_exit(20s).has_value());
  }
  server_process again{{{"--db", file}}};
  CHECK(again.wait_for_output("database " + file + ": opened the existing file", 10s));
  CHECK(again.output().find("created, new and empty") == std::string::npos);
}
