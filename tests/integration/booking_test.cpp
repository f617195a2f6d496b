// Booking a consultation against the real binary (issue 4): the form over WebSocket and
// POST /api/chat, corrections and questions in between, two clients racing for one slot,
// durability across kill -9 and restarts, the signed webhook with retries (over http, and
// https with a private CA), payloads stored verbatim, the admin API's bearer check and
// `advisor leads [delete]`.
// Every test has its own temporary folder and SQLite file, removed afterwards.

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <signal.h>
#include <stdlib.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include <functional>

#include "tests/integration/clients.hpp"
#include "tests/integration/protocol_checks.hpp"
#include "tests/integration/server_process.hpp"
#include "tests/integration/test_certificates.hpp"
#include "tests/integration/webhook_receiver.hpp"

using namespace advisor::test;

namespace {

namespace chr = std::chrono;

const std::string admin_token = "booking-test-admin-token-7f3a";
const std::string webhook_secret = "booking-test-webhook-secret-91c2";

// Generous: a retry is at most 400 ms away with the settings below.
constexpr chr::milliseconds delivery_deadline = 20s;
// How long "no further request" is awaited: well over one capped retry interval.
constexpr chr::milliseconds quiet_window = 1200ms;

// ---- slots ----------------------------------------------------------------------------

std::string two_digits(unsigned value) {
  char text[8];
  std::snprintf(text, sizeof text, "%02u", value);
  return text;
}

constexpr std::array<const char*, 7> weekday_names{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<const char*, 12> month_names{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// A UTC instant at a whole minute, written the ways the tests need.
struct utc_minute {
  chr::sys_time<chr::minutes> at;

  [[nodiscard]] chr::year_month_day day() const {
    return chr::year_month_day{chr::floor<chr::days>(at)};
  }
  [[nodiscard]] unsigned hour() const {
    return static_cast<unsigned>(
        chr::duration_cast<chr::hours>(at - chr::floor<chr::days>(at)).count());
  }
  [[nodiscard]] unsigned minute() const {
    return static_cast<unsigned>((at - chr::floor<chr::hours>(at)).count());
  }
  [[nodiscard]] std::string date_dashed() const {
    const auto d = day();
    return std::to_string(static_cast<int>(d.year())) + "-" +
           two_digits(static_cast<unsigned>(d.month())) + "-" +
           two_digits(static_cast<unsigned>(d.day()));
  }
  // "2026-12-03 14:00": how a visitor types it.
  [[nodiscard]] std::string typed() const {
    return date_dashed() + " " + two_digits(hour()) + ":" + two_digits(minute());
  }
  // "2026-12-03T14:00:00Z": how /api/leads writes it.
  [[nodiscard]] std::string iso() const {
    return date_dashed() + "T" + two_digits(hour()) + ":" + two_digits(minute()) + ":00Z";
  }
  // "20261203T140000Z": how the .ics file writes it.
  [[nodiscard]] std::string ics() const {
    const auto d = day();
    return std::to_string(static_cast<int>(d.year())) +
           two_digits(static_cast<unsigned>(d.month())) +
           two_digits(static_cast<unsigned>(d.day())) + "T" + two_digits(hour()) +
           two_digits(minute()) + "00Z";
  }
  // "Thu 3 Dec, 14:00 (UTC)": how the bot names a slot with --timezone UTC.
  [[nodiscard]] std::string label_utc() const {
    const auto d = day();
    const chr::weekday wd{chr::sys_days{d}};
    return std::string{weekday_names.at(wd.c_encoding())} + " " +
           std::to_string(static_cast<unsigned>(d.day())) + " " +
           month_names.at(static_cast<unsigned>(d.month()) - 1) + ", " + two_digits(hour()) + ":" +
           two_digits(minute()) + " (UTC)";
  }
  [[nodiscard]] utc_minute plus(chr::minutes delta) const { return {at + delta}; }
};

// The `nth` weekday (0-based) from two days ahead, at hh:mm UTC: inside the default
// availability (Mon-Fri 09:00-17:00, 12 h notice, 30 days ahead) whatever today is.
utc_minute weekday_slot(int nth, unsigned hh, unsigned mm = 0) {
  auto day = chr::floor<chr::days>(chr::system_clock::now()) + chr::days{2};
  int seen = -1;
  for (;; day += chr::days{1}) {
    const chr::weekday wd{day};
    if (wd == chr::Saturday || wd == chr::Sunday) {
      continue;
    }
    if (++seen == nth) {
      break;
    }
  }
  return {chr::sys_time<chr::minutes>{day} + chr::hours{hh} + chr::minutes{mm}};
}

// ---- chats ----------------------------------------------------------------------------

// A visitor on the WebSocket: every message carries an id and gets its reply checked.
class ws_chat {
 public:
  explicit ws_chat(std::uint16_t port, const std::string& target = "/ws")
      : client_{port, ws_target(target)} {
    welcome_ = client_.read_json();
    check_welcome(welcome_);
    session_ = welcome_.value("session", "");
  }

  void send(const std::string& text) {
    const std::string id = "m" + std::to_string(++sent_);
    pending_.push_back(id);
    client_.send_json(message(text, id));
  }
  json receive() {
    REQUIRE_FALSE(pending_.empty());
    json reply = client_.read_json();
    check_reply(reply, pending_.front());
    pending_.pop_front();
    return reply;
  }
  json say(const std::string& text) {
    send(text);
    return receive();
  }

  [[nodiscard]] const json& welcome() const { return welcome_; }
  [[nodiscard]] const std::string& session() const { return session_; }
  void close() { client_.close(); }

 private:
  ws_client client_;
  json welcome_;
  std::string session_;
  int sent_ = 0;
  std::deque<std::string> pending_;
};

// A visitor without WebSockets: POST /api/chat, carrying the session token along.
class http_chat {
 public:
  explicit http_chat(std::uint16_t port) : port_{port} {}

  json say(const std::string& text) {
    json body = {{"text", text}};
    if (!session_.empty()) {
      body["session"] = session_;
    }
    const http_response response = http_request(port_, "POST", "/api/chat", body.dump());
    INFO("POST /api/chat " << body.dump() << " -> " << response.status << " " << response.body);
    REQUIRE(response.status == 200);
    CHECK(response.header("content-type").find("application/json") != std::string::npos);
    json reply = json::parse(response.body, nullptr, false);
    REQUIRE_FALSE(reply.is_discarded());
    check_reply(reply, "");
    REQUIRE(is_session_token(reply.value("session", json{})));
    if (!session_.empty()) {
      CHECK(reply.value("session", "") == session_);
    }
    session_ = reply.value("session", "");
    return reply;
  }

  [[nodiscard]] const std::string& session() const { return session_; }

 private:
  std::uint16_t port_;
  std::string session_;
};

// ---- the form ---------------------------------------------------------------------------

json filled_of(const json& reply) {
  const json form = reply.value("form", json{});
  return form.is_object() ? form.value("filled", json::object()) : json::object();
}

std::string filled(const json& reply, const std::string& key) {
  const json value = filled_of(reply).value(key, json{});
  return value.is_string() ? value.get<std::string>() : std::string{"<not a string>"};
}

bool has_filled(const json& reply, const std::string& key) {
  return filled_of(reply).contains(key);
}

bool text_has(const json& reply, const std::string& needle) {
  return reply.value("text", std::string{}).find(needle) != std::string::npos;
}

// The reply asks for `field` of the booking form and books nothing yet. A wrong field ends
// the test: every later step would fail for the same reason.
void check_form(const json& reply, const std::string& field) {
  INFO(reply.dump());
  const json form = reply.value("form", json{});
  REQUIRE(form.is_object());
  CHECK(form.value("name", "") == "booking");
  REQUIRE(form.value("field", "") == field);
  CHECK(form.value("filled", json{}).is_object());
  CHECK(reply.value("booking", json{"absent"}).is_null());
}

// Suggestions that are slots (everything but the control words).
std::vector<std::string> slot_suggestions(const json& reply) {
  std::vector<std::string> out;
  for (const auto& item : reply.value("suggestions", json::array())) {
    const std::string text = item.is_string() ? item.get<std::string>() : std::string{};
    if (text.find(':') != std::string::npos) {
      out.push_back(text);
    }
  }
  return out;
}

struct lead_input {
  std::string name = "Ada Lovelace";
  std::string email = "ada@example.com";
  std::string company = "Analytical Engines Ltd";  // empty: "skip"
  std::string project = "A realtime dashboard for sensor data";
  std::optional<utc_minute> slot;  // typed as "YYYY-MM-DD HH:MM"; none: the first suggestion
};

// Fills the form from "Book a free consultation" to the summary, checking each step, and
// returns the summary reply (form.field "confirm").
template <class Chat>
json fill_to_confirm(Chat& chat, const lead_input& in) {
  json reply = chat.say("Book a free consultation");
  check_form(reply, "name");
  CHECK(reply.value("intent", "") == "book_consultation");
  CHECK(filled_of(reply).empty());

  reply = chat.say(in.name);
  check_form(reply, "email");
  CHECK(filled(reply, "name") == in.name);

  reply = chat.say(in.email);
  check_form(reply, "company");
  CHECK(filled(reply, "email") == in.email);

  reply = chat.say(in.company.empty() ? "skip" : in.company);
  check_form(reply, "project");
  CHECK(filled(reply, "company") == in.company);

  reply = chat.say(in.project);
  check_form(reply, "slot");
  CHECK(filled(reply, "project") == in.project);
  const auto offered = slot_suggestions(reply);
  {
    INFO(reply.dump());
    REQUIRE_FALSE(offered.empty());
  }

  const std::string slot_answer = in.slot ? in.slot->typed() : offered.front();
  reply = chat.say(slot_answer);
  check_form(reply, "consent");
  CHECK(filled(reply, "slot") == (in.slot ? in.slot->label_utc() : offered.front()));

  reply = chat.say("yes");
  check_form(reply, "confirm");
  CHECK(filled(reply, "consent") == "yes");
  CHECK(text_has(reply, in.name));
  CHECK(text_has(reply, in.email));
  CHECK(text_has(reply, filled(reply, "slot")));
  return reply;
}

// The reply confirms a booking; returns its reference.
std::string check_booked(const json& reply) {
  INFO(reply.dump());
  const json booking = reply.value("booking", json{});
  REQUIRE(booking.is_object());
  const std::string reference = booking.value("reference", "");
  REQUIRE_FALSE(reference.empty());
  CHECK(booking.value("status", "") == "confirmed");
  CHECK(booking.value("ics_url", "") == "/api/bookings/" + reference + ".ics");
  CHECK(reply.value("form", json{"absent"}).is_null());
  CHECK(text_has(reply, reference));
  return reference;
}

template <class Chat>
std::string book(Chat& chat, const lead_input& in) {
  fill_to_confirm(chat, in);
  return check_booked(chat.say("yes"));
}

// ---- the admin API and the command line -------------------------------------------------

http_response admin_get(std::uint16_t port, const std::string& target,
                        const std::optional<std::string>& authorization) {
  http_options options;
  if (authorization) {
    options.headers.emplace_back("Authorization", *authorization);
  }
  return http_send(port, "GET", target, options);
}

json api_leads(std::uint16_t port) {
  const http_response response = admin_get(port, "/api/leads", "Bearer " + admin_token);
  INFO(response.body);
  REQUIRE(response.status == 200);
  CHECK(response.header("content-type").find("application/json") != std::string::npos);
  const json body = json::parse(response.body, nullptr, false);
  REQUIRE(body.is_object());
  REQUIRE(body.value("leads", json{}).is_array());
  return body["leads"];
}

std::optional<json> find_lead(const json& leads, const std::string& reference) {
  for (const auto& lead : leads) {
    if (lead.value("reference", "") == reference) {
      return lead;
    }
  }
  return std::nullopt;
}

std::size_t leads_at(const json& leads, const std::string& slot_iso) {
  std::size_t count = 0;
  for (const auto& lead : leads) {
    if (lead.value("slot", json::object()).value("start", "") == slot_iso) {
      ++count;
    }
  }
  return count;
}

json cli_leads_json(const std::string& db) {
  const command_result result = run_advisor({"leads", "--db", db, "--format", "json"});
  INFO("stdout: " << result.out << "\nstderr: " << result.err);
  REQUIRE(result.status.exited);
  REQUIRE(result.status.code == 0);
  const json body = json::parse(result.out, nullptr, false);
  REQUIRE(body.is_object());
  REQUIRE(body.value("leads", json{}).is_array());
  return body["leads"];
}

// RFC 4180: quoted fields, "" for a quote, CRLF between records.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
    } else if (c == '\r') {
      continue;
    } else if (c == '\n') {
      row.push_back(field);
      field.clear();
      rows.push_back(row);
      row.clear();
    } else {
      field += c;
    }
  }
  if (!field.empty() || !row.empty()) {
    row.push_back(field);
    rows.push_back(row);
  }
  return rows;
}

