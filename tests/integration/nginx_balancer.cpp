#include "tests/integration/nginx_balancer.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/integration/clients.hpp"
#include "tests/integration/webhook_receiver.hpp"

namespace advisor::test {
namespace {

namespace fs = std::filesystem;
const fs::path nginx_binary = "/usr/sbin/nginx";

std::string config(const fs::path& dir, std::uint16_t port,
                   const std::vector<std::uint16_t>& upstream_ports) {
  std::ostringstream out;
  const auto d = dir.string();
  // As root, workers switch to an unprivileged user (nginx's default group may not exist).
  if (::geteuid() == 0) out << "user nobody nogroup;\n";
  out << "daemon off;\nmaster_process on;\nworker_processes 1;\npid " << d << "/nginx.pid;\n"
      << "error_log " << d << "/error.log info;\n"
      << "events { worker_connections 512; }\n"
      << "http {\n  access_log off;\n"
      << "  client_body_temp_path " << d << "/body;\n  proxy_temp_path " << d << "/proxy;\n"
      << "  fastcgi_temp_path " << d << "/fastcgi;\n  uwsgi_temp_path " << d << "/uwsgi;\n"
      << "  scgi_temp_path " << d << "/scgi;\n"
      << "  upstream advisor {\n";
  for (const auto p : upstream_ports) {
    out << "    server 127.0.0.1:" << p << " max_fails=1 fail_timeout=30s;\n";
  }
  out << "  }\n"
      << "  map $http_upgrade $advisor_connection { default upgrade; '' close; }\n"
      << "  server {\n    listen 127.0.0.1:" << port << ";\n    location / {\n"
      << "      proxy_pass http://advisor;\n      proxy_http_version 1.1;\n"
      << "      proxy_set_header Upgrade $http_upgrade;\n"
      << "      proxy_set_header Connection $advisor_connection;\n"
      << "      proxy_set_header Host $host;\n"
      << "      proxy_read_timeout 360s;\n      proxy_send_timeout 360s;\n"
      << "      proxy_connect_timeout 2s;\n"
      << "      proxy_next_upstream error timeout http_502 http_503;\n"
      << "      proxy_buffering off;\n    }\n  }\n}\n";
  return out.str();
}

}  // namespace

std::optional<std::string> nginx_balancer::why_not() {
  if (!fs::exists(nginx_binary)) {
    return "nginx is not installed; scripts/install-deps --test installs it";
  }
  return std::nullopt;
}

nginx_balancer::nginx_balancer(const std::vector<std::uint16_t>& upstream_ports) {
  if (auto why = why_not()) throw std::runtime_error(*why);
  std::string pattern = (fs::temp_directory_path() / "advisor-nginx-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  // Workers run as nobody when the test runs as root: they may write temporary files here.
  fs::permissions(dir_, fs::perms::all, fs::perm_options::replace);
  port_ = unused_port();
  std::ofstream{dir_ / "nginx.conf"} << config(dir_, port_, upstream_ports);
  const auto conf = (dir_ / "nginx.conf").string();
  const auto prefix = dir_.string() + "/";
  const auto log = (dir_ / "error.log").string();
  pid_ = ::fork();
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // gone with a test killed by its timeout
    ::execl(nginx_binary.c_str(), "nginx", "-p", prefix.c_str(), "-c", conf.c_str(), "-e",
            log.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Ready when a request goes through to an instance.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds{20};
  for (;;) {
    try {
      if (http_request(port_, "GET", "/healthz", {}, "application/json", std::chrono::seconds{2})
              .status == 200) {
        return;
      }
    } catch (const std::exception&) {
      // Not listening yet.
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("nginx exited: " + error_log());
    }
    if (std::chrono::steady_clock::now() > until) {
      throw std::runtime_error("nginx did not pass /healthz through: " + error_log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
}

nginx_balancer::~nginx_balancer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);  // fast: a graceful quit would wait for open WebSockets
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string nginx_balancer::error_log() const {
  std::ifstream in{dir_ / "error.log"};
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace advisor::test
