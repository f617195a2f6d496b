#include "dialogue/booking_form.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace advisor::dialogue {
namespace {

constexpr std::array<std::pair<booking_field, std::string_view>, 7> field_names{{
    {booking_field::name, "name"},
    {booking_field::email, "email"},
    {booking_field::company, "company"},
    {booking_field::project, "project"},
    {booking_field::slot, "slot"},
    {booking_field::consent, "consent"},
    {booking_field::confirm, "confirm"},
}};

}  // namespace

std::string_view field_name(booking_field field) {
  const auto it = std::find_if(field_names.begin(), field_names.end(),
                               [&](const auto& entry) { return entry.first == field; });
  return it == field_names.end() ? std::string_view{} : it->second;
}

std::optional<booking_field> field_from_name(std::string_view name) {
  const auto it = std::find_if(field_names.begin(), field_names.end(),
                               [&](const auto& entry) { return entry.second == name; });
  if (it == field_names.end()) return std::nullopt;
  return it->first;
}

booking_field booking_form::first_missing() const {
  if (!name) return booking_field::name;
  if (!email) return booking_field::email;
  if (!company) return booking_field::company;
  if (!project) return booking_field::project;
  if (!slot) return booking_field::slot;
  if (!consent) return booking_field::consent;
  return booking_field::confirm;
}

}  // namespace advisor::dialogue