// ---- webhook signatures -----------------------------------------------------------------

std::string hmac_sha256_hex(const std::string& key, const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &length);
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(digits[mac[i] >> 4U]);
    out.push_back(digits[mac[i] & 0x0FU]);
  }
  return out;
}

std::map<std::string, std::size_t> count_by_key(const std::vector<received_request>& requests) {
  std::map<std::string, std::size_t> counts;
  for (const auto& request : requests) {
    ++counts[request.header("idempotency-key")];
  }
  return counts;
}

// Every reference has had a request answered with 2xx.
webhook_receiver::requests_predicate delivered_all(std::set<std::string> references) {
  return [references = std::move(references)](const std::vector<received_request>& requests) {
    std::set<std::string> delivered;
    for (const auto& request : requests) {
      if (request.answered / 100 == 2) {
        delivered.insert(request.header("idempotency-key"));
      }
    }
    return std::includes(delivered.begin(), delivered.end(), references.begin(), references.end());
  };
}

// Waits a quiet window for a request beyond the first `count`; true when none came.
bool no_request_beyond(const webhook_receiver& receiver, std::size_t count) {
  return !receiver.wait_until(
      [count](const std::vector<received_request>& requests) { return requests.size() > count; },
      quiet_window);
}

// One webhook request: a POST with the reference as idempotency key, a valid signature and
// the booking as JSON.
void check_delivery(const received_request& request, const std::string& reference,
                    const lead_input& in, const std::string& secret = webhook_secret) {
  INFO(request.method << " " << request.target << "\n" << request.body);
  CHECK(request.method == "POST");
  CHECK(request.target == "/hook");
  CHECK(request.header("idempotency-key") == reference);
  CHECK(request.header("content-type").find("application/json") != std::string::npos);
  CHECK(request.header("x-advisor-signature") == "sha256=" + hmac_sha256_hex(secret, request.body));
  CHECK(request.header("x-advisor-signature") !=
        "sha256=" + hmac_sha256_hex(secret + "x", request.body));
  const json body = json::parse(request.body, nullptr, false);
  REQUIRE(body.is_object());
  CHECK(body.value("reference", "") == reference);
  CHECK(body.value("status", "") == "confirmed");
  CHECK(body.value("name", "") == in.name);
  CHECK(body.value("email", "") == in.email);
  CHECK(body.value("company", "") == in.company);
  CHECK(body.value("project", "") == in.project);
  REQUIRE(in.slot.has_value());
  CHECK(body.value("slot", json::object()).value("start", "") == in.slot->iso());
}

