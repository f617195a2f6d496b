#pragma once
// Maps a request path to a file under the web root, refusing anything that could leave it.

#include <filesystem>
#include <string>
#include <string_view>
#include <variant>

namespace advisor::server {

struct static_file {
  std::filesystem::path path;
  std::string_view content_type;
};

class static_files {
 public:
  explicit static_files(std::filesystem::path root);

  // `path` is the request target's path, still percent-encoded. Returns the file, or the
  // HTTP status to answer with (400 for a path that tries to climb out, 404 otherwise).
  std::variant<static_file, unsigned> resolve(std::string_view encoded_path) const;

 private:
  std::filesystem::path root_;  // canonical
};

std::string_view content_type_for(const std::filesystem::path& file);

}  // namespace advisor::server
