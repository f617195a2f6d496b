#pragma once
// The project's own data files, read by the unit tests: the real intents, lexicon and guide.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "intents/understanding.hpp"

namespace advisor::test {

// ctest sets ADVISOR_SOURCE_DIR; run by hand, the tree the test was built from.
inline std::filesystem::path source_dir() {
  const char* root = std::getenv("ADVISOR_SOURCE_DIR");
  return root != nullptr ? root : ADVISOR_SOURCE_DIR_FALLBACK;
}

inline std::string read_source_file(const std::string& relative) {
  std::ifstream in{source_dir() / relative, std::ios::binary};
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// Every regular file under `relative`, in name order, named relative to it (as
// server/engine_loader does: the guide's sections are read in that order).
inline std::vector<intents::text_file> read_source_folder(const std::string& relative) {
  const auto dir = source_dir() / relative;
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::recursive_directory_iterator{dir}) {
    if (entry.is_regular_file()) paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<intents::text_file> files;
  for (const auto& path : paths) {
    std::ifstream in{path, std::ios::binary};
    std::ostringstream content;
    content << in.rdbuf();
    files.push_back({std::filesystem::relative(path, dir).generic_string(), content.str()});
  }
  return files;
}

}  // namespace advisor::test
