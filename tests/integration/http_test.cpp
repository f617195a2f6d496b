// The HTTP side of the port: health, readiness, metrics, static files (no traversal) and
// POST /api/chat.

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/integration/clients.hpp"
#include "tests/integration/protocol_checks.hpp"
#include "tests/integration/server_process.hpp"

using namespace advisor::test;

namespace {

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

json parse(const std::string& body) {
  return json::parse(body, nullptr, false);
}

// Prometheus text exposition: every line is blank, a comment (# HELP / # TYPE / other) or a
// sample `name{labels} value [timestamp]`; at least one sample.
bool is_prometheus_text(const std::string& body) {
  static const std::regex sample{
      R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? )"
      R"(([-+]?[0-9.]+([eE][-+]?[0-9]+)?|[-+]?Inf|NaN)( -?[0-9]+)?$)"};
  static const std::regex type_line{
      R"(^# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped)$)"};
  std::istringstream lines{body};
  std::string line;
  int samples = 0;
  while (std::getline(lines, line)) {
    if (line.empty()) {
      continue;
    }
    if (starts_with(line, "# TYPE")) {
      if (!std::regex_match(line, type_line)) {
        return false;
      }
      continue;
    }
    if (starts_with(line, "#")) {
      continue;
    }
    if (!std::regex_match(line, sample)) {
      return false;
    }
    ++samples;
  }
  return samples > 0;
}

void check_error_response(const http_response& response, const std::string& code) {
  INFO(response.status << " " << response.body);
  CHECK(response.status == 400);
  CHECK(starts_with(response.header("content-type"), "application/json"));
  const json body = parse(response.body);
  CHECK(body.is_object());
  if (body.is_object()) {
    CHECK(body.value("type", "") == "error");
    CHECK(body.value("code", "") == code);
    CHECK(body.value("message", json{}).is_string());
  }
}

}  // namespace

TEST_CASE("health, readiness and metrics", "[http]") {
  server_process server;

  SECTION("GET /healthz is 200") {
    CHECK(http_request(server.port(), "GET", "/healthz").status == 200);
  }
  SECTION("GET /readyz is 200") {
    CHECK(http_request(server.port(), "GET", "/readyz").status == 200);
  }
  SECTION("GET /metrics is Prometheus text, also after some traffic") {
    {
      ws_client client{server.port()};
      read_welcome(client);
      client.send_json(message("hello", "m"));
      check_reply(client.read_json(), "m");
      client.send_text("not json");
      check_error(client.read_json(), "bad_json", "");
    }
    const http_response metrics = http_request(server.port(), "GET", "/metrics");
    INFO(metrics.body);
    CHECK(metrics.status == 200);
    CHECK(starts_with(metrics.header("content-type"), "text/plain"));
    CHECK(is_prometheus_text(metrics.body));
    CHECK(metrics.body.find("advisor_replies_total{intent=\"greeting\"} 1\n") != std::string::npos);
    CHECK(metrics.body.find("advisor_errors_total{code=\"bad_json\"} 1\n") != std::string::npos);
    CHECK(metrics.body.find("advisor_webhook_pending 0\n") != std::string::npos);
  }
}

TEST_CASE("static files with their content types", "[http]") {
  server_process server;

  SECTION("GET / is the demo page") {
    const http_response page = http_request(server.port(), "GET", "/");
    CHECK(page.status == 200);
    CHECK(starts_with(page.header("content-type"), "text/html"));
    CHECK_FALSE(page.body.empty());
  }
  SECTION("GET /widget.js is JavaScript") {
    const http_response script = http_request(server.port(), "GET", "/widget.js");
    const std::string type = script.header("content-type");
    INFO(type);
    CHECK(script.status == 200);
    CHECK((starts_with(type, "text/javascript") || starts_with(type, "application/javascript")));
    CHECK_FALSE(script.body.empty());
  }
  SECTION("an unknown path is 404") {
    CHECK(http_request(server.port(), "GET", "/no-such-file.html").status == 404);
    CHECK(http_request(server.port(), "GET", "/no/such/dir/").status == 404);
  }
}

namespace {
http_options with_header(std::string name, std::string value) {
  http_options options;
  options.headers.emplace_back(std::move(name), std::move(value));
  return options;
}
}  // namespace

TEST_CASE("the widget is cached, revalidated and compressed", "[http]") {
  server_process server;
  const http_response plain = http_request(server.port(), "GET", "/widget.js");
  REQUIRE(plain.status == 200);
  const std::string etag = plain.header("etag");

  SECTION("a strong ETag and a cache lifetime") {
    CHECK(etag.size() > 2);
    CHECK(etag.front() == '"');
    CHECK(plain.header("cache-control").find("max-age=") != std::string::npos);
    CHECK(plain.header("vary") == "Accept-Encoding");
    CHECK(plain.header("content-encoding").empty());
  }
  SECTION("If-None-Match with the ETag gives 304 and no body") {
    const auto again =
        http_send(server.port(), "GET", "/widget.js", with_header("If-None-Match", etag));
    CHECK(again.status == 304);
    CHECK(again.body.empty());
    CHECK(again.header("etag") == etag);
  }
  SECTION("gzip when accepted, within the 15 KB budget") {
    const auto packed = http_send(server.port(), "GET", "/widget.js",
                                  with_header("Accept-Encoding", "br, gzip;q=0.8"));
    CHECK(packed.status == 200);
    CHECK(packed.header("content-encoding") == "gzip");
    CHECK(packed.body.size() < plain.body.size());
    CHECK(packed.body.size() <= 15U * 1024U);
    CHECK(packed.header("etag") == etag);
  }
  SECTION("no gzip when refused") {
    const auto refused = http_send(server.port(), "GET", "/widget.js",
                                   with_header("Accept-Encoding", "gzip;q=0, identity"));
    CHECK(refused.header("content-encoding").empty());
    CHECK(refused.body == plain.body);
  }
  SECTION("the page revalidates every time") {
    CHECK(http_request(server.port(), "GET", "/").header("cache-control") == "no-cache");
  }
}

