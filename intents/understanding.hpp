#pragma once
// Public facade of the understanding layer: text in, intent + slots out. No I/O after load.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace advisor::intents {

// A load-time problem, located so a person can fix the data file.
struct load_error {
  std::string file;  // path as given
  int line = 0;      // 1-based; 0 when the problem is not tied to a line
  std::string message;
  std::string what() const;  // "file:line: message"
};

// What was taken out of the text besides the intent.
struct slots {
  std::vector<std::string> technologies;  // canonical ids in order of mention: "node", "python"
  std::vector<std::string> topics;        // topic ids from the lexicon, e.g. "streaming", "ml"
  std::optional<std::string> email;
  std::optional<std::string> person_name;  // "my name is Ada Lovelace" -> "Ada Lovelace"
  std::optional<std::string> date_text;    // a date/time expression as typed, for the booking form
};

struct understanding {
  std::string intent;       // one of the protocol intent names, or another name from intents.json
  double confidence = 0.0;  // 0..1
  slots found;
  std::string normalized;   // the text after normalization and typo correction
};

class understander;
using understander_ptr = std::shared_ptr<const understander>;

// Loads intents.json and lexicon.txt from `data_dir`; every error names file and line.
std::variant<understander_ptr, load_error> load_understander(const std::filesystem::path& data_dir);

}  // namespace advisor::intents
