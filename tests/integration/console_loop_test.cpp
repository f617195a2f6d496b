// The operator's loop of the README (issue 10), end to end on the real binary: a question the
// bot cannot answer shows up in the console's review list; the operator edits the data,
// `advisor check` names a mistake by file and line, then passes; SIGHUP reloads; the console's
// health shows the reload and the same question now gets an answer.

#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "tests/integration/clients.hpp"
#include "tests/integration/server_process.hpp"

using namespace advisor::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const std::string token = "console-loop-token-8d2e";
const std::string question = "should I use zorblax?";

json admin_get(const server_process& server, const std::string& target) {
  http_options options;
  options.headers.emplace_back("Authorization", "Bearer " + token);
  const auto res = http_send(server.port(), "GET", target, options);
  REQUIRE(res.status == 200);
  return json::parse(res.body);
}

std::string intent_of(const server_process& server, const std::string& text) {
  const auto res = http_request(server.port(), "POST", "/api/chat", json{{"text", text}}.dump());
  REQUIRE(res.status == 200);
  return json::parse(res.body)["intent"];
}

void append(const fs::path& file, const std::string& line) {
  std::ofstream{file, std::ios::app} << line << '\n';
}

std::size_t lines_in(const fs::path& file) {
  std::ifstream in{file};
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

}  // namespace

TEST_CASE("the operator's loop: review, edit, check, reload, answered", "[admin][reload]") {
  temp_dir dir;
  const fs::path intents = dir.file("intents");
  const fs::path knowledge = dir.file("knowledge");
  const fs::path source{advisor_source_dir()};
  fs::copy(source / "intents" / "data", intents, fs::copy_options::recursive);
  fs::copy(source / "knowledge" / "data", knowledge, fs::copy_options::recursive);
  server_process server{{{"--intents-dir", intents.string()},
                         {"--knowledge-dir", knowledge.string()},
                         {"--db", dir.db()}},
                        env_list{{"ADVISOR_ADMIN_TOKEN", token}}};

  REQUIRE(intent_of(server, question) == "fallback");
  // The console lists it (the recorder writes every 2 s).
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  while (admin_get(server, "/api/admin/review")["groups"].empty()) {
    if (std::chrono::steady_clock::now() > deadline) FAIL("the question never reached review");
    std::this_thread::sleep_for(50ms);  // polling the API, with the deadline above
  }
  CHECK(admin_get(server, "/api/admin/review")["groups"][0]["text"] == question);
  const auto loaded_before = admin_get(server, "/api/admin/health")["knowledge"]["loaded_at"];

  const std::vector<std::string> check{"check", "--intents-dir", intents.string(),
                                       "--knowledge-dir", knowledge.string()};
  const auto lexicon = intents / "lexicon.txt";
  append(lexicon, "tech node zorblax");  // the colon forgotten
  auto checked = run_advisor(check);
  INFO(checked.out << checked.err);
  CHECK(checked.status.code == 1);
  CHECK(checked.err.find(lexicon.string() + ":" + std::to_string(lines_in(lexicon)) + ":") !=
        std::string::npos);
  // A reload of the broken set is refused; the server keeps answering as before.
  server.send_signal(SIGHUP);
  REQUIRE(server.wait_for_output("reload refused", 10s));
  CHECK(intent_of(server, question) == "fallback");

  {  // fixed: the last line rewritten
    std::ifstream in{lexicon};
    std::string all{std::istreambuf_iterator<char>{in}, {}};
    all.replace(all.rfind("tech node zorblax"), 17, "tech node: zorblax");
    std::ofstream{lexicon, std::ios::trunc} << all;
  }
  checked = run_advisor(check);
  CHECK(checked.status.code == 0);
  CHECK(checked.out.find("advisor check: ok") != std::string::npos);
  server.send_signal(SIGHUP);
  REQUIRE(server.wait_for_output("reloaded intents and knowledge", 10s));

  const auto health = admin_get(server, "/api/admin/health");
  CHECK(health["reloads"]["ok"] == 1);
  CHECK(health["reloads"]["failed"] == 1);
  CHECK(health["knowledge"]["loaded_at"].get<std::string>() >= loaded_before.get<std::string>());
  CHECK(intent_of(server, question) == "compare");
}
