// SIGHUP reloads intents and knowledge: a valid change is swapped in, a broken file is
// refused with its location in the log and the running set keeps answering.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "clients.hpp"
#include "server_process.hpp"

namespace fs = std::filesystem;
using namespace advisor::test;
using nlohmann::json;

namespace {

// A writable copy of the data folders, removed afterwards.
struct data_copy {
  fs::path root;
  data_copy() {
    std::random_device rd;
    root = fs::temp_directory_path() /
           ("advisor-reload-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(root);
    fs::copy(fs::path{advisor_source_dir()} / "intents" / "data", root / "intents",
             fs::copy_options::recursive);
    fs::copy(fs::path{advisor_source_dir()} / "knowledge" / "data", root / "knowledge",
             fs::copy_options::recursive);
  }
  ~data_copy() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  std::string read(const fs::path& relative) const {
    std::ifstream in{root / relative, std::ios::binary};
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
  }
  void write(const fs::path& relative, const std::string& content) const {
    std::ofstream out{root / relative, std::ios::binary | std::ios::trunc};
    out << content;
  }
};

json chat(const server_process& server, const std::string& text) {
  const auto res = http_request(server.port(), "POST", "/api/chat", json{{"text", text}}.dump());
  REQUIRE(res.status == 200);
  return json::parse(res.body);
}

bool any_source_contains(const json& reply, const std::string& needle) {
  for (const auto& s : reply.at("sources")) {
    if (s.at("text").get<std::string>().find(needle) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("SIGHUP reloads the data files, or keeps the running set", "[server][reload]") {
  data_copy data;
  const auto db = data.root / "advisor.db";
  server_process server{{{"--intents-dir", (data.root / "intents").string()},
                         {"--knowledge-dir", (data.root / "knowledge").string()},
                         {"--db", db.string()}}};
  const std::string sentence = "Node.js is ideal for I/O-intensive services";
  REQUIRE(any_source_contains(chat(server, "which is better for streaming?"), sentence));

  SECTION("a broken intents file is refused, named with its line, and nothing changes") {
    const auto good = data.read("intents/intents.json");
    data.write("intents/intents.json", "{\n  \"intents\": [\n");
    server.send_signal(SIGHUP);
    REQUIRE(server.wait_for_output("reload refused", 10s));
    CHECK(server.output().find("intents.json:") != std::string::npos);
    CHECK(chat(server, "hello").at("intent") == "greeting");
    CHECK(any_source_contains(chat(server, "which is better for streaming?"), sentence));
    const auto metrics = http_request(server.port(), "GET", "/metrics");
    CHECK(metrics.body.find("advisor_engine_reloads_total{result=\"failed\"} 1") !=
          std::string::npos);
    data.write("intents/intents.json", good);
  }
  SECTION("an edited guide is compiled and answers from then on") {
    auto guide = data.read("knowledge/guide/05-use-case-fit.txt");
    const auto at = guide.find(sentence);
    REQUIRE(at != std::string::npos);
    const std::string edited = "Node.js is ideal for reload-tested, I/O-intensive services";
    guide.replace(at, sentence.size(), edited);
    data.write("knowledge/guide/05-use-case-fit.txt", guide);
    server.send_signal(SIGHUP);
    REQUIRE(server.wait_for_output("reloaded intents and knowledge", 10s));
    const auto reply = chat(server, "which is better for streaming?");
    CHECK(any_source_contains(reply, edited));
    CHECK_FALSE(any_source_contains(reply, sentence));
  }
}
