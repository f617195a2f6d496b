#pragma once
// Judges the frames of one connection's messages: a message may have at most
// `max_fragments` frames, and must be complete within `message_timeout` of its first frame.
// Empty or one-byte fragments cost the server a frame each and keep the connection from
// being idle, without ever making a message: the two limits bound both. Time is passed in,
// so the guard is testable without a clock.

#include <chrono>
#include <cstddef>
#include <optional>

#include "server/frame_header_reader.hpp"

namespace advisor::server {

class message_guard {
 public:
  using clock = std::chrono::steady_clock;
  enum class verdict { ok, too_many_fragments };

  message_guard(std::size_t max_fragments, std::chrono::seconds message_timeout)
      : max_fragments_{max_fragments}, message_timeout_{message_timeout} {}

  verdict on_frame(const frame_header& header, clock::time_point now) {
    constexpr std::uint8_t continuation = 0x0;
    if (header.opcode >= 0x8) return verdict::ok;  // control frames: budgeted elsewhere
    if (header.opcode != continuation) {
      fragments_ = 1;
      started_ = now;
    } else if (started_) {
      ++fragments_;
    } else {
      return verdict::ok;  // a continuation outside a message: Beast closes with 1002
    }
    if (header.fin) started_.reset();
    return fragments_ > max_fragments_ ? verdict::too_many_fragments : verdict::ok;
  }

  // When the message being received must be complete; nullopt between messages.
  [[nodiscard]] std::optional<clock::time_point> deadline() const {
    if (!started_) return std::nullopt;
    return *started_ + message_timeout_;
  }

 private:
  std::size_t max_fragments_;
  std::chrono::seconds message_timeout_;
  std::size_t fragments_ = 0;
  std::optional<clock::time_point> started_;  // the first frame of an unfinished message
};

}  // namespace advisor::server
