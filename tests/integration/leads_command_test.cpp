// `advisor leads` shows what visitors typed to an operator's terminal and spreadsheet: control
// characters stored by an older version (or written into the file by anything else) are
// shown escaped, never sent raw; CSV fields that look like formulas are defused.

#include <algorithm>
#include <string>

#include <catch2/catch.hpp>

#include "tests/integration/server_process.hpp"
#include "tests/integration/stored_bookings.hpp"

using namespace advisor::test;

namespace {

// True when `text` holds a C0 control other than the line ends the format itself uses, DEL,
// or a C1 control (as UTF-8).
bool has_raw_control(const std::string& text, bool crlf_rows) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') continue;
    if (c == '\r' && crlf_rows && i + 1 < text.size() && text[i + 1] == '\n') continue;
    if (c < 0x20 || c == 0x7F) return true;
    if (c == 0xC2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return true;
    }
  }
  return false;
}

template <std::size_t n>
std::string bytes(const char (&text)[n]) {
  return {text, n - 1};  // NULs included
}

const std::string hostile_name = bytes("Ada\x1B[2J\rMallory\x00X\u0085Y\x7F");

}  // namespace

TEST_CASE("advisor leads escapes control characters in the table", "[leads]") {
  temp_dir dir;
  store_booking(dir.db(), {hostile_name, "Acme\nFAKE ROW"});
  const auto table = run_advisor({"leads", "--db", dir.db()});
  INFO(table.out << table.err);
  REQUIRE(table.status.exited);
  CHECK(table.status.code == 0);
  CHECK_FALSE(has_raw_control(table.out, false));
  CHECK(table.out.find(R"(Ada\x1B[2J\rMallory\x00X\u0085Y\x7F)") != std::string::npos);
  CHECK(table.out.find(R"(Acme\nFAKE ROW)") != std::string::npos);
  // One header line and one booking line, whatever the fields held.
  CHECK(std::count(table.out.begin(), table.out.end(), '\n') == 2);
}

TEST_CASE("advisor leads escapes control characters in the CSV", "[leads]") {
  temp_dir dir;
  store_booking(dir.db(), {hostile_name, "=HYPERLINK(\"http://evil.example\")"});
  const auto csv = run_advisor({"leads", "--db", dir.db(), "--format", "csv"});
  INFO(csv.out << csv.err);
  REQUIRE(csv.status.exited);
  CHECK(csv.status.code == 0);
  CHECK_FALSE(has_raw_control(csv.out, true));
  CHECK(csv.out.find(R"("Ada\x1B[2J\rMallory\x00X\u0085Y\x7F")") != std::string::npos);
  CHECK(csv.out.find(R"csv("'=HYPERLINK(""http://evil.example"")")csv") != std::string::npos);
}
