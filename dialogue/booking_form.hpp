#pragma once
// The booking form's state: which field is asked now and what was given so far. A plain value
// inside the conversation, saved and restored with it (conversation_json.cpp).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "intents/form_reading.hpp"

namespace advisor::dialogue {

// A slot in UTC; the booking form shows it in the consultancy's time zone.
using time_point = std::chrono::sys_seconds;

using intents::booking_field;

// The protocol's names: "name", "email", "company", "project", "slot", "consent", "confirm".
std::string_view field_name(booking_field field);
std::optional<booking_field> field_from_name(std::string_view name);

struct booking_form {
  booking_field asking = booking_field::name;
  std::optional<std::string> name;
  std::optional<std::string> email;
  std::optional<std::string> company;  // "" when the visitor skipped it
  std::optional<std::string> project;
  // Prefilled from the needs discussed before the form; the visitor accepts it or types another.
  std::optional<std::string> project_proposal;
  std::optional<time_point> slot;
  bool consent = false;  // only an explicit yes sets it
  // The zone the visitor typed or saw the slot in, so "I meant New York time" can re-read the
  // same wall-clock time in another zone.
  std::string slot_zone;
  // The slots offered last, in the order shown, so "the first one" means what the visitor saw.
  std::vector<time_point> offered;
  // A typed email that looks like a typo of a common domain, and the address suggested for
  // it: the next answer accepts one or the other.
  std::optional<std::string> email_typed;
  std::optional<std::string> email_suggested;

  // The first field still empty, or `confirm` when all are given.
  booking_field first_missing() const;
};

}  // namespace advisor::dialogue
