#include "server/strict_json.hpp"

#include <optional>
#include <set>
#include <vector>

namespace advisor::server {
namespace {

using json = nlohmann::json;
using dom_builder = nlohmann::detail::json_sax_dom_parser<json>;

// nlohmann's own DOM builder, with a depth limit and a duplicate check in front of it. A
// handler that returns false stops the parse at once.
class strict_handler {
 public:
  strict_handler(json& result, std::size_t max_depth)
      : dom_{result, /*allow_exceptions=*/false}, max_depth_{max_depth} {}

  bool null() { return dom_.null(); }
  bool boolean(bool value) { return dom_.boolean(value); }
  bool number_integer(json::number_integer_t value) { return dom_.number_integer(value); }
  bool number_unsigned(json::number_unsigned_t value) { return dom_.number_unsigned(value); }
  bool number_float(json::number_float_t value, const std::string& text) {
    return dom_.number_float(value, text);
  }
  bool string(std::string& value) { return dom_.string(value); }
  bool binary(json::binary_t& value) { return dom_.binary(value); }

  bool start_object(std::size_t size) {
    if (!enter()) return false;
    names_.emplace_back();
    return dom_.start_object(size);
  }
  bool key(std::string& name) {
    if (!names_.back().insert(name).second && !problem_) {
      problem_ = json_problem{json_problem::kind::duplicate_name, name, names_.size() == 1};
    }
    return dom_.key(name);
  }
  bool end_object() {
    names_.pop_back();
    --depth_;
    return dom_.end_object();
  }
  bool start_array(std::size_t size) {
    if (!enter()) return false;
    names_.emplace_back();  // keeps names_ in step with the nesting; arrays have no names
    return dom_.start_array(size);
  }
  bool end_array() {
    names_.pop_back();
    --depth_;
    return dom_.end_array();
  }
  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& error) {
    problem_ = json_problem{};
    return dom_.parse_error(position, last_token, error);
  }

  [[nodiscard]] const std::optional<json_problem>& problem() const { return problem_; }

 private:
  bool enter() {
    if (++depth_ <= max_depth_) return true;
    problem_ = json_problem{json_problem::kind::too_deep, {}, false};
    return false;
  }

  dom_builder dom_;
  std::size_t max_depth_;
  std::size_t depth_ = 0;
  std::vector<std::set<std::string>> names_;  // the names seen in each open container
  std::optional<json_problem> problem_;
};

}  // namespace

std::variant<json, json_problem> parse_strict_json(std::string_view text, std::size_t max_depth) {
  // JSON has no raw NUL anywhere (strings escape it); nlohmann would stop reading at one.
  if (text.find('\0') != std::string_view::npos) return json_problem{};
  json result;
  strict_handler handler{result, max_depth};
  const bool parsed = json::sax_parse(text.begin(), text.end(), &handler,
                                      json::input_format_t::json, /*strict=*/true);
  if (handler.problem()) return *handler.problem();
  if (!parsed) return json_problem{};
  return result;
}

}  // namespace advisor::server
