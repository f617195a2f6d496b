// The booking form's readers on any text: yes/no/skip/cancel, each field's check, the
// correction grammar, times ("next tuesday at 3pm", "3/12") and zones. The first byte picks
// how many slots were offered and the locale's date order, the second the day it is.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "intents/form_reading.hpp"
#include "intents/text.hpp"
#include "intents/time_reading.hpp"
#include "intents/visible_text.hpp"

using namespace advisor::intents;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const edit_grammar grammar;
  if (size < 2) return 0;
  const std::size_t offered = data[0] % 8U;
  const auto order = static_cast<date_order>((data[0] >> 3U) % 3U);
  // Any day within about two years of 2026-01-01, leap day and year ends included.
  const date::local_days today =
      date::local_days{date::year{2026} / 1 / 1} + date::days{data[1] * 3};
  const std::string_view text{reinterpret_cast<const char*>(data + 2), size - 2};

  const auto plain = plain_words(text);
  (void)read_yes_no(plain);
  (void)is_skip(plain);
  (void)is_cancel(plain);
  (void)check_name(text);
  (void)check_email(text);
  (void)check_company(text);
  (void)check_project(text);
  if (auto email = find_email(text)) (void)suggest_email(*email);
  (void)advisor::intents::text::count_characters(text);
  (void)grammar.match(text);
  for (const auto asked : {booking_field::name, booking_field::company, booking_field::project}) {
    (void)grammar.fields(text, asked);
  }
  (void)grammar.fields(text);
  (void)grammar.proposes_instead(text);
  (void)parse_time_request(text, today, offered, order);
  (void)zone_named(plain);
  (void)trim_invisible(text);
  (void)is_blank(text);
  (void)has_control(text);
  return 0;
}
