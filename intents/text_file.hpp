#pragma once
// What every loader of a data folder takes and gives back: a file's name and content in, a
// problem located by file and line out. Used by intents/, knowledge/ and dialogue/ alike.

#include <string>

namespace advisor::intents {

// A data file's name (for error messages) and its content.
struct text_file {
  std::string name;
  std::string content;
};

// A load-time problem, located so a person can fix the data file.
struct load_error {
  std::string file;  // name as given in text_file
  int line = 0;      // 1-based; 0 when the problem is not tied to a line
  std::string message;
  // "file:line: message" (or "file: message" when line is 0)
  std::string what() const {
    if (line > 0) return file + ":" + std::to_string(line) + ": " + message;
    return file + ": " + message;
  }
};

}  // namespace advisor::intents
