#include "server/check_command.hpp"

#include <filesystem>
#include <ostream>

#include "server/engine_loader.hpp"

namespace advisor::server {
namespace {

// The loaders name files relative to their folder ("intents.json:12: ..."); the operator
// needs the path they can open, so the folder that holds the file is put in front.
std::string with_folder(const std::string& error, const data_dirs& dirs) {
  const auto colon = error.find(':');
  if (colon == std::string::npos || colon == 0) return error;
  const std::filesystem::path name{error.substr(0, colon)};
  std::error_code ec;
  for (const auto& dir : {dirs.intents, dirs.knowledge}) {
    if (std::filesystem::is_regular_file(dir / name, ec)) return (dir / error).string();
  }
  return error;
}

std::size_t count_files(const std::filesystem::path& dir) {
  std::error_code ec;
  return data_files(dir, ec).size();
}

}  // namespace

check_command::check_command(CLI::App& app, config& settings) : settings_{settings} {
  check_ = app.add_subcommand(
      "check", "check the intents and knowledge folders (and the settings given) and exit");
  check_->add_option("--intents-dir", settings_.intents_dir, "folder of the intent data")
      ->capture_default_str();
  check_->add_option("--knowledge-dir", settings_.knowledge_dir, "folder of the guide and its data")
      ->capture_default_str();
}

int check_command::run(std::ostream& out, std::ostream& err) const {
  const data_dirs dirs{settings_.intents_dir, settings_.knowledge_dir};
  auto loaded = load_engine(dirs, {settings_.hours});
  if (auto* error = std::get_if<std::string>(&loaded)) {
    err << "advisor check: " << with_folder(*error, dirs) << '\n';
    return 1;
  }
  out << "advisor check: ok: " << dirs.intents.string() << " (" << count_files(dirs.intents)
      << " files), " << dirs.knowledge.string() << " (" << count_files(dirs.knowledge)
      << " files)\n";
  return 0;
}

}  // namespace advisor::server
