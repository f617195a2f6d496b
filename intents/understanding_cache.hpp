#pragma once
// Texts understood recently, with what was understood. Many visitors send the same short texts
// (the quick replies, "hi", "thanks", a common first question): each is read once and then
// shared. Bounded by entry count and by text length; safe to share between threads.

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "intents/understanding.hpp"

namespace advisor::intents {

class understanding_cache {
 public:
  using shared = std::shared_ptr<const understanding>;
  // Longer texts are nearly always written once; keeping them would only cost memory.
  static constexpr std::size_t max_text_bytes = 256;

  // Up to about 2 x `entries` texts are kept; 0 keeps none.
  explicit understanding_cache(std::size_t entries) : entries_{entries} {}

  // What `text` was understood as, when it is kept.
  shared find(std::string_view text) const;
  void keep(std::string_view text, shared understood) const;

 private:
  struct text_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept {
      return std::hash<std::string_view>{}(text);
    }
  };
  using table = std::unordered_map<std::string, shared, text_hash, std::equal_to<>>;

  std::size_t entries_;
  mutable std::mutex mutex_;
  // Two generations: a text found only in `older_` moves to `recent_`; when `recent_` is full it
  // becomes `older_`, so what was not asked for a whole generation is dropped.
  mutable table recent_;
  mutable table older_;
};

}  // namespace advisor::intents
