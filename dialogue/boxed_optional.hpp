#pragma once
// std::optional's interface for a value kept on the heap: what a conversation holds only now
// and then (the booking form, a clarifying question, the booking confirmed) costs an idle
// conversation a pointer each instead of the whole value. Copies are deep, so a conversation
// stays a plain value.

#include <memory>
#include <optional>
#include <utility>

namespace advisor::dialogue {

template <class T>
class boxed_optional {
 public:
  boxed_optional() = default;
  boxed_optional(std::nullopt_t) {}  // NOLINT(google-explicit-constructor): as std::optional
  boxed_optional(T value)            // NOLINT(google-explicit-constructor): as std::optional
      : value_{std::make_unique<T>(std::move(value))} {}
  boxed_optional(const boxed_optional& other)
      : value_{other.value_ ? std::make_unique<T>(*other.value_) : nullptr} {}
  boxed_optional(boxed_optional&&) noexcept = default;
  ~boxed_optional() = default;

  boxed_optional& operator=(const boxed_optional& other) {
    if (this != &other) value_ = other.value_ ? std::make_unique<T>(*other.value_) : nullptr;
    return *this;
  }
  boxed_optional& operator=(boxed_optional&&) noexcept = default;
  boxed_optional& operator=(std::nullopt_t) {
    value_.reset();
    return *this;
  }
  boxed_optional& operator=(T value) {
    emplace(std::move(value));
    return *this;
  }

  template <class... Args>
  T& emplace(Args&&... args) {
    value_ = std::make_unique<T>(std::forward<Args>(args)...);
    return *value_;
  }
  void reset() { value_.reset(); }

  [[nodiscard]] bool has_value() const { return value_ != nullptr; }
  explicit operator bool() const { return has_value(); }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  T* operator->() { return value_.get(); }
  const T* operator->() const { return value_.get(); }

 private:
  std::unique_ptr<T> value_;
};

}  // namespace advisor::dialogue
