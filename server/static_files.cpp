#include "server/static_files.hpp"

#include <openssl/sha.h>
#include <zlib.h>
#include <boost/url/parse_path.hpp>

#include <array>
#include <fstream>
#include <sstream>
#include <stdexcept>
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

std::variant<std::shared_ptr<const cached_file>, unsigned> static_files::load(
    std::string_view encoded_path) const {
  auto resolved = resolve(encoded_path);
  if (const auto* status = std::get_if<unsigned>(&resolved)) return *status;
  const auto& file = std::get<static_file>(resolved);

  std::error_code ec;
  const auto mtime = std::filesystem::last_write_time(file.path, ec);
  const auto size = std::filesystem::file_size(file.path, ec);
  if (ec) return 404U;
  const auto key = file.path.string();
  {
    std::lock_guard lock{mutex_};
    if (auto it = cache_.find(key);
        it != cache_.end() && it->second.mtime == mtime && it->second.size == size) {
      return it->second.file;
    }
  }

  std::ifstream in{file.path, std::ios::binary};
  if (!in.is_open()) return 404U;
  std::ostringstream content;
  content << in.rdbuf();
  auto loaded = std::make_shared<cached_file>();
  loaded->content_type = file.content_type;
  loaded->body = content.str();
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(loaded->body.data()), loaded->body.size(), digest);
  static constexpr char hex[] = "0123456789abcdef";
  loaded->etag = "\"";
  for (std::size_t i = 0; i < 12; ++i) {  // 96 bits tell versions apart
    loaded->etag.push_back(hex[digest[i] >> 4U]);
    loaded->etag.push_back(hex[digest[i] & 0x0FU]);
  }
  loaded->etag += '"';
  if (auto packed = gzip(loaded->body); packed.size() < loaded->body.size()) {
    loaded->gzipped = std::move(packed);
  }

  std::lock_guard lock{mutex_};
  cache_[key] = entry{mtime, size, loaded};
  return loaded;
}

std::string gzip(std::string_view data) {
  z_stream stream{};
  // windowBits 15 + 16: a gzip header and trailer rather than zlib's.
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    throw std::runtime_error("zlib: deflateInit2 failed");
  }
  std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = deflate(&stream, Z_FINISH);
  deflateEnd(&stream);
  if (result != Z_STREAM_END) throw std::runtime_error("zlib: deflate failed");
  out.resize(stream.total_out);
  return out;
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