flag_list booking_flags(const temp_dir& dir, flag_list extra = {}) {
  flag_list flags{{"--db", dir.db()}, {"--timezone", "UTC"}};
  flags.insert(flags.end(), extra.begin(), extra.end());
  return flags;
}

flag_list webhook_flags(std::uint16_t receiver_port) {
  return {{"--webhook-url", webhook_url(receiver_port)},
          {"--webhook-secret", webhook_secret},
          {"--webhook-retry-base-ms", "50"},
          {"--webhook-retry-max-ms", "400"}};
}

const env_list admin_env{{"ADVISOR_ADMIN_TOKEN", admin_token}};

// A distinct visitor for each n (names without digits, as people write them).
lead_input person(int n, utc_minute slot) {
  static constexpr std::array<const char*, 16> first_names{
      "Alice", "Bruno", "Chiara", "Dmitri", "Elena", "Farid", "Greta", "Hiro",
      "Ines",  "Jonas", "Kirsi",  "Luca",   "Maya",  "Nils",  "Olga",  "Pavel"};
  lead_input in;
  in.name =
      std::string{first_names.at(static_cast<std::size_t>(n) % first_names.size())} + " Testperson";
  in.email = "visitor" + std::to_string(n) + "@example.com";
  in.company = "Company " + std::to_string(n);
  in.project = "A streaming service for project " + std::to_string(n);
  in.slot = slot;
  return in;
}

}  // namespace

// 1 ------------------------------------------------------------------------------------------

TEST_CASE("a full booking over WebSocket is stored, listed and has its calendar file",
          "[booking]") {
  const temp_dir dir;
  lead_input in;
  std::string time_zone = "UTC";
  SECTION("a typed slot, consultation hours in UTC") {
    in.slot = weekday_slot(3, 14, 30);
  }
  SECTION("a suggested slot, consultation hours in Europe/Berlin") {
    time_zone = "Europe/Berlin";
    in.company.clear();  // "skip"
  }
  server_process server{{{"--db", dir.db()}, {"--timezone", time_zone}}, admin_env};
  ws_chat chat{server.port()};

  // A need discussed first is offered as the project, and "yes" accepts it.
  const json advice = chat.say("node or python for a realtime chat app?");
  CHECK(advice.value("form", json{"absent"}).is_null());
  json reply = chat.say("Book a free consultation");
  check_form(reply, "name");
  CHECK(reply.value("intent", "") == "book_consultation");
  reply = chat.say(in.name);
  check_form(reply, "email");
  CHECK(filled(reply, "name") == in.name);
  reply = chat.say(in.email);
  check_form(reply, "company");
  CHECK(filled(reply, "email") == in.email);
  reply = chat.say(in.company.empty() ? "skip" : in.company);
  check_form(reply, "project");
  CHECK(filled(reply, "company") == in.company);
  reply = chat.say("yes");
  check_form(reply, "slot");
  const std::string project = filled(reply, "project");
  CHECK(project != "<not a string>");
  CHECK(project.size() >= 3);
  CHECK(project != "yes");
  in.project = project;
  const auto offered = slot_suggestions(reply);
  REQUIRE_FALSE(offered.empty());
  for (const auto& label : offered) {
    CHECK(label.find("(" + time_zone + ")") != std::string::npos);
  }

  const std::string slot_answer = in.slot ? in.slot->typed() : offered.front();
  reply = chat.say(slot_answer);
  check_form(reply, "consent");
  const std::string label = filled(reply, "slot");
  CHECK(label == (in.slot ? in.slot->label_utc() : offered.front()));
  reply = chat.say("yes");
  check_form(reply, "confirm");
  CHECK(filled(reply, "consent") == "yes");
  CHECK(text_has(reply, label));
  const std::string reference = check_booked(chat.say("yes"));

  // The stored lead, every field.
  const json leads = api_leads(server.port());
  REQUIRE(leads.size() == 1);
  const json& lead = leads.at(0);
  INFO(lead.dump());
  CHECK(lead.value("reference", "") == reference);
  CHECK(lead.value("status", "") == "confirmed");
  CHECK(lead.value("name", "") == in.name);
  CHECK(lead.value("email", "") == in.email);
  CHECK(lead.value("company", "") == in.company);
  CHECK(lead.value("project", "") == in.project);
  CHECK(lead.value("created_at", json{}).is_string());
  CHECK(lead.value("slot", json::object()).value("time_zone", "") == time_zone);
  CHECK(lead.value("topics", json{}).is_array());
  CHECK(lead.contains("recommendation"));
  const json transcript = lead.value("transcript", json::array());
  REQUIRE(transcript.is_array());
  bool has_name_turn = false;
  for (const auto& turn : transcript) {
    has_name_turn = has_name_turn ||
                    (turn.value("speaker", "") == "visitor" && turn.value("text", "") == in.name);
  }
  CHECK(has_name_turn);

  // The slot, as /api/leads and the .ics file write it.
  const std::string start = lead.value("slot", json::object()).value("start", "");
  const std::string end = lead.value("slot", json::object()).value("end", "");
  std::vector<std::string> dtstart_candidates;
  std::string dtend;
  if (in.slot) {
    CHECK(start == in.slot->iso());
    CHECK(end == in.slot->plus(30min).iso());
    dtstart_candidates.push_back(in.slot->ics());
    dtend = in.slot->plus(30min).ics();
  } else {
    // "Mon 30 Nov, 09:00 (Europe/Berlin)": Berlin is one (CET) or two (CEST) hours ahead of
    // UTC; the year is the next one in which that date is not in the past.
    const std::string picked = offered.front();
    int day_of_month = 0;
    char month_text[4] = {};
    unsigned hh = 0;
    unsigned mm = 0;
    INFO(picked);
    REQUIRE(std::sscanf(picked.c_str(), "%*3s %d %3s, %u:%u", &day_of_month, month_text, &hh,
                        &mm) == 4);
    const auto month_index = static_cast<unsigned>(
        std::find_if(month_names.begin(), month_names.end(),
                     [&](const char* m) { return std::string{m} == month_text; }) -
        month_names.begin());
    REQUIRE(month_index < 12);
    const auto today = chr::year_month_day{chr::floor<chr::days>(chr::system_clock::now())};
    auto date = chr::year_month_day{today.year(), chr::month{month_index + 1},
                                    chr::day{static_cast<unsigned>(day_of_month)}};
    if (chr::sys_days{date} < chr::sys_days{today}) {
      date = chr::year_month_day{today.year() + chr::years{1}, date.month(), date.day()};
    }
    const utc_minute local{chr::sys_time<chr::minutes>{chr::sys_days{date}} + chr::hours{hh} +
                           chr::minutes{mm}};
    const std::array<utc_minute, 2> candidates{local.plus(-60min), local.plus(-120min)};
    for (const auto& candidate : candidates) {
      if (candidate.iso() == start) {
        dtstart_candidates.push_back(candidate.ics());
        dtend = candidate.plus(30min).ics();
      }
    }
    INFO("slot.start " << start << " for the local time " << local.iso());
    CHECK(dtstart_candidates.size() == 1);
  }

  // `advisor leads --format json` reads the same file.
  const json cli = cli_leads_json(dir.db());
  REQUIRE(cli.size() == 1);
  CHECK(cli.at(0).value("reference", "") == reference);
  CHECK(cli.at(0).value("name", "") == in.name);
  CHECK(cli.at(0).value("email", "") == in.email);
  CHECK(cli.at(0).value("company", "") == in.company);
  CHECK(cli.at(0).value("project", "") == in.project);
  CHECK(cli.at(0).value("slot", json::object()).value("start", "") == start);
  const command_result table = run_advisor({"leads", "--db", dir.db()});
  CHECK(table.status.exited);
  CHECK(table.status.code == 0);
  CHECK(table.out.find(reference) != std::string::npos);

  // The calendar file.
  const http_response ics =
      http_request(server.port(), "GET", "/api/bookings/" + reference + ".ics");
  INFO(ics.body);
  REQUIRE(ics.status == 200);
  CHECK(ics.header("content-type").find("text/calendar") != std::string::npos);
  CHECK(ics.body.find("BEGIN:VEVENT\r\n") != std::string::npos);
  REQUIRE(dtstart_candidates.size() == 1);
  CHECK(ics.body.find("\r\nDTSTART:" + dtstart_candidates.front() + "\r\n") != std::string::npos);
  CHECK(ics.body.find("\r\nDTEND:" + dtend + "\r\n") != std::string::npos);
  CHECK(ics.body.find("UID:" + reference) != std::string::npos);
  CHECK(http_request(server.port(), "GET", "/api/bookings/ADV-NOSUCHREF.ics").status == 404);

  // Names and emails stay out of the logs.
  CHECK(server.output().find(in.email) == std::string::npos);
  CHECK(server.output().find(in.name) == std::string::npos);
}

