#pragma once
// JSON as the protocol takes it from clients: exactly one value (nothing after it, not even a
// NUL, which nlohmann's lexer would take for the end of the text), nesting no deeper than a
// limit enforced while parsing (so a flood of '[' costs nothing), and no object with the
// same name twice (a peer and the server must not read different values).

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace advisor::server {

struct json_problem {
  enum class kind { not_json, too_deep, duplicate_name } what = kind::not_json;
  std::string name;        // duplicate_name: the repeated name
  bool top_level = false;  // duplicate_name: repeated in the outermost object
};

std::variant<nlohmann::json, json_problem> parse_strict_json(std::string_view text,
                                                             std::size_t max_depth);

}  // namespace advisor::server
