#pragma once
// Maps a request path to a file under the web root, refusing anything that could leave it,
// and keeps each file in memory with its ETag and gzip form until it changes on disk.

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>

namespace advisor::server {

struct static_file {
  std::filesystem::path path;
  std::string_view content_type;
};

// A file as served: the bytes, their gzip form and a strong validator.
struct cached_file {
  std::string_view content_type;
  std::string body;
  std::string gzipped;  // empty when gzip does not make it smaller
  std::string etag;     // quoted, from a SHA-256 of the body
};

class static_files {
 public:
  explicit static_files(std::filesystem::path root);

  // `path` is the request target's path, still percent-encoded. Returns the file, or the
  // HTTP status to answer with (400 for a path that tries to climb out, 404 otherwise).
  std::variant<static_file, unsigned> resolve(std::string_view encoded_path) const;

  // resolve() plus the file's cached content (re-read when its size or mtime changed).
  std::variant<std::shared_ptr<const cached_file>, unsigned> load(
      std::string_view encoded_path) const;

 private:
  struct entry {
    std::filesystem::file_time_type mtime;
    std::uintmax_t size = 0;
    std::shared_ptr<const cached_file> file;
  };

  std::filesystem::path root_;  // canonical
  mutable std::mutex mutex_;
  mutable std::unordered_map<std::string, entry> cache_;
};

std::string_view content_type_for(const std::filesystem::path& file);

// gzip (RFC 1952) of `data` at the best compression.
std::string gzip(std::string_view data);

}  // namespace advisor::server
