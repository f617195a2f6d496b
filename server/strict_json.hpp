#pragma once
// JSON as the protocol takes it from clients: exactly one value (nothing after it), nesting no
// deeper than a limit enforced while parsing (so a flood of '[' costs nothing), valid UTF-8 and
// finite numbers, and any object with the same name twice reported (a peer and the server must
// not read different values). Read with Boost.JSON's SAX parser into the one level the protocol
// reads: the outermost object's members; what is nested deeper is checked and dropped, never built.

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace advisor::server {

struct json_problem {
  enum class kind { not_json, too_deep } what = kind::not_json;
};

// The first name found twice in one object.
struct repeated_name {
  std::string name;
  bool top_level = false;  // repeated in the outermost object
};

// A member of the outermost object: its type, and its value when it is a string.
struct json_member {
  enum class type { null, boolean, number, string, object, array } what = type::null;
  std::string text;
};

// The one value of the text: an object's members in order, or some other value.
struct json_document {
  bool is_object = false;
  std::vector<std::pair<std::string, json_member>> members;  // a repeated name: each time
  std::optional<repeated_name> repeated;

  std::size_t count(std::string_view name) const {
    return static_cast<std::size_t>(std::count_if(
        members.begin(), members.end(), [&](const auto& member) { return member.first == name; }));
  }

  const json_member* find(std::string_view name) const {
    for (const auto& [key, member] : members) {
      if (key == name) return &member;
    }
    return nullptr;
  }
};

std::variant<json_document, json_problem> parse_strict_json(std::string_view text,
                                                            std::size_t max_depth);

}  // namespace advisor::server
