#pragma once
// Reads the headers of the client's WebSocket frames (RFC 6455 section 5.2) from the raw
// bytes as they arrive, skipping payloads. Beast consumes empty non-final frames inside
// its read operation without telling the application, so a cap on frames per message needs
// this view of the wire. It only observes: Beast still validates and decodes every frame.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

namespace advisor::server {

struct frame_header {
  std::uint8_t opcode = 0;  // 0 continuation, 1 text, 2 binary, 8 close, 9 ping, 10 pong
  bool fin = false;
  std::uint64_t length = 0;  // payload bytes
};

class frame_header_reader {
 public:
  // Takes the next `size` bytes of the stream; calls `on_header(const frame_header&)` for
  // each header completed by them, in order.
  template <class OnHeader>
  void feed(const unsigned char* data, std::size_t size, OnHeader&& on_header) {
    while (size > 0) {
      if (payload_left_ > 0) {
        const auto skip = static_cast<std::size_t>(std::min<std::uint64_t>(payload_left_, size));
        payload_left_ -= skip;
        data += skip;
        size -= skip;
        continue;
      }
      head_[have_++] = *data++;
      --size;
      if (have_ < header_size()) continue;
      const auto header = decode();
      have_ = 0;
      payload_left_ = header.length;
      on_header(header);
    }
  }

 private:
  // The full header's size, known once its first two bytes are in.
  [[nodiscard]] std::size_t header_size() const {
    if (have_ < 2) return 2;
    const unsigned length7 = head_[1] & 0x7f;
    const std::size_t extended = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
    const std::size_t mask = (head_[1] & 0x80) != 0 ? 4 : 0;
    return 2 + extended + mask;
  }

  [[nodiscard]] frame_header decode() const {
    frame_header header;
    header.fin = (head_[0] & 0x80) != 0;
    header.opcode = head_[0] & 0x0f;
    const unsigned length7 = head_[1] & 0x7f;
    if (length7 < 126) {
      header.length = length7;
      return header;
    }
    const std::size_t extended = length7 == 126 ? 2 : 8;
    for (std::size_t i = 0; i < extended; ++i) header.length = (header.length << 8) | head_[2 + i];
    return header;
  }

  std::array<unsigned char, 14> head_{};  // 2 + 8 (length) + 4 (mask) at most
  std::size_t have_ = 0;
  std::uint64_t payload_left_ = 0;
};

}  // namespace advisor::server
