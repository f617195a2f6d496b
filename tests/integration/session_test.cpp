// Sessions: resuming a conversation by token, unknown tokens, reset keeping the token.

#include <string>

#include <catch2/catch.hpp>

#include "tests/integration/clients.hpp"
#include "tests/integration/protocol_checks.hpp"
#include "tests/integration/server_process.hpp"

using namespace advisor::test;

TEST_CASE("a session is resumed by its token", "[session]") {
  server_process server;
  std::string session;
  {
    ws_client first{server.port()};
    session = read_welcome(first);
    first.send_json(message("hello", "one"));
    check_reply(first.read_json(), "one");
    first.close();
  }
  REQUIRE_FALSE(session.empty());

  ws_client again{server.port(), ws_target("/ws?session=" + session)};
  const json welcome = again.read_json();
  check_welcome(welcome);
  CHECK(welcome.value("resumed", false) == true);
  CHECK(welcome.value("session", "") == session);

  SECTION("the resumed conversation answers") {
    again.send_json(message("thanks", "two"));
    const json reply = again.read_json();
    check_reply(reply, "two");
    CHECK(reply.value("intent", "") == "thanks");
  }

  SECTION("it can be resumed again, and keeps its token across a reset") {
    again.send_json({{"type", "reset"}});
    const json reset = again.read_json();
    CHECK(reset.value("type", "") == "welcome");
    CHECK(reset.value("session", "") == session);
    CHECK(reset.value("resumed", true) == false);
    again.close();

    ws_client third{server.port(), ws_target("/ws?session=" + session)};
    const json third_welcome = third.read_json();
    check_welcome(third_welcome);
    CHECK(third_welcome.value("resumed", false) == true);
    CHECK(third_welcome.value("session", "") == session);
  }
}

TEST_CASE("an unknown token gets a new session", "[session]") {
  server_process server;

  std::string target;
  SECTION("a well-formed token the server never issued") {
    target = "/ws?session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  }
  SECTION("an empty token") {
    target = "/ws?session=";
  }
  SECTION("a token with characters a token never has") {
    target = "/ws?session=%00%2F..%2F";
  }

  ws_client client{server.port(), ws_target(target)};
  const json welcome = client.read_json();
  check_welcome(welcome);
  CHECK(welcome.value("resumed", true) == false);
  CHECK(welcome.value("session", "") != "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  client.send_json(message("hello", "x"));
  check_reply(client.read_json(), "x");
}
