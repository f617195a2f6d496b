#pragma once
// weights.json: the learned weighting of the understander's features (written by
// tests/eval/real/train.py). Pure: parses file contents handed in; no I/O here.

#include <string>
#include <variant>
#include <vector>

#include "intents/understander.hpp"
#include "intents/understanding.hpp"

namespace advisor::intents {

// Reads the weights of every intent over `features` (understander feature names) and the
// words ("w:<word>"). An intent or a feature the understander does not have is an error, so a
// stale file is refused rather than read wrongly; one not named weighs 0.
std::variant<understander_parts::learned, load_error> parse_weights(
    const text_file& file, const std::vector<std::string>& intent_names,
    const std::vector<std::string>& features);

}  // namespace advisor::intents
