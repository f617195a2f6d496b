#include "server/static_files.hpp"

#include <boost/url/parse_path.hpp>

#include <array>
#include <utility>

namespace advisor::server {

static_files::static_files(std::filesystem::path root)
    : root_{std::filesystem::weakly_canonical(std::move(root))} {}

std::variant<static_file, unsigned> static_files::resolve(std::string_view encoded_path) const {
  auto parsed = boost::urls::parse_path(encoded_path);
  if (!parsed) return 400U;

  std::filesystem::path relative;
  for (const auto encoded : *parsed) {
    const std::string segment = encoded.decode();  // "%2e%2e" becomes ".." here, and is refused
    if (segment.empty()) continue;
    if (segment == "." || segment == ".." || segment.find_first_of("/\\") != std::string::npos ||
        segment.find('\0') != std::string::npos || segment.front() == '.') {
      return 400U;  // no climbing out, no hidden files
    }
    relative /= segment;
  }
  if (relative.empty()) relative = "index.html";

  std::error_code ec;
  const auto full = std::filesystem::weakly_canonical(root_ / relative, ec);
  if (ec) return 404U;
  // A symbolic link inside the root must not lead outside it either.
  const auto [root_end, _] = std::mismatch(root_.begin(), root_.end(), full.begin(), full.end());
  if (root_end != root_.end()) return 404U;
  if (!std::filesystem::is_regular_file(full, ec)) return 404U;
  return static_file{full, content_type_for(full)};
}

std::string_view content_type_for(const std::filesystem::path& file) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 10> types{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
      {".ics", "text/calendar; charset=utf-8"},
      {".webp", "image/webp"},
  }};
  const auto extension = file.extension().string();
  for (const auto& [ext, type] : types) {
    if (ext == extension) return type;
  }
  return "application/octet-stream";
}

}  // namespace advisor::server