// 2 ------------------------------------------------------------------------------------------

TEST_CASE("a booking with corrections and questions in between, over POST /api/chat", "[booking]") {
  const temp_dir dir;
  server_process server{booking_flags(dir), admin_env};
  http_chat chat{server.port()};
  const utc_minute first_time = weekday_slot(2, 11);
  const utc_minute final_time = weekday_slot(4, 15, 30);

  json reply = chat.say("Book a free consultation");
  check_form(reply, "name");
  const std::string session = chat.session();
  reply = chat.say("Grace Hopper");
  check_form(reply, "email");
  CHECK(filled(reply, "name") == "Grace Hopper");

  // A bad email is asked again, with the reason.
  reply = chat.say("grace@example");
  check_form(reply, "email");
  CHECK_FALSE(has_filled(reply, "email"));
  CHECK(text_has(reply, "email"));
  reply = chat.say("grace@example.com");
  check_form(reply, "company");
  CHECK(filled(reply, "email") == "grace@example.com");

  // First email correction, then the name corrected after the email.
  reply = chat.say("actually my email is grace.h@example.com");
  check_form(reply, "company");
  CHECK(filled(reply, "email") == "grace.h@example.com");
  reply = chat.say("actually my name is Grace B. Hopper");
  check_form(reply, "company");
  CHECK(filled(reply, "name") == "Grace B. Hopper");
  CHECK(filled(reply, "email") == "grace.h@example.com");

  reply = chat.say("Navy Labs");
  check_form(reply, "project");
  CHECK(filled(reply, "company") == "Navy Labs");

  // A question in between is answered from the guide, and the form goes on at the same field.
  const json before_question = filled_of(reply);
  reply = chat.say("what about ML?");
  check_form(reply, "project");
  {
    INFO(reply.dump());
    CHECK(filled_of(reply) == before_question);
    CHECK(reply.value("intent", "") == "compare");
    CHECK(reply.value("recommendation", json{}) == "python");
    CHECK_FALSE(reply.value("sources", json::array()).empty());
    CHECK(text_has(reply, "Python"));
  }

  reply = chat.say("An event streaming backend");
  check_form(reply, "slot");
  CHECK(filled(reply, "project") == "An event streaming backend");
  reply = chat.say(first_time.typed());
  check_form(reply, "consent");
  CHECK(filled(reply, "slot") == first_time.label_utc());

  // "change the time" goes back to the slot, another question is answered there.
  reply = chat.say("change the time");
  check_form(reply, "slot");
  CHECK_FALSE(slot_suggestions(reply).empty());
  reply = chat.say("why node?");
  check_form(reply, "slot");
  {
    INFO(reply.dump());
    CHECK(reply.value("intent", "") != "book_consultation");
    CHECK(reply.value("intent", "") != "fallback");
    CHECK(text_has(reply, "Node.js"));
    CHECK_FALSE(slot_suggestions(reply).empty());
  }
  reply = chat.say(final_time.typed());
  check_form(reply, "consent");
  CHECK(filled(reply, "slot") == final_time.label_utc());

  // Second email correction.
  reply = chat.say("actually my email is g.hopper@example.org");
  check_form(reply, "consent");
  CHECK(filled(reply, "email") == "g.hopper@example.org");

  reply = chat.say("yes");
  check_form(reply, "confirm");
  CHECK(text_has(reply, "Grace B. Hopper"));
  CHECK(text_has(reply, "g.hopper@example.org"));
  CHECK_FALSE(text_has(reply, "grace.h@example.com"));
  CHECK(text_has(reply, "Navy Labs"));
  CHECK(text_has(reply, final_time.label_utc()));
  CHECK_FALSE(text_has(reply, first_time.label_utc()));
  const std::string reference = check_booked(chat.say("yes"));
  CHECK(chat.session() == session);

  const json leads = api_leads(server.port());
  REQUIRE(leads.size() == 1);
  const json& lead = leads.at(0);
  INFO(lead.dump());
  CHECK(lead.value("reference", "") == reference);
  CHECK(lead.value("name", "") == "Grace B. Hopper");
  CHECK(lead.value("email", "") == "g.hopper@example.org");
  CHECK(lead.value("company", "") == "Navy Labs");
  CHECK(lead.value("project", "") == "An event streaming backend");
  CHECK(lead.value("slot", json::object()).value("start", "") == final_time.iso());
  CHECK(leads_at(leads, first_time.iso()) == 0);
}

// 3 ------------------------------------------------------------------------------------------

