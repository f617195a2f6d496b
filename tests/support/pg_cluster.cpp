#include "tests/support/pg_cluster.hpp"

#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

namespace advisor::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path bin_dir = "/usr/lib/postgresql/15/bin";
constexpr uid_t nobody = 65534;
constexpr gid_t nogroup = 65534;

bool as_root() {
  return ::geteuid() == 0;
}

// Every file under `path` handed to the user the server runs as.
void give_away(const fs::path& path) {
  if (!as_root()) return;
  if (::lchown(path.c_str(), nobody, nogroup) != 0) {
    throw pg_cluster_unavailable{"cannot chown " + path.string()};
  }
  if (!fs::is_directory(path)) return;
  for (const auto& entry : fs::recursive_directory_iterator(path)) {
    (void)::lchown(entry.path().c_str(), nobody, nogroup);
  }
}

// Runs `argv` (as nobody when root) with output to `log`; returns the child's pid.
pid_t launch(const std::vector<std::string>& argv, const fs::path& log) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw pg_cluster_unavailable{"fork failed"};
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0666);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    if (as_root() &&
        (::setgroups(0, nullptr) != 0 || ::setgid(nogroup) != 0 || ::setuid(nobody) != 0)) {
      ::_exit(126);
    }
    // A test killed by its timeout takes its server along instead of leaving it running.
    ::prctl(PR_SET_PDEATHSIG, SIGINT);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  return status;
}

std::string read_file(const fs::path& path) {
  std::ifstream in{path};
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

fs::path unique_dir(const std::string& prefix) {
  std::string pattern = (fs::temp_directory_path() / (prefix + "XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) throw pg_cluster_unavailable{"mkdtemp failed"};
  return pattern;
}

// initdb is slow (seconds); its result is kept once per machine and user and copied.
fs::path template_cluster() {
  const auto cached =
      fs::temp_directory_path() / ("advisor-pg15-template-" + std::to_string(::geteuid()));
  if (fs::exists(cached / "PG_VERSION")) return cached;
  const auto work = unique_dir("advisor-pg-initdb-");
  give_away(work);
  const auto data = work / "data";
  const auto log = work / "initdb.log";
  const auto status =
      wait_for(launch({(bin_dir / "initdb").string(), "-D", data.string(), "-U", "advisor",
                       "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"},
                      log));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    const auto why = read_file(log);
    fs::remove_all(work);
    throw pg_cluster_unavailable{"initdb failed: " + why};
  }
  std::error_code ec;
  fs::rename(data, cached, ec);  // atomic; another test process may have won the race
  fs::remove_all(work, ec);
  return cached;
}

}  // namespace

std::optional<std::string> pg_cluster::why_not() {
  if (!fs::exists(bin_dir / "postgres") || !fs::exists(bin_dir / "initdb")) {
    return "PostgreSQL 15 is not installed (" + bin_dir.string() +
           "); scripts/install-deps --test installs it";
  }
  return std::nullopt;
}

pg_cluster::pg_cluster() {
  if (auto why = why_not()) throw pg_cluster_unavailable{*why};
  dir_ = unique_dir("advisor-pg-");
  fs::copy(template_cluster(), dir_ / "data", fs::copy_options::recursive);
  fs::permissions(dir_ / "data", fs::perms::owner_all, fs::perm_options::replace);
  fs::create_directories(dir_ / "sock");
  give_away(dir_);
  start();
}

pg_cluster::~pg_cluster() {
  try {
    stop();
  } catch (const std::exception&) {
    // The folder goes anyway.
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void pg_cluster::spawn() {
  pid_ = launch({(bin_dir / "postgres").string(), "-D", (dir_ / "data").string(), "-k",
                 (dir_ / "sock").string(), "-c", "listen_addresses=", "-c", "fsync=off", "-c",
                 "full_page_writes=off", "-c", "max_connections=100"},
                dir_ / "postgres.log");
}

void pg_cluster::start() {
  if (running()) return;
  spawn();
  wait_ready(30s);
}

void pg_cluster::stop() {
  if (!running()) return;
  ::kill(pid_, SIGINT);  // fast shutdown: clients are disconnected, nothing waits
  wait_for(pid_);
  pid_ = -1;
}

void pg_cluster::wait_ready(std::chrono::milliseconds deadline) const {
  const auto until = std::chrono::steady_clock::now() + deadline;
  const auto conninfo = uri("postgres");
  while (PQping(conninfo.c_str()) != PQPING_OK) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      throw pg_cluster_unavailable{"postgres exited: " + read_file(dir_ / "postgres.log")};
    }
    if (std::chrono::steady_clock::now() > until) {
      throw pg_cluster_unavailable{"postgres did not accept connections: " +
                                   read_file(dir_ / "postgres.log")};
    }
    std::this_thread::sleep_for(20ms);  // polling the server's own readiness answer
  }
}

std::string pg_cluster::uri(const std::string& name) const {
  return "postgresql:///" + name + "?host=" + (dir_ / "sock").string() + "&user=advisor";
}

std::string pg_cluster::create_database() {
  const auto name = "advisor_" + std::to_string(++databases_);
  const std::unique_ptr<PGconn, decltype(&PQfinish)> conn{PQconnectdb(uri("postgres").c_str()),
                                                          &PQfinish};
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    throw pg_cluster_unavailable{std::string{"cannot connect: "} + PQerrorMessage(conn.get())};
  }
  // An identifier of our own making: identifiers cannot be statement parameters.
  const std::unique_ptr<PGresult, decltype(&PQclear)> result{
      PQexec(conn.get(), ("CREATE DATABASE " + name).c_str()), &PQclear};
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    throw pg_cluster_unavailable{std::string{"CREATE DATABASE failed: "} +
                                 PQerrorMessage(conn.get())};
  }
  return uri(name);
}

}  // namespace advisor::test