TEST_CASE("traversal attempts never reach files outside the web root", "[http]") {
  // The web root is <source>/web, so one level up is the repository with its
  // CMakeLists.txt; /etc/passwd is the classic absolute target.
  server_process server;
  const std::vector<std::string> targets = {
      "/../CMakeLists.txt",
      "/%2e%2e/CMakeLists.txt",
      "/%2E%2E/CMakeLists.txt",
      "/%2e%2e%2fCMakeLists.txt",
      "/..%2fCMakeLists.txt",
      "/..%5cCMakeLists.txt",
      "/..\\CMakeLists.txt",
      "/web/../CMakeLists.txt",
      "/./../CMakeLists.txt",
      "/..%2f..%2fetc/passwd",
      "/../../../../../../../../etc/passwd",
      "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
      "//etc/passwd",
      "/%2fetc%2fpasswd",
      "/%252e%252e/CMakeLists.txt",
      "/index.html%00../../CMakeLists.txt",
  };
  for (const auto& target : targets) {
    const http_response response = http_request(server.port(), "GET", target);
    INFO(target << ": " << response.status << "\n" << response.body.substr(0, 200));
    CHECK((response.status == 400 || response.status == 404));
    CHECK(response.body.find("cmake_minimum_required") == std::string::npos);
    CHECK(response.body.find("root:x:0:0") == std::string::npos);
  }
  // The same server, after all of them.
  CHECK(http_request(server.port(), "GET", "/healthz").status == 200);
}

TEST_CASE("POST /api/chat answers like a WebSocket reply", "[http][session]") {
  server_process server;
  const auto post = [&](const std::string& body) {
    return http_request(server.port(), "POST", "/api/chat", body);
  };

  SECTION("a message gets the reply object plus the session") {
    const http_response response = post(R"({"text":"hello","id":"h1"})");
    INFO(response.body);
    CHECK(response.status == 200);
    CHECK(starts_with(response.header("content-type"), "application/json"));
    const json reply = parse(response.body);
    REQUIRE(reply.is_object());
    check_reply(reply, "h1");
    CHECK(reply.value("intent", "") == "greeting");
    CHECK(is_session_token(reply.value("session", json{})));
  }

  SECTION("a time zone no database knows is a 400 that opens no session") {
    const http_response bad = post(R"({"text":"hello","id":"z1","time_zone":"Mars/Olympus"})");
    INFO(bad.body);
    CHECK(bad.status == 400);
    const json error = parse(bad.body);
    CHECK(error.value("code", "") == "bad_message");
    CHECK(error.value("reply_to", "") == "z1");
    CHECK_FALSE(error.contains("session"));
    const http_response metrics = http_request(server.port(), "GET", "/metrics");
    CHECK(metrics.body.find("\nadvisor_sessions 0\n") != std::string::npos);
    // A known zone is taken and the message answered.
    const http_response good = post(R"({"text":"hello","time_zone":"Asia/Tokyo","locale":"ja"})");
    CHECK(good.status == 200);
  }

  SECTION("without an id the reply has no reply_to") {
    const json reply = parse(post(R"({"text":"thanks"})").body);
    REQUIRE(reply.is_object());
    check_reply(reply, "");
    CHECK(reply.value("intent", "") == "thanks");
  }

  SECTION("posting with the session keeps it") {
    const json first = parse(post(R"({"text":"hello"})").body);
    REQUIRE(first.is_object());
    const std::string session = first.value("session", "");
    REQUIRE_FALSE(session.empty());
    const http_response again =
        post(json{{"session", session}, {"text", "what can you do?"}, {"id", "h2"}}.dump());
    CHECK(again.status == 200);
    const json second = parse(again.body);
    REQUIRE(second.is_object());
    check_reply(second, "h2");
    CHECK(second.value("intent", "") == "help");
    CHECK(second.value("session", "") == session);
  }

  SECTION("an unknown session gets a new one") {
    const std::string unknown = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const http_response response = post(json{{"session", unknown}, {"text", "hello"}}.dump());
    CHECK(response.status == 200);
    const json reply = parse(response.body);
    REQUIRE(reply.is_object());
    CHECK(is_session_token(reply.value("session", json{})));
    CHECK(reply.value("session", "") != unknown);
  }

  struct bad_body {
    std::string name;
    std::string body;
    std::string code;
  };
  const std::vector<bad_body> bad = {
      {"not JSON", "hello", "bad_json"},
      {"an empty body", "", "bad_json"},
      {"truncated JSON", R"({"text":"hi")", "bad_json"},
      {"an array", R"(["hi"])", "bad_message"},
      {"no text", R"({"id":"x"})", "bad_message"},
      {"text that is not a string", R"({"text":5})", "bad_message"},
      {"empty text", R"({"text":""})", "bad_message"},
      {"text empty after trimming", R"({"text":"  \n "})", "bad_message"},
      {"an id that is not a string", R"({"text":"hi","id":5})", "bad_message"},
      {"an id over 64 characters", R"({"text":"hi","id":")" + std::string(65, 'i') + R"("})",
       "bad_message"},
      {"text over 2000 characters", R"({"text":")" + std::string(2001, 'a') + R"("})", "too_long"},
  };
  SECTION("a body it cannot take is a 400 with its code, and the next one is answered") {
    for (const auto& [name, body, code] : bad) {
      INFO(name << " is 400 " << code);
      check_error_response(post(body), code);
      CHECK(post(R"({"text":"hello"})").status == 200);
    }
  }
}