TEST_CASE("two clients racing for one slot: exactly one gets it", "[booking]") {
  const temp_dir dir;
  server_process server{booking_flags(dir), admin_env};
  constexpr int rounds = 5;
  std::vector<std::string> winners;
  std::vector<std::string> others;  // the losers' bookings of another offered slot
  std::vector<utc_minute> slots;

  for (int round = 0; round < rounds; ++round) {
    const utc_minute slot = weekday_slot(5 + round, 16);
    slots.push_back(slot);
    INFO("round " << round << ", slot " << slot.typed());
    ws_chat first{server.port()};
    ws_chat second{server.port()};
    fill_to_confirm(first, person(2 * round, slot));
    fill_to_confirm(second, person(2 * round + 1, slot));

    // Both confirm at the same instant: both frames are on the wire before either reply.
    first.send("yes");
    second.send("yes");
    const json replies[2] = {first.receive(), second.receive()};

    int booked = 0;
    for (std::size_t i = 0; i < 2; ++i) {
      const json& reply = replies[i];
      INFO(reply.dump());
      if (reply.value("booking", json{}).is_object()) {
        ++booked;
        winners.push_back(check_booked(reply));
        continue;
      }
      // The other is told the slot is taken and offered other slots, which work.
      check_form(reply, "slot");
      CHECK(text_has(reply, slot.label_utc()));
      const auto offered = slot_suggestions(reply);
      REQUIRE_FALSE(offered.empty());
      CHECK(std::find(offered.begin(), offered.end(), slot.label_utc()) == offered.end());
      ws_chat& loser = i == 0 ? first : second;
      json next = loser.say(offered.front());
      INFO(next.dump());
      for (int turn = 0; turn < 2 && next.value("booking", json{}).is_null(); ++turn) {
        REQUIRE(next.value("form", json{}).is_object());
        CHECK(filled(next, "slot") == offered.front());
        next = loser.say("yes");
      }
      others.push_back(check_booked(next));
    }
    CHECK(booked == 1);
  }

  const json leads = api_leads(server.port());
  INFO(leads.dump());
  CHECK(winners.size() == rounds);
  CHECK(leads.size() == winners.size() + others.size());
  for (const auto& slot : slots) {
    CHECK(leads_at(leads, slot.iso()) == 1);
  }
  for (const auto& reference : winners) {
    REQUIRE(find_lead(leads, reference).has_value());
    const std::string start =
        find_lead(leads, reference)->value("slot", json::object()).value("start", "");
    CHECK(std::any_of(slots.begin(), slots.end(),
                      [&](const utc_minute& slot) { return slot.iso() == start; }));
  }
  std::set<std::string> starts;
  for (const auto& lead : leads) {
    starts.insert(lead.value("slot", json::object()).value("start", ""));
  }
  CHECK(starts.size() == leads.size());
}

// 4 ------------------------------------------------------------------------------------------

TEST_CASE("a booking survives kill -9 right after the confirming reply", "[booking]") {
  const temp_dir dir;
  lead_input in;
  in.slot = weekday_slot(1, 10);
  std::string reference;
  {
    server_process server{booking_flags(dir), admin_env};
    ws_chat chat{server.port()};
    fill_to_confirm(chat, in);
    const json confirming = chat.say("yes");
    server.send_signal(SIGKILL);
    reference = check_booked(confirming);
    const auto status = server.wait_exit(10s);
    REQUIRE(status.has_value());
    CHECK_FALSE(status->exited);
    CHECK(status->signal == SIGKILL);
  }

  // The command line reads the file the killed server left.
  const command_result table = run_advisor({"leads", "--db", dir.db()});
  INFO(table.out << table.err);
  CHECK(table.status.exited);
  CHECK(table.status.code == 0);
  CHECK(table.out.find(reference) != std::string::npos);
  const json cli = cli_leads_json(dir.db());
  REQUIRE(cli.size() == 1);
  CHECK(cli.at(0).value("reference", "") == reference);

  // A restarted server lists it, and still holds the slot.
  server_process again{booking_flags(dir), admin_env};
  const json leads = api_leads(again.port());
  REQUIRE(leads.size() == 1);
  CHECK(leads.at(0).value("reference", "") == reference);
  CHECK(leads.at(0).value("email", "") == in.email);
  CHECK(leads.at(0).value("slot", json::object()).value("start", "") == in.slot->iso());

  ws_chat late{again.port()};
  lead_input other = person(7, *in.slot);
  json reply = late.say("Book a free consultation");
  for (const auto& text : {other.name, other.email, other.company, other.project}) {
    reply = late.say(text);
  }
  check_form(reply, "slot");
  reply = late.say(in.slot->typed());
  check_form(reply, "slot");
  CHECK(text_has(reply, "taken"));
}

// 5 ------------------------------------------------------------------------------------------

namespace {

// Opens the form and fills name and email; returns the session token. The form then asks
// for the company. `right_after` runs as soon as that reply is read, the client still open.
std::string fill_name_and_email(
    std::uint16_t port, const std::function<void()>& right_after = [] {}) {
  ws_chat chat{port};
  const std::string session = chat.session();
  chat.say("Book a free consultation");
  chat.say("Ada Lovelace");
  const json reply = chat.say("ada@example.com");
  right_after();
  check_form(reply, "company");
  return session;  // the socket closes with `chat`, whatever state the server is in
}

// The resumed conversation goes on at the company field, with what was filled before.
void check_resumed_at_company(std::uint16_t port, const std::string& session,
                              const std::string& company) {
  ws_chat resumed{port, "/ws?session=" + session};
  CHECK(resumed.welcome().value("resumed", false) == true);
  CHECK(resumed.session() == session);
  const json reply = resumed.say(company);
  check_form(reply, "project");
  CHECK(filled(reply, "name") == "Ada Lovelace");
  CHECK(filled(reply, "email") == "ada@example.com");
  CHECK(filled(reply, "company") == (company == "skip" ? "" : company));
}

}  // namespace

TEST_CASE("a half-filled form survives a reconnect", "[booking]") {
  const temp_dir dir;
  server_process server{booking_flags(dir)};
  const std::string session = fill_name_and_email(server.port());
  check_resumed_at_company(server.port(), session, "Acme");
}

TEST_CASE("a half-filled form survives a server restart", "[booking]") {
  const temp_dir dir;
  int signal_number = SIGTERM;
  SECTION("SIGTERM") {
    signal_number = SIGTERM;
  }
  SECTION("SIGKILL right after a form reply") {
    signal_number = SIGKILL;
  }

  std::string session;
  {
    server_process server{booking_flags(dir)};
    session = fill_name_and_email(server.port(), [&] { server.send_signal(signal_number); });
    const auto status = server.wait_exit(20s);
    REQUIRE(status.has_value());
    if (signal_number == SIGTERM) {
      CHECK(status->exited);
      CHECK(status->code == 0);
    } else {
      CHECK(status->signal == SIGKILL);
    }
  }

  server_process again{booking_flags(dir)};
  check_resumed_at_company(again.port(), session, "skip");
}

// 6 ------------------------------------------------------------------------------------------

