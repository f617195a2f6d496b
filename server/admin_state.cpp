#include "server/admin_state.hpp"

#include <algorithm>
#include <sstream>

#include "server/metrics.hpp"

namespace advisor::server {

std::map<std::string, double> parse_samples(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in{text};
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line.front() == '#') continue;
    const auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    try {
      out[line.substr(0, space)] = std::stod(line.substr(space + 1));
    } catch (const std::exception&) {
      continue;  // not a number: not a sample this parser knows
    }
  }
  return out;
}

admin_guard::bucket& admin_guard::refill(const std::string& address, clock::time_point now) {
  if (buckets_.size() > 10000 && !buckets_.contains(address)) buckets_.clear();  // bounded
  auto [it, added] = buckets_.try_emplace(address, bucket{burst, now});
  auto& b = it->second;
  const std::chrono::duration<double> elapsed = now - b.last;
  b.tokens = std::min(burst, b.tokens + elapsed.count() * per_second);
  b.last = now;
  return b;
}

bool admin_guard::may_try(const std::string& address, clock::time_point now) {
  std::lock_guard lock{mutex_};
  return refill(address, now).tokens >= 1.0;
}

void admin_guard::failed(const std::string& address, clock::time_point now) {
  std::lock_guard lock{mutex_};
  auto& b = refill(address, now);
  b.tokens = std::max(0.0, b.tokens - 1.0);
}

admin_state::admin_state(boost::asio::io_context& ioc, const metrics& counters, data_dirs dirs)
    : timer_{ioc}, counters_{counters}, dirs_{std::move(dirs)} {
  samples_.push_back(take_sample());
}

void admin_state::start() {
  wait();
}

void admin_state::stop() {
  timer_.cancel();
}

void admin_state::wait() {
  timer_.expires_after(std::chrono::minutes{1});
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;  // cancelled at shutdown
    auto now = take_sample();
    {
      std::lock_guard lock{mutex_};
      samples_.push_back(std::move(now));
      // Keep the newest sample at least an hour old, so the window reaches back a full hour.
      while (samples_.size() > 1 && samples_[1].at <= samples_.back().at - std::chrono::hours{1}) {
        samples_.pop_front();
      }
    }
    wait();
  });
}

admin_state::sample admin_state::take_sample() const {
  constexpr std::string_view prefix = "advisor_replies_total{intent=\"";
  sample s{system_clock::now(), {}};
  for (const auto& [key, value] : parse_samples(counters_.render({}))) {
    if (!key.starts_with(prefix) || !key.ends_with("\"}")) continue;
    const auto name = key.substr(prefix.size(), key.size() - prefix.size() - 2);
    s.replies[name] = static_cast<std::uint64_t>(value);
  }
  return s;
}

void admin_state::loaded() {
  load_record record{system_clock::now(), {}};
  for (const auto& [label, dir] :
       {std::pair{"intents", dirs_.intents}, std::pair{"knowledge", dirs_.knowledge}}) {
    std::error_code ec;
    for (const auto& name : data_files(dir, ec))
      record.files.push_back(std::string{label} + '/' + name.generic_string());
  }
  std::sort(record.files.begin(), record.files.end());
  std::lock_guard lock{mutex_};
  load_ = std::move(record);
}

admin_state::load_record admin_state::last_load() const {
  std::lock_guard lock{mutex_};
  return load_;
}

admin_state::reply_window admin_state::replies_last_hour() const {
  const auto now = take_sample();
  std::lock_guard lock{mutex_};
  // The oldest sample not older than an hour (or the first one, when the server is younger).
  const auto hour_ago = now.at - std::chrono::hours{1};
  auto from = std::find_if(samples_.begin(), samples_.end(),
                           [&](const sample& s) { return s.at >= hour_ago; });
  if (from == samples_.end()) from = std::prev(samples_.end());
  reply_window out{from->at, {}};
  for (const auto& [intent, count] : now.replies) {
    const auto before = from->replies.find(intent);
    const auto base = before == from->replies.end() ? 0 : before->second;
    out.by_intent[intent] = count >= base ? count - base : count;
  }
  return out;
}

}  // namespace advisor::server
