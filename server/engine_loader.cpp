#include "server/engine_loader.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace advisor::server {
namespace {

std::variant<std::vector<intents::text_file>, std::string> read_folder(
    const std::filesystem::path& dir) {
  std::error_code ec;
  const auto names = data_files(dir, ec);
  if (ec) return dir.string() + ": " + ec.message();
  std::vector<intents::text_file> files;
  for (const auto& name : names) {
    const auto path = dir / name;
    std::ifstream in{path, std::ios::binary};
    if (!in.is_open()) return path.string() + ": cannot be read";
    std::ostringstream content;
    content << in.rdbuf();
    // Names relative to the folder, as the data files refer to each other.
    files.push_back({name.generic_string(), content.str()});
  }
  return files;
}

}  // namespace

std::vector<std::filesystem::path> data_files(const std::filesystem::path& dir,
                                              std::error_code& ec) {
  std::vector<std::filesystem::path> names;
  for (std::filesystem::recursive_directory_iterator it{dir, ec}, end; !ec && it != end;
       it.increment(ec)) {
    if (it->is_regular_file()) names.push_back(std::filesystem::relative(it->path(), dir));
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::variant<dialogue::engine_ptr, std::string> load_engine(const data_dirs& dirs,
                                                            const engine_settings& settings) {
  dialogue::engine_inputs inputs;
  inputs.hours = settings.hours;
  inputs.understanding_cache_entries = settings.understanding_cache_entries;
  auto intent_files = read_folder(dirs.intents);
  if (auto* error = std::get_if<std::string>(&intent_files)) return *error;
  inputs.intent_files = std::get<0>(std::move(intent_files));
  auto knowledge_files = read_folder(dirs.knowledge);
  if (auto* error = std::get_if<std::string>(&knowledge_files)) return *error;
  inputs.knowledge_files = std::get<0>(std::move(knowledge_files));
  return dialogue::build_engine(inputs);
}

}  // namespace advisor::server