TEST_CASE("webhook: a receiver down at first gets every booking once, signed", "[booking]") {
  const temp_dir dir;
  const std::uint16_t port = unused_port();
  server_process server{booking_flags(dir, webhook_flags(port)), admin_env};

  std::vector<lead_input> inputs;
  std::map<std::string, lead_input> by_reference;
  for (int i = 0; i < 3; ++i) {
    inputs.push_back(person(i, weekday_slot(i, 9, 30)));
    ws_chat chat{server.port()};
    by_reference[book(chat, inputs.back())] = inputs.back();
  }
  std::set<std::string> references;
  for (const auto& [reference, in] : by_reference) {
    references.insert(reference);
  }
  REQUIRE(references.size() == 3);
  for (const auto& lead : api_leads(server.port())) {
    CHECK(lead.value("delivered", true) == false);
  }
  // The sender has tried and been refused (its log says so) before the receiver comes up.
  CHECK(server.wait_for_output("not delivered", delivery_deadline));

  webhook_receiver receiver{port};
  REQUIRE(receiver.wait_until(delivered_all(references), delivery_deadline));
  const std::size_t seen = receiver.requests().size();
  CHECK(no_request_beyond(receiver, seen));

  const auto requests = receiver.requests();
  const auto counts = count_by_key(requests);
  CHECK(counts.size() == 3);
  for (const auto& reference : references) {
    CHECK(counts.count(reference) == 1);
    if (counts.count(reference) == 1) {
      CHECK(counts.at(reference) == 1);
    }
  }
  for (const auto& request : requests) {
    const std::string key = request.header("idempotency-key");
    REQUIRE(by_reference.count(key) == 1);
    check_delivery(request, key, by_reference.at(key));
    CHECK(request.answered == 200);
  }
  for (const auto& lead : api_leads(server.port())) {
    CHECK(lead.value("delivered", false) == true);
  }
}

TEST_CASE("webhook: 500 twice, then 200, delivers once", "[booking]") {
  const temp_dir dir;
  webhook_receiver receiver{0, {500, 500}};
  server_process server{booking_flags(dir, webhook_flags(receiver.port())), admin_env};
  ws_chat chat{server.port()};
  const lead_input in = person(1, weekday_slot(2, 13));
  const std::string reference = book(chat, in);

  REQUIRE(receiver.wait_until(delivered_all({reference}), delivery_deadline));
  CHECK(no_request_beyond(receiver, 3));
  const auto requests = receiver.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].answered == 500);
  CHECK(requests[1].answered == 500);
  CHECK(requests[2].answered == 200);
  for (const auto& request : requests) {
    check_delivery(request, reference, in);
    CHECK(request.body == requests[0].body);
  }
}

TEST_CASE("webhook: delivery resumes across a server restart", "[booking]") {
  const temp_dir dir;
  const std::uint16_t port = unused_port();
  std::map<std::string, lead_input> by_reference;
  int signal_number = SIGTERM;
  SECTION("SIGTERM") {
    signal_number = SIGTERM;
  }
  SECTION("SIGKILL") {
    signal_number = SIGKILL;
  }
  {
    server_process server{booking_flags(dir, webhook_flags(port)), admin_env};
    for (int i = 0; i < 2; ++i) {
      const lead_input in = person(10 + i, weekday_slot(6 + i, 12));
      ws_chat chat{server.port()};
      by_reference[book(chat, in)] = in;
    }
    CHECK(server.wait_for_output("not delivered", delivery_deadline));
    server.send_signal(signal_number);
    REQUIRE(server.wait_exit(20s).has_value());
  }
  std::set<std::string> references;
  for (const auto& [reference, in] : by_reference) {
    references.insert(reference);
  }

  // The restarted server takes the secret from the environment this time.
  flag_list flags = booking_flags(dir, {{"--webhook-url", webhook_url(port)},
                                        {"--webhook-retry-base-ms", "50"},
                                        {"--webhook-retry-max-ms", "400"}});
  env_list env = admin_env;
  env.emplace_back("ADVISOR_WEBHOOK_SECRET", webhook_secret);
  server_process again{flags, env};
  webhook_receiver receiver{port};
  REQUIRE(receiver.wait_until(delivered_all(references), delivery_deadline));
  const std::size_t seen = receiver.requests().size();
  CHECK(no_request_beyond(receiver, seen));
  const auto requests = receiver.requests();
  const auto counts = count_by_key(requests);
  CHECK(counts.size() == 2);
  for (const auto& request : requests) {
    const std::string key = request.header("idempotency-key");
    REQUIRE(by_reference.count(key) == 1);
    CHECK(counts.at(key) == 1);
    check_delivery(request, key, by_reference.at(key));
  }
}

// 6b: the webhook over https ---------------------------------------------------------------

namespace {

const std::string tls_webhook_secret = "s3cret";

// By name, not by address: the server checks the certificate against the URL's host.
flag_list https_webhook_flags(std::uint16_t receiver_port, const std::string& ca_file) {
  flag_list flags{{"--webhook-url", "https://localhost:" + std::to_string(receiver_port) + "/hook"},
                  {"--webhook-secret", tls_webhook_secret},
                  {"--webhook-retry-base-ms", "50"},
                  {"--webhook-retry-max-ms", "400"}};
  if (!ca_file.empty()) {
    flags.emplace_back("--webhook-ca-file", ca_file);
  }
  return flags;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out{path, std::ios::binary};
  out << text;
  out.close();
  REQUIRE(out.good());
}

// A fresh CA per test, its certificate in `dir` for --webhook-ca-file.
struct private_ca {
  explicit private_ca(const temp_dir& dir) : ca_file{dir.file("ca.pem")} {
    write_file(ca_file, authority.certificate_pem());
  }
  test_authority authority;
  std::string ca_file;
};

// The name the server must accept: the one in the URL, plus the address it resolves to.
tls_identity localhost_identity(const test_authority& authority) {
  return authority.issue("localhost", {"DNS:localhost", "IP:127.0.0.1"});
}

void check_delivered_flag(std::uint16_t server_port, const std::string& reference, bool delivered) {
  const auto lead = find_lead(api_leads(server_port), reference);
  REQUIRE(lead.has_value());
  CHECK(lead->value("delivered", !delivered) == delivered);
}

}  // namespace

TEST_CASE("webhook over https: a CA given with --webhook-ca-file is trusted",
          "[booking][webhook][tls]") {
  const temp_dir dir;
  const private_ca ca{dir};
  webhook_receiver receiver{0, {}, localhost_identity(ca.authority)};
  server_process server{booking_flags(dir, https_webhook_flags(receiver.port(), ca.ca_file)),
                        admin_env};
  ws_chat chat{server.port()};
  const lead_input in = person(4, weekday_slot(3, 10));
  const std::string reference = book(chat, in);

  REQUIRE(receiver.wait_until(delivered_all({reference}), delivery_deadline));
  CHECK(no_request_beyond(receiver, 1));
  const auto requests = receiver.requests();
  REQUIRE(requests.size() == 1);
  check_delivery(requests[0], reference, in, tls_webhook_secret);
  CHECK(requests[0].answered == 200);
  CHECK(receiver.failed_handshakes().empty());
  CHECK(server.wait_for_output("webhook: delivered " + reference, delivery_deadline));
  check_delivered_flag(server.port(), reference, true);
}

