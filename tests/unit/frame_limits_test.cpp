// The frame header reader and the message guard behind --max-fragments and
// --message-timeout: headers split across reads, every length form, fragments counted.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "server/config.hpp"
#include "server/frame_header_reader.hpp"
#include "server/message_guard.hpp"

using namespace advisor::server;
using namespace std::chrono_literals;

namespace {

// A masked client frame with `size` payload bytes (the payload's content does not matter).
std::string client_frame(std::uint8_t opcode, std::size_t size, bool fin) {
  std::string bytes;
  bytes += static_cast<char>((fin ? 0x80 : 0) | opcode);
  if (size < 126) {
    bytes += static_cast<char>(0x80 | size);
  } else if (size <= 0xffff) {
    bytes += static_cast<char>(0x80 | 126);
    bytes += static_cast<char>(size >> 8);
    bytes += static_cast<char>(size & 0xff);
  } else {
    bytes += static_cast<char>(0x80 | 127);
    for (int shift = 56; shift >= 0; shift -= 8) bytes += static_cast<char>((size >> shift) & 0xff);
  }
  bytes += "MASK";
  bytes += std::string(size, 'x');
  return bytes;
}

std::vector<frame_header> read_all(const std::string& bytes, std::size_t chunk) {
  frame_header_reader reader;
  std::vector<frame_header> headers;
  for (std::size_t at = 0; at < bytes.size(); at += chunk) {
    const auto size = std::min(chunk, bytes.size() - at);
    reader.feed(reinterpret_cast<const unsigned char*>(bytes.data() + at), size,
                [&](const frame_header& header) { headers.push_back(header); });
  }
  return headers;
}

}  // namespace

TEST_CASE("frame headers are read whatever the reads' sizes", "[server][protocol]") {
  const std::string stream = client_frame(0x1, 0, false) + client_frame(0x0, 125, false) +
                             client_frame(0x9, 4, true) + client_frame(0x0, 126, false) +
                             client_frame(0x0, 70000, true) + client_frame(0xA, 0, true);
  for (const std::size_t chunk : {1UL, 3UL, 7UL, 4096UL, 1UL << 20}) {
    DYNAMIC_SECTION("reads of " << chunk << " bytes") {
      const auto headers = read_all(stream, chunk);
      REQUIRE(headers.size() == 6);
      CHECK(headers[0].opcode == 0x1);
      CHECK_FALSE(headers[0].fin);
      CHECK(headers[0].length == 0);
      CHECK(headers[1].length == 125);
      CHECK(headers[2].opcode == 0x9);
      CHECK(headers[2].fin);
      CHECK(headers[3].length == 126);
      CHECK(headers[4].length == 70000);
      CHECK(headers[4].fin);
      CHECK(headers[5].opcode == 0xA);
    }
  }
}

TEST_CASE("message guard: fragments per message and the message deadline", "[server][protocol]") {
  const auto t0 = message_guard::clock::time_point{} + 1h;
  message_guard guard{3, 10s};
  const auto on = [&](std::uint8_t opcode, bool fin, auto at) {
    return guard.on_frame({opcode, fin, 0}, at);
  };
  using verdict = message_guard::verdict;

  SECTION("a message of the maximum is fine, one more fragment is not") {
    CHECK(on(0x1, false, t0) == verdict::ok);
    CHECK(on(0x0, false, t0) == verdict::ok);
    CHECK(on(0x0, true, t0) == verdict::ok);
    CHECK(on(0x1, false, t0) == verdict::ok);
    CHECK(on(0x0, false, t0) == verdict::ok);
    CHECK(on(0x0, false, t0) == verdict::ok);
    CHECK(on(0x0, false, t0) == verdict::too_many_fragments);
  }
  SECTION("control frames between fragments are not counted") {
    CHECK(on(0x1, false, t0) == verdict::ok);
    for (int i = 0; i < 10; ++i) CHECK(on(0x9, true, t0) == verdict::ok);
    CHECK(on(0x0, true, t0) == verdict::ok);
  }
  SECTION("the deadline runs from the first frame of an unfinished message") {
    CHECK_FALSE(guard.deadline());
    on(0x1, true, t0);
    CHECK_FALSE(guard.deadline());  // complete in one frame
    on(0x1, false, t0 + 1s);
    on(0x0, false, t0 + 5s);
    REQUIRE(guard.deadline());
    CHECK(*guard.deadline() == t0 + 11s);
    on(0x0, true, t0 + 6s);
    CHECK_FALSE(guard.deadline());
  }
  SECTION("single-frame messages never accumulate") {
    for (int i = 0; i < 100; ++i) CHECK(on(0x1, true, t0) == verdict::ok);
  }
}

TEST_CASE("the default cap on frames per message follows the frame limit", "[server][protocol]") {
  limits limit;
  CHECK(max_fragments_per_message(limit) == 128);  // 16 KiB frames
  limit.max_frame_bytes = 8 * 1024 * 1024;
  CHECK(max_fragments_per_message(limit) == 8192);  // a Beast client's 4 KiB frames fit
  limit.max_fragments = 16;
  CHECK(max_fragments_per_message(limit) == 16);
}
