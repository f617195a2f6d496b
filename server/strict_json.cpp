#include "server/strict_json.hpp"

#include <boost/json/basic_parser_impl.hpp>

#include <algorithm>
#include <cmath>
#include <optional>

namespace advisor::server {
namespace {

using boost::json::error_code;
using member_type = json_member::type;
using sv = boost::json::string_view;

// Whether a number's digits before its exponent are all zero.
bool zero_digits(sv text) {
  for (const char c : text) {
    if (c == 'e' || c == 'E') break;
    if (c >= '1' && c <= '9') return false;
  }
  return true;
}

// Boost.JSON's basic_parser handler. Returning false stops the parse at once.
class strict_handler {
 public:
  // Frames are capped long before these; the parser wants them named.
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  static constexpr std::size_t expected_members = 6;

  explicit strict_handler(std::size_t max_depth) : max_depth_{max_depth} {}

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }

  bool on_object_begin(error_code&) {
    if (!enter(member_type::object)) return false;
    if (depth_ == 1) {
      document_.is_object = true;
      document_.members.reserve(expected_members);  // a frame has three or four
    }
    if (depth_ > 1) nested_names_.emplace_back();
    if (depth_ == 1) outer_is_object_ = true;
    return true;
  }
  bool on_object_end(std::size_t, error_code&) {
    if (depth_ > 1) nested_names_.pop_back();
    return leave();
  }
  bool on_array_begin(error_code&) {
    if (!enter(member_type::array)) return false;
    if (depth_ == 1) outer_is_object_ = false;
    return true;
  }
  bool on_array_end(std::size_t, error_code&) { return leave(); }

  bool on_key_part(sv part, std::size_t, error_code&) {
    pieces_.append(part.data(), part.size());
    return true;
  }
  bool on_key(sv last, std::size_t, error_code&) {
    pieces_.append(last.data(), last.size());
    name(std::exchange(pieces_, {}));
    return true;
  }
  bool on_string_part(sv part, std::size_t, error_code&) {
    pieces_.append(part.data(), part.size());
    return true;
  }
  bool on_string(sv last, std::size_t, error_code&) {
    pieces_.append(last.data(), last.size());
    return value(member_type::string, std::exchange(pieces_, {}));
  }
  bool on_number_part(sv, error_code&) { return true; }
  bool on_int64(std::int64_t, sv, error_code&) { return value(member_type::number); }
  bool on_uint64(std::uint64_t, sv, error_code&) { return value(member_type::number); }
  bool on_double(double number, sv text, error_code&) {
    // 1e999 is no number a peer can mean; 0e999 is 0.
    if (!std::isfinite(number) && !zero_digits(text)) return false;
    return value(member_type::number);
  }
  bool on_bool(bool, error_code&) { return value(member_type::boolean); }
  bool on_null(error_code&) { return value(member_type::null); }
  bool on_comment_part(sv, error_code&) { return false; }
  bool on_comment(sv, error_code&) { return false; }

  json_document& document() { return document_; }
  [[nodiscard]] const std::optional<json_problem>& problem() const { return problem_; }

 private:
  bool enter(member_type type) {
    if (++depth_ > max_depth_) {
      problem_ = json_problem{json_problem::kind::too_deep};
      return false;
    }
    if (depth_ == 2 && outer_is_object_) document_.members.back().second.what = type;
    return true;
  }
  bool leave() {
    --depth_;
    return true;
  }

  // A name in the object open now; in the outermost object it starts a member.
  void name(std::string key) {
    if (depth_ == 1) {
      if (document_.find(key) != nullptr) repeated(key, true);
      document_.members.emplace_back(std::move(key), json_member{});
      return;
    }
    auto& names = nested_names_.back();
    if (std::find(names.begin(), names.end(), key) != names.end()) {
      repeated(key, false);
    } else {
      names.push_back(std::move(key));
    }
  }
  // A scalar: kept when it is a member of the outermost object.
  bool value(member_type type, std::string text = {}) {
    if (depth_ == 1 && outer_is_object_) {
      document_.members.back().second = json_member{type, std::move(text)};
    }
    return true;
  }
  // The first repeat is reported (unless the text turns out not to be JSON at all).
  void repeated(const std::string& key, bool top_level) {
    if (!document_.repeated) document_.repeated = repeated_name{key, top_level};
  }

  std::size_t max_depth_;
  std::size_t depth_ = 0;
  bool outer_is_object_ = false;  // what is read is the outermost object's members
  std::vector<std::vector<std::string>> nested_names_;  // names in each open inner object
  std::string pieces_;                                  // a string or name arriving in parts
  json_document document_;
  std::optional<json_problem> problem_;
};

}  // namespace

std::variant<json_document, json_problem> parse_strict_json(std::string_view text,
                                                            std::size_t max_depth) {
  boost::json::parse_options options;
  options.max_depth = max_depth + 1;  // the handler's own limit speaks first
  boost::json::basic_parser<strict_handler> parser{options, max_depth};
  error_code ec;
  const auto used = parser.write_some(false, text.data(), text.size(), ec);
  if (const auto& problem = parser.handler().problem()) return *problem;  // too deep
  if (ec || used != text.size()) return json_problem{};
  return std::move(parser.handler().document());
}

}  // namespace advisor::server
