#pragma once
// Bookings written straight into a store file, for tests of what reads that file later (the
// webhook sender of a server started on it, `advisor leads`), without driving a chat.

#include <chrono>
#include <memory>
#include <string>
#include <variant>

#include <catch2/catch.hpp>

#include "handoff/lead_store.hpp"

namespace advisor::test {

struct stored_booking {
  std::string name = "Ada Lovelace";
  std::string company = "Analytical Engines";
  int day = 3;  // of December 2026, at 13:00 UTC: one booking per day keeps slots apart
};

// Stores `booking` (and its outbox row, due at once) in `db`; returns its reference.
inline std::string store_booking(const std::string& db, const stored_booking& booking = {}) {
  using namespace std::chrono_literals;
  auto opened = handoff::lead_store::open(db);
  REQUIRE(std::holds_alternative<std::unique_ptr<handoff::lead_store>>(opened));
  auto& store = *std::get<std::unique_ptr<handoff::lead_store>>(opened);
  dialogue::booking_request r;
  r.name = booking.name;
  r.email = "ada@example.com";
  r.company = booking.company;
  r.project = "an API";
  r.slot_start =
      dialogue::time_point{std::chrono::sys_days{
          std::chrono::year{2026} / 12 / std::chrono::day{static_cast<unsigned>(booking.day)}}} +
      13h;
  r.time_zone = "UTC";
  const auto now =
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  const auto result = store.book(r, now);
  REQUIRE(result.result == handoff::book_result::kind::stored);
  return result.reference;
}

}  // namespace advisor::test
