// `advisor check` (issue 10): the edit, check, reload loop of docs/operations.md. The real
// binary checks copies of the data folders, some of them broken on purpose.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/integration/server_process.hpp"

using namespace advisor::test;
namespace fs = std::filesystem;

namespace {

// Copies of intents/data and knowledge/data in a test folder, to be edited.
struct data_copy {
  temp_dir dir;
  fs::path intents = dir.file("intents");
  fs::path knowledge = dir.file("knowledge");

  data_copy() {
    const fs::path source{advisor_source_dir()};
    fs::copy(source / "intents" / "data", intents, fs::copy_options::recursive);
    fs::copy(source / "knowledge" / "data", knowledge, fs::copy_options::recursive);
  }

  std::vector<std::string> args() const {
    return {"check", "--intents-dir", intents.string(), "--knowledge-dir", knowledge.string()};
  }
};

// Replaces line `number` (1-based) of `file`.
void replace_line(const fs::path& file, int number, const std::string& text) {
  std::ifstream in{file};
  std::ostringstream out;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) out << (n == number ? text : line) << '\n';
  in.close();
  std::ofstream{file, std::ios::trunc} << out.str();
}

}  // namespace

TEST_CASE("advisor check accepts the shipped data and starts no server", "[check]") {
  data_copy data;
  const auto result = run_advisor(data.args());
  INFO(result.out << result.err);
  REQUIRE(result.status.exited);
  CHECK(result.status.code == 0);
  CHECK(result.out.find("advisor check: ok") != std::string::npos);
  CHECK(result.out.find("listening on") == std::string::npos);
}

TEST_CASE("advisor check names the file and line of a broken intents.json", "[check]") {
  data_copy data;
  replace_line(data.intents / "intents.json", 3, R"(    "broken": ,)");
  const auto result = run_advisor(data.args());
  INFO(result.out << result.err);
  REQUIRE(result.status.exited);
  CHECK(result.status.code == 1);
  CHECK(result.err.find((data.intents / "intents.json:3:").string()) != std::string::npos);
  CHECK(result.out.empty());
}

TEST_CASE("advisor check refuses a knowledge folder without its rules file", "[check]") {
  data_copy data;
  fs::remove(data.knowledge / "knowledge.txt");
  const auto result = run_advisor(data.args());
  INFO(result.out << result.err);
  REQUIRE(result.status.exited);
  CHECK(result.status.code == 1);
  CHECK(result.err.find("knowledge.txt") != std::string::npos);
}

TEST_CASE("advisor check refuses a configuration the engine cannot use", "[check]") {
  data_copy data;
  auto args = data.args();
  args.insert(args.begin(), {"--timezone", "Mars/Olympus_Mons"});
  const auto result = run_advisor(args);
  INFO(result.out << result.err);
  REQUIRE(result.status.exited);
  CHECK(result.status.code != 0);
  CHECK(result.err.find("Mars/Olympus_Mons") != std::string::npos);
}
