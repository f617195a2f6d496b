// The WebSocket frame header reader behind --max-fragments: any bytes, in reads of any
// sizes, give the same headers as when read at once, and the message guard takes them.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "server/frame_header_reader.hpp"
#include "server/message_guard.hpp"

using namespace advisor::server;

namespace {

bool same(const frame_header& a, const frame_header& b) {
  return a.opcode == b.opcode && a.fin == b.fin && a.length == b.length;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte sets the size of the reads, the rest is the stream.
  const std::size_t chunk = 1 + data[0] % 16;
  ++data;
  --size;

  std::vector<frame_header> whole;
  frame_header_reader at_once;
  at_once.feed(data, size, [&](const frame_header& h) { whole.push_back(h); });

  std::vector<frame_header> pieces;
  frame_header_reader in_chunks;
  message_guard guard{4, std::chrono::seconds{1}};
  const auto now = message_guard::clock::now();
  for (std::size_t at = 0; at < size; at += chunk) {
    in_chunks.feed(data + at, std::min(chunk, size - at), [&](const frame_header& h) {
      pieces.push_back(h);
      (void)guard.on_frame(h, now);
      (void)guard.deadline();
    });
  }
  if (whole.size() != pieces.size() ||
      !std::equal(whole.begin(), whole.end(), pieces.begin(), same)) {
    std::abort();
  }
  return 0;
}
