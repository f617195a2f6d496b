// Client frames as the WebSocket session and POST /api/chat read them: any bytes give a frame
// or an error, never a crash; strict JSON on its own with a small depth limit too.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "server/protocol.hpp"
#include "server/strict_json.hpp"

using namespace advisor::server;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  const protocol::frame_rules rules;
  auto frame = protocol::parse_client_frame(text, rules);
  if (auto* error = std::get_if<protocol::frame_error>(&frame)) {
    (void)protocol::error_json(*error);
  }
  auto request = protocol::parse_chat_request(text, rules);
  if (auto* error = std::get_if<protocol::frame_error>(&request)) {
    (void)protocol::error_json(*error);
  }
  (void)parse_strict_json(text, 3);
  return 0;
}
