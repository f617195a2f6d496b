#pragma once
// The last lines of a conversation, both speakers, oldest first: a ring of at most `capacity`
// lines, so that in a long conversation each new line takes the oldest one's place instead
// of moving all the others.

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace advisor::dialogue {

struct transcript_line {
  std::string speaker;  // "visitor" or "bot"
  std::string text;
};

class transcript {
 public:
  static constexpr std::size_t capacity = 40;

  void push_back(transcript_line line) { next() = std::move(line); }

  // The same, written into the line's own strings: once the ring is full, a long
  // conversation's turns cost no allocation for the transcript.
  void add(std::string_view speaker, std::string_view text) {
    auto& line = next();
    line.speaker.assign(speaker);
    line.text.assign(text);
  }

  [[nodiscard]] std::size_t size() const { return lines_.size(); }
  [[nodiscard]] bool empty() const { return lines_.empty(); }
  // The i-th line, oldest first.
  const transcript_line& operator[](std::size_t i) const {
    return lines_[(oldest_ + i) % lines_.size()];
  }
  const transcript_line& front() const { return (*this)[0]; }
  const transcript_line& back() const { return (*this)[size() - 1]; }

  // A copy, oldest first (what a booking carries).
  [[nodiscard]] std::vector<transcript_line> ordered() const {
    std::vector<transcript_line> out;
    out.reserve(size());
    for (std::size_t i = 0; i < size(); ++i) out.push_back((*this)[i]);
    return out;
  }

 private:
  // The line to write: a new one until the ring is full, then the oldest.
  transcript_line& next() {
    if (lines_.size() < capacity) {
      // Grown by doubling up to the capacity, never past it.
      if (lines_.size() == lines_.capacity()) {
        lines_.reserve(std::min(capacity, std::max<std::size_t>(2, 2 * lines_.size())));
      }
      return lines_.emplace_back();
    }
    auto& line = lines_[oldest_];
    oldest_ = (oldest_ + 1) % capacity;
    return line;
  }

  std::vector<transcript_line> lines_;
  std::size_t oldest_ = 0;  // where the oldest line is, once the ring is full
};

}  // namespace advisor::dialogue
