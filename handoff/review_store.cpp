#include "handoff/review_store.hpp"

#include <exception>

namespace advisor::handoff {

std::variant<std::unique_ptr<review_store>, std::string> review_store::open(
    const std::string& where) {
  try {
    if (lead_store::is_postgresql(where)) return open_pg_review_store(where);
    constexpr std::string_view prefix = "sqlite:";
    return open_sqlite_review_store(where.starts_with(prefix) ? where.substr(prefix.size())
                                                              : where);
  } catch (const std::exception& e) {
    return std::string{"the review store: "} + e.what();
  }
}

}  // namespace advisor::handoff
