#include "intents/learned_weights.hpp"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

namespace advisor::intents {
namespace {

using json = nlohmann::json;

constexpr std::string_view word_prefix = "w:";

load_error error(const text_file& file, std::string message) {
  return load_error{file.name, 0, std::move(message)};
}

// One intent's {"bias": b, "weights": {feature: w, ...}} into column `at` of `out`.
std::optional<load_error> read_intent(const text_file& file, const std::string& intent,
                                      const json& spec, std::size_t at,
                                      const std::map<std::string, std::size_t>& column,
                                      understander_parts::learned& out) {
  if (!spec.is_object() || !spec.contains("bias") || !spec.at("bias").is_number() ||
      !spec.contains("weights") || !spec.at("weights").is_object()) {
    return error(file, "\"" + intent + "\" needs a number \"bias\" and an object \"weights\"");
  }
  out.bias[at] = spec.at("bias").get<double>();
  for (const auto& [name, value] : spec.at("weights").items()) {
    if (!value.is_number()) return error(file, "\"" + intent + "\": \"" + name + "\" not a number");
    if (name.starts_with(word_prefix)) {
      auto& per_intent = out.words[name.substr(word_prefix.size())];
      per_intent.resize(out.bias.size(), 0.0);
      per_intent[at] = value.get<double>();
      continue;
    }
    const auto it = column.find(name);
    if (it == column.end()) {
      return error(file, "\"" + intent + "\": unknown feature \"" + name +
                             "\" (retrain with tests/eval/real/train.py)");
    }
    out.weights[at][it->second] = value.get<double>();
  }
  return std::nullopt;
}

}  // namespace

std::variant<understander_parts::learned, load_error> parse_weights(
    const text_file& file, const std::vector<std::string>& intent_names,
    const std::vector<std::string>& features) {
  const json doc = json::parse(file.content, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return error(file, "not a JSON object");
  if (!doc.contains("intents") || !doc.at("intents").is_object())
    return error(file, "needs an object \"intents\"");
  std::map<std::string, std::size_t> column;
  for (std::size_t j = 0; j < features.size(); ++j) column.emplace(features[j], j);
  understander_parts::learned out;
  if (doc.contains("temperature")) {
    const json& t = doc.at("temperature");
    if (!t.is_number() || t.get<double>() <= 0.0)
      return error(file, "\"temperature\" must be a positive number");
    out.temperature = t.get<double>();
  }
  out.bias.assign(intent_names.size(), 0.0);
  out.weights.assign(intent_names.size(), std::vector<double>(features.size(), 0.0));
  for (const auto& [intent, spec] : doc.at("intents").items()) {
    const auto it = std::find(intent_names.begin(), intent_names.end(), intent);
    if (it == intent_names.end() || intent == "fallback")
      return error(file, "unknown intent \"" + intent + "\"");
    const auto at = static_cast<std::size_t>(it - intent_names.begin());
    if (auto err = read_intent(file, intent, spec, at, column, out)) return *err;
  }
  // An intent the file does not name never wins.
  for (std::size_t i = 0; i < intent_names.size(); ++i) {
    if (!doc.at("intents").contains(intent_names[i])) out.bias[i] = -1e9;
  }
  for (auto& [word, per_intent] : out.words) per_intent.resize(intent_names.size(), 0.0);
  return out;
}

}  // namespace advisor::intents