TEST_CASE("webhook over https: an unknown CA is refused until a restart trusts it",
          "[booking][webhook][tls]") {
  const temp_dir dir;
  const private_ca ca{dir};
  webhook_receiver receiver{0, {}, localhost_identity(ca.authority)};
  const lead_input in = person(5, weekday_slot(4, 11));
  std::string reference;
  {
    // Without --webhook-ca-file only the system CAs count, and they do not know this one.
    server_process server{booking_flags(dir, https_webhook_flags(receiver.port(), "")), admin_env};
    ws_chat chat{server.port()};
    reference = book(chat, in);
    CHECK(server.wait_for_output(reference + " not delivered", delivery_deadline));
    CHECK(server.wait_for_output("certificate verify failed", delivery_deadline));
    // The refusal happened in the handshake: the receiver saw it and no request came.
    CHECK(receiver.wait_for_failed_handshakes(1, delivery_deadline));
    CHECK(receiver.requests().empty());
    check_delivered_flag(server.port(), reference, false);
    server.send_signal(SIGTERM);
    REQUIRE(server.wait_exit(20s).has_value());
  }
  // Checked after the exit too: an attempt in flight at the signal must not have got through.
  CHECK(receiver.requests().empty());

  server_process again{booking_flags(dir, https_webhook_flags(receiver.port(), ca.ca_file)),
                       admin_env};
  REQUIRE(receiver.wait_until(delivered_all({reference}), delivery_deadline));
  CHECK(no_request_beyond(receiver, 1));
  const auto requests = receiver.requests();
  REQUIRE(requests.size() == 1);
  check_delivery(requests[0], reference, in, tls_webhook_secret);
  CHECK(again.wait_for_output("webhook: delivered " + reference, delivery_deadline));
  check_delivered_flag(again.port(), reference, true);
}

TEST_CASE("webhook over https: a certificate for another name is refused",
          "[booking][webhook][tls]") {
  const temp_dir dir;
  const private_ca ca{dir};
  std::string common_name;
  SECTION("for example.com only") {
    common_name = "example.com";
  }
  // X.509 host checks ignore the CN once a DNS alt name is there.
  SECTION("for example.com, with localhost as its common name") {
    common_name = "localhost";
  }
  webhook_receiver receiver{0, {}, ca.authority.issue(common_name, {"DNS:example.com"})};
  server_process server{booking_flags(dir, https_webhook_flags(receiver.port(), ca.ca_file)),
                        admin_env};
  ws_chat chat{server.port()};
  const lead_input in = person(6, weekday_slot(5, 14));
  const std::string reference = book(chat, in);

  CHECK(server.wait_for_output(reference + " not delivered", delivery_deadline));
  CHECK(server.wait_for_output("certificate verify failed", delivery_deadline));
  // Several attempts, every one refused in the handshake: retries do not give in.
  CHECK(receiver.wait_for_failed_handshakes(3, delivery_deadline));
  CHECK(receiver.requests().empty());
  CHECK(server.output().find("webhook: delivered") == std::string::npos);
  check_delivered_flag(server.port(), reference, false);
}

// 7 ------------------------------------------------------------------------------------------

TEST_CASE("SQL and HTML payloads in lead fields are stored and returned verbatim", "[booking]") {
  const temp_dir dir;
  server_process server{booking_flags(dir), admin_env};
  lead_input in;
  in.name = "Robert'); DROP TABLE bookings;--";
  in.company = "<img src=x onerror=alert(1)>";
  in.project = "\"quoted\", comma";
  in.slot = weekday_slot(3, 9);

  // The replies carry the payloads as JSON string data, unchanged and unescaped as HTML.
  ws_chat chat{server.port()};
  const json summary = fill_to_confirm(chat, in);
  CHECK(filled(summary, "name") == in.name);
  CHECK(filled(summary, "company") == in.company);
  CHECK(filled(summary, "project") == in.project);
  CHECK(text_has(summary, in.company));
  CHECK(text_has(summary, in.project));
  CHECK_FALSE(text_has(summary, "&lt;"));
  CHECK_FALSE(text_has(summary, "&quot;"));
  const std::string reference = check_booked(chat.say("yes"));

  const json leads = api_leads(server.port());
  REQUIRE(leads.size() == 1);
  CHECK(leads.at(0).value("reference", "") == reference);
  CHECK(leads.at(0).value("name", "") == in.name);
  CHECK(leads.at(0).value("company", "") == in.company);
  CHECK(leads.at(0).value("project", "") == in.project);

  const http_response csv = admin_get(server.port(), "/api/leads.csv", "Bearer " + admin_token);
  INFO(csv.body);
  REQUIRE(csv.status == 200);
  CHECK(csv.header("content-type").find("text/csv") != std::string::npos);
  CHECK(csv.body.find("\"Robert'); DROP TABLE bookings;--\"") != std::string::npos);
  CHECK(csv.body.find("\"<img src=x onerror=alert(1)>\"") != std::string::npos);
  CHECK(csv.body.find("\"\"\"quoted\"\", comma\"") != std::string::npos);
  const auto rows = parse_csv(csv.body);
  REQUIRE(rows.size() == 2);
  const auto& header = rows[0];
  REQUIRE(rows[1].size() == header.size());
  std::map<std::string, std::string> record;
  for (std::size_t i = 0; i < header.size(); ++i) {
    record[header[i]] = rows[1][i];
  }
  CHECK(record["reference"] == reference);
  CHECK(record["name"] == in.name);
  CHECK(record["company"] == in.company);
  CHECK(record["project"] == in.project);
  CHECK(record["email"] == in.email);

  // Nothing was executed: the table is still there and takes another booking.
  ws_chat next{server.port()};
  const std::string second = book(next, person(3, weekday_slot(3, 9, 30)));
  const json after = api_leads(server.port());
  CHECK(after.size() == 2);
  CHECK(find_lead(after, second).has_value());
  CHECK(cli_leads_json(dir.db()).size() == 2);
}

// 8 ------------------------------------------------------------------------------------------

TEST_CASE("the leads API needs the admin bearer token", "[booking]") {
  const temp_dir dir;

  SECTION("with an admin token configured") {
    server_process server{booking_flags(dir), admin_env};
    ws_chat chat{server.port()};
    lead_input in;
    in.slot = weekday_slot(1, 15);
    book(chat, in);

    for (const char* target : {"/api/leads", "/api/leads.csv"}) {
      INFO(target);
      const std::vector<std::optional<std::string>> refused = {
          std::nullopt,
          std::string{"Bearer wrong-token"},
          std::string{"Bearer "} + admin_token + "x",
          std::string{"Bearer "} + admin_token.substr(0, admin_token.size() - 1),
          std::string{"Bearer"},
          std::string{"Basic YWRtaW46Ym9va2luZy10ZXN0LWFkbWluLXRva2VuLTdmM2E="},
          std::string{"Basic Ym9va2luZy10ZXN0LWFkbWluLXRva2VuLTdmM2E="},
          std::string{"Token "} + admin_token,
          admin_token,
      };
      for (const auto& authorization : refused) {
        INFO("Authorization: " << authorization.value_or("<none>"));
        const http_response response = admin_get(server.port(), target, authorization);
        CHECK(response.status == 401);
        CHECK(response.header("www-authenticate").find("Bearer") != std::string::npos);
        CHECK(response.body.find(in.email) == std::string::npos);
      }
      const http_response ok = admin_get(server.port(), target, "Bearer " + admin_token);
      CHECK(ok.status == 200);
      CHECK(ok.body.find(in.email) != std::string::npos);
    }
  }

  SECTION("without an admin token the endpoints do not exist") {
    server_process server{booking_flags(dir), env_list{{"ADVISOR_ADMIN_TOKEN", ""}}};
    for (const char* target : {"/api/leads", "/api/leads.csv"}) {
      INFO(target);
      CHECK(admin_get(server.port(), target, std::nullopt).status == 404);
      CHECK(admin_get(server.port(), target, "Bearer " + admin_token).status == 404);
      CHECK(admin_get(server.port(), target, std::string{"Bearer "}).status == 404);
    }
  }
}

