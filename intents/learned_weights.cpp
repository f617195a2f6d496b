#include "intents/learned_weights.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>

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

// "clarify_margins": {"top>runner_up": margin, ...}, each pair of known intents.
std::optional<load_error> read_clarify_margins(const text_file& file, const json& doc,
                                               const std::vector<std::string>& intent_names,
                                               understander_parts::learned& out) {
  if (!doc.contains("clarify_margins")) return std::nullopt;
  const json& spec = doc.at("clarify_margins");
  if (!spec.is_object()) return error(file, "\"clarify_margins\" must be an object");
  const auto index = [&](std::string_view name) {
    return static_cast<std::size_t>(std::find(intent_names.begin(), intent_names.end(), name) -
                                    intent_names.begin());
  };
  for (const auto& [pair, margin] : spec.items()) {
    const auto cut = pair.find('>');
    const auto top = index(std::string_view{pair}.substr(0, cut));
    const auto second =
        cut == std::string::npos ? intent_names.size() : index(pair.substr(cut + 1));
    if (top >= intent_names.size() || second >= intent_names.size())
      return error(file, "\"clarify_margins\": \"" + pair + "\" is not \"intent>intent\"");
    if (!margin.is_number() || margin.get<double>() < 0.0 || margin.get<double>() > 1.0)
      return error(file, "\"clarify_margins\": \"" + pair + "\" must be a number from 0 to 1");
    out.clarify_margins[{top, second}] = margin.get<double>();
  }
  return std::nullopt;
}

// "short_rules_below": {"words": 6, "below": 0.35}: optional; absent, never.
std::optional<load_error> read_short_rules_below(const text_file& file, const json& doc,
                                                 understander_parts::learned& out) {
  if (!doc.contains("short_rules_below")) return std::nullopt;
  const json& spec = doc.at("short_rules_below");
  const auto bad = [&] {
    return error(file,
                 "\"short_rules_below\" must be {\"words\": a count, \"below\": a number "
                 "from 0 to 1}");
  };
  if (!spec.is_object() || !spec.contains("words") || !spec.contains("below")) return bad();
  const json& words = spec.at("words");
  const json& below = spec.at("below");
  if (!words.is_number_unsigned() || !below.is_number()) return bad();
  if (below.get<double>() < 0.0 || below.get<double>() > 1.0) return bad();
  out.short_words = words.get<std::size_t>();
  out.short_rules_below = below.get<double>();
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
  if (doc.contains("rules_below")) {
    const json& r = doc.at("rules_below");
    if (!r.is_number() || r.get<double>() < 0.0 || r.get<double>() > 1.0)
      return error(file, "\"rules_below\" must be a number from 0 to 1");
    out.rules_below = r.get<double>();
  }
  if (auto err = read_short_rules_below(file, doc, out)) return *err;
  if (auto err = read_clarify_margins(file, doc, intent_names, out)) return *err;
  out.bias.assign(intent_names.size(), 0.0);
  out.weights.assign(intent_names.size(), std::vector<double>(features.size(), 0.0));
  for (const auto& [name, spec] : doc.at("intents").items()) {
    const auto it = std::find(intent_names.begin(), intent_names.end(), name);
    if (it == intent_names.end() || name == to_string(intent::fallback))
      return error(file, "unknown intent \"" + name + "\"");
    const auto at = static_cast<std::size_t>(it - intent_names.begin());
    if (auto err = read_intent(file, name, spec, at, column, out)) return *err;
  }
  // An intent the file does not name never wins.
  for (std::size_t i = 0; i < intent_names.size(); ++i) {
    if (!doc.at("intents").contains(intent_names[i])) out.bias[i] = -1e9;
  }
  for (auto& [word, per_intent] : out.words) per_intent.resize(intent_names.size(), 0.0);
  return out;
}

}  // namespace advisor::intents