// 9 ------------------------------------------------------------------------------------------

TEST_CASE("advisor leads delete removes a booking and frees its slot", "[booking]") {
  const temp_dir dir;
  lead_input in;
  in.slot = weekday_slot(2, 10, 30);
  std::optional<server_process> server;
  server.emplace(booking_flags(dir), admin_env);
  std::string reference;
  {
    ws_chat chat{server->port()};
    reference = book(chat, in);
  }

  // An unknown reference, in the word order the README gives (`leads delete REF --db FILE`)
  // and with --db before the subcommand.
  const command_result unknown =
      run_advisor({"leads", "delete", "ADV-NOSUCHREF0", "--db", dir.db()});
  INFO(unknown.out << unknown.err);
  CHECK(unknown.status.exited);
  CHECK(unknown.status.code == 1);
  const command_result unknown_db_first =
      run_advisor({"leads", "--db", dir.db(), "delete", "ADV-NOSUCHREF0"});
  INFO(unknown_db_first.out << unknown_db_first.err);
  CHECK(unknown_db_first.status.exited);
  CHECK(unknown_db_first.status.code == 1);

  bool restarted = false;
  SECTION("while the server runs") {
    restarted = false;
  }
  SECTION("while the server is stopped, then restarted") {
    server->send_signal(SIGTERM);
    REQUIRE(server->wait_exit(20s).has_value());
    restarted = true;
  }

  const command_result deleted = run_advisor({"leads", "--db", dir.db(), "delete", reference});
  INFO(deleted.out << deleted.err);
  CHECK(deleted.status.exited);
  CHECK(deleted.status.code == 0);
  CHECK(deleted.out.find(reference) != std::string::npos);
  CHECK(cli_leads_json(dir.db()).empty());
  const command_result again = run_advisor({"leads", "--db", dir.db(), "delete", reference});
  CHECK(again.status.code == 1);

  if (restarted) {
    server.reset();
    server.emplace(booking_flags(dir), admin_env);
  }
  CHECK(api_leads(server->port()).empty());
  CHECK(http_request(server->port(), "GET", "/api/bookings/" + reference + ".ics").status == 404);

  // The slot is free again: a new booking for it succeeds.
  ws_chat chat{server->port()};
  const lead_input next = person(4, *in.slot);
  const std::string second = book(chat, next);
  CHECK(second != reference);
  const json leads = api_leads(server->port());
  REQUIRE(leads.size() == 1);
  CHECK(leads.at(0).value("reference", "") == second);
  CHECK(leads.at(0).value("slot", json::object()).value("start", "") == in.slot->iso());
}

TEST_CASE("the meeting details given on the command line answer how the call happens",
          "[booking]") {
  const temp_dir dir;
  const std::string details = "We meet on Jitsi; the room link comes with the confirmation.";
  server_process server{booking_flags(dir, {{"--meeting-details", details}}), admin_env};
  http_chat chat{server.port()};
  json reply = chat.say("is the consultation on zoom?");
  CHECK(reply.value("text", "").find(details) != std::string::npos);
  chat.say("Book a free consultation");
  reply = chat.say("how does the call happen?");
  CHECK(reply.value("text", "").rfind(details, 0) == 0);
  CHECK(reply.at("form").value("field", "") == "name");
}

// Replayed confirmations (issue 8) -------------------------------------------------------

TEST_CASE("a second yes after a booking gives the same reference and confirmation", "[booking]") {
  const temp_dir dir;
  server_process server{booking_flags(dir), admin_env};
  ws_chat chat{server.port()};
  lead_input in;
  in.slot = weekday_slot(2, 11);
  const std::string reference = book(chat, in);
  const json again = chat.say("yes");
  CHECK(check_booked(again) == reference);
  CHECK(text_has(again, "Your reference is " + reference));
  CHECK(api_leads(server.port()).size() == 1);
}

TEST_CASE("after a lost confirmation, 'did my booking go through?' is answered from the store",
          "[booking]") {
  const temp_dir dir;
  lead_input in;
  in.slot = weekday_slot(3, 14);
  std::string session;
  {
    server_process server{booking_flags(dir), admin_env};
    ws_chat chat{server.port()};
    session = chat.session();
    fill_to_confirm(chat, in);
    chat.send("yes");
    chat.close();  // the confirmation never reaches the visitor
    REQUIRE(server.wait_for_output("stored", 20s));
    // A graceful stop finishes the storage thread's work: the conversation is on disk.
    server.send_signal(SIGTERM);
    REQUIRE(server.wait_exit(20s).has_value());
  }
  server_process again{booking_flags(dir), admin_env};
  const json leads = api_leads(again.port());
  REQUIRE(leads.size() == 1);
  const std::string reference = leads.at(0).value("reference", "");

  ws_chat resumed{again.port(), "/ws?session=" + session};
  CHECK(resumed.welcome().value("resumed", false) == true);
  const json reply = resumed.say("did my booking go through?");
  CHECK(check_booked(reply) == reference);
  CHECK(text_has(reply, "Yes, your free consultation is booked"));
}

// A database locked by another writer (issue 8) ------------------------------------------

TEST_CASE("a database locked by another process: a bounded wait, then try again in a moment",
          "[booking]") {
  const temp_dir dir;
  server_process server{booking_flags(dir, {{"--db-wait-ms", "500"}}), admin_env};
  ws_chat chat{server.port()};
  lead_input in;
  in.slot = weekday_slot(4, 15);
  fill_to_confirm(chat, in);

  SQLite::Database other{dir.db(), SQLite::OPEN_READWRITE};
  other.exec("BEGIN IMMEDIATE");  // another writer holds the file, as the issue's test did
  const auto started = chr::steady_clock::now();
  const json busy = chat.say("yes");
  const auto waited = chr::steady_clock::now() - started;
  CHECK(waited < 2500ms);  // SQLite's busy timeout alone was 5 s, queued ones more
  CHECK(text_has(busy, "try again in a moment"));
  check_form(busy, "confirm");
  // A second visitor's form step, saved before its answer, waits no longer than its own limit.
  ws_chat second{server.port()};
  const auto step = chr::steady_clock::now();
  check_form(second.say("Book a free consultation"), "name");
  CHECK(chr::steady_clock::now() - step < 2500ms);

  other.exec("COMMIT");
  const std::string reference = check_booked(chat.say("yes"));
  const json leads = api_leads(server.port());
  REQUIRE(leads.size() == 1);
  CHECK(leads.at(0).value("reference", "") == reference);
}
