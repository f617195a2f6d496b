#include "tests/integration/server_process.hpp"

#include <algorithm>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <stdexcept>

// The listener base class is one of Catch2's external interfaces.
#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include <catch2/catch.hpp>

extern char** environ;

namespace advisor::test {

namespace {

// Failed assertions so far in this process; a fixture that sees the number grow during
// its lifetime prints the server's output, which is where the reason usually is.
std::atomic<std::size_t> failed_assertions{0};

struct failure_counter : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;
  bool assertionEnded(const Catch::AssertionStats& stats) override {
    if (!stats.assertionResult.succeeded()) {
      ++failed_assertions;
    }
    return true;
  }
};

// The environment wins (ctest sets it); the build's own paths are the fallback.
std::string env_or(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

std::string errno_text(const char* what) {
  return std::string{what} + ": " + std::strerror(errno);
}

exit_status decode(int raw) {
  exit_status status;
  if (WIFEXITED(raw)) {
    status.exited = true;
    status.code = WEXITSTATUS(raw);
  } else if (WIFSIGNALED(raw)) {
    status.signal = WTERMSIG(raw);
  }
  return status;
}

std::string lower(std::string text) {
  for (char& c : text) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return text;
}

int pidfd_open(pid_t pid) {
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
}

// This process's environment with `extra` set on top ("NAME=value" strings).
std::vector<std::string> child_environment(const env_list& extra) {
  std::vector<std::string> out;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view item{*entry};
    const std::string_view name = item.substr(0, item.find('='));
    bool replaced = false;
    for (const auto& [key, value] : extra) {
      replaced = replaced || key == name;
    }
    if (!replaced) {
      out.emplace_back(item);
    }
  }
  for (const auto& [key, value] : extra) {
    out.push_back(key + "=" + value);
  }
  return out;
}

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (const auto& s : strings) {
    out.push_back(const_cast<char*>(s.c_str()));
  }
  out.push_back(nullptr);
  return out;
}

}  // namespace

CATCH_REGISTER_LISTENER(failure_counter)

std::string advisor_binary() {
  return env_or("ADVISOR_BINARY", ADVISOR_BINARY_FALLBACK);
}
std::string advisor_source_dir() {
  return env_or("ADVISOR_SOURCE_DIR", ADVISOR_SOURCE_DIR_FALLBACK);
}

server_process::server_process(flag_list flags, std::chrono::milliseconds startup_deadline)
    : server_process{std::move(flags), env_list{}, startup_deadline} {}

server_process::server_process(flag_list flags, env_list env,
                               std::chrono::milliseconds startup_deadline)
    : failures_at_start_{failed_assertions.load()} {
  const std::string source = advisor_source_dir();
  const flag_list defaults = {
      {"--address", "127.0.0.1"},
      {"--port", "0"},
      {"--web-root", source + "/web"},
      {"--intents-dir", source + "/intents/data"},
      {"--knowledge-dir", source + "/knowledge/data"},
  };
  std::vector<std::string> argv{advisor_binary()};
  const bool has_db = std::any_of(flags.begin(), flags.end(),
                                  [](const auto& flag) { return flag.first == "--db"; });
  if (!has_db) {
    own_db_ = std::make_unique<temp_dir>();
    flags.emplace_back("--db", own_db_->db());
  }
  for (const auto& [name, value] : defaults) {
    bool overridden = false;
    for (const auto& flag : flags) {
      overridden = overridden || flag.first == name;
    }
    if (!overridden) {
      flags.emplace_back(name, value);
    }
  }
  for (const auto& [name, value] : flags) {
    argv.push_back(name);
    if (!value.empty()) {
      argv.push_back(value);
    }
  }
  for (const auto& arg : argv) {
    command_line_ += (command_line_.empty() ? "" : " ") + arg;
  }

  spawn(argv, env);
  reader_ = std::thread{[this] { read_output(); }};

  // Wait for the listening line, the end of the output (the process died) or the deadline.
  std::unique_lock lock{mutex_};
  const auto found = [this] {
    return stdout_lines_.find("listening on ") != std::string::npos &&
           stdout_lines_.find('\n', stdout_lines_.find("listening on ")) != std::string::npos;
  };
  changed_.wait_for(lock, startup_deadline, [&] { return found() || output_closed_; });
  if (!found()) {
    const std::string seen = output_;
    lock.unlock();
    kill_and_reap();
    throw std::runtime_error("advisor did not print `listening on ADDR:PORT` within " +
                             std::to_string(startup_deadline.count()) +
                             " ms\ncommand: " + command_line_ + "\noutput:\n" + seen);
  }
  const std::size_t begin = stdout_lines_.rfind('\n', stdout_lines_.find("listening on "));
  const std::size_t line_begin = begin == std::string::npos ? 0 : begin + 1;
  const std::size_t line_end = stdout_lines_.find('\n', line_begin);
  listening_line_ = stdout_lines_.substr(line_begin, line_end - line_begin);
  lock.unlock();

  std::string endpoint = listening_line_.substr(listening_line_.find("listening on ") + 13);
  while (!endpoint.empty() && (endpoint.back() == '\r' || endpoint.back() == ' ')) {
    endpoint.pop_back();
  }
  const std::size_t colon = endpoint.rfind(':');
  int port = 0;
  if (colon != std::string::npos) {
    address_ = endpoint.substr(0, colon);
    try {
      port = std::stoi(endpoint.substr(colon + 1));
    } catch (const std::exception&) {
      port = 0;
    }
  }
  if (port <= 0 || port > 65535) {
    kill_and_reap();
    throw std::runtime_error("cannot read a port from the line `" + listening_line_ +
                             "`\noutput:\n" + output());
  }
  port_ = static_cast<std::uint16_t>(port);
}

server_process::~server_process() {
  kill_and_reap();
  // In the sanitizer build (scripts/test) a report from the server fails the test that ran it,
  // even when the report came after the test's last check.
  const std::string seen = output();
  const bool sanitizer_report = seen.find("ERROR: AddressSanitizer") != std::string::npos ||
                                seen.find("ERROR: LeakSanitizer") != std::string::npos ||
                                seen.find("WARNING: ThreadSanitizer") != std::string::npos ||
                                seen.find(": runtime error: ") != std::string::npos;
  CHECK_FALSE(sanitizer_report);
  dump_output_if_failed();
}

namespace {

struct spawned {
  pid_t pid = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
};

// Starts argv[0] with stdin from /dev/null and stdout/stderr on two pipes read by the test.
spawned spawn_child(const std::vector<std::string>& argv, const env_list& env) {
  int out[2] = {-1, -1};
  int err[2] = {-1, -1};
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error(errno_text("pipe2"));
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(out[0]);
    ::close(out[1]);
    throw std::runtime_error(errno_text("pipe2"));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  std::vector<char*> args = c_strings(argv);
  const std::vector<std::string> environment = child_environment(env);
  std::vector<char*> envp = c_strings(environment);
  spawned child;
  const int rc = ::posix_spawn(&child.pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  ::close(err[1]);
  if (rc != 0) {
    ::close(out[0]);
    ::close(err[0]);
    throw std::runtime_error("posix_spawn " + argv[0] + ": " + std::strerror(rc));
  }
  child.stdout_fd = out[0];
  child.stderr_fd = err[0];
  return child;
}

}  // namespace

void server_process::spawn(const std::vector<std::string>& argv, const env_list& env) {
  const auto child = spawn_child(argv, env);
  pid_ = child.pid;
  stdout_fd_ = child.stdout_fd;
  stderr_fd_ = child.stderr_fd;
  pidfd_ = pidfd_open(pid_);  // -1 on kernels without pidfd_open; wait_exit copes
}

void server_process::read_output() {
  pollfd fds[2] = {{stdout_fd_, POLLIN, 0}, {stderr_fd_, POLLIN, 0}};
  int open_fds = 2;
  char buffer[4096];
  while (open_fds > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      break;
    }
    for (auto& fd : fds) {
      if (fd.fd < 0 || fd.revents == 0) {
        continue;
      }
      const ssize_t n = ::read(fd.fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        ::close(fd.fd);
        fd.fd = -1;
        --open_fds;
        continue;
      }
      const std::string_view chunk{buffer, static_cast<std::size_t>(n)};
      {
        const std::lock_guard lock{mutex_};
        output_ += chunk;
        if (&fd == &fds[0]) {
          stdout_lines_ += chunk;
        }
      }
      changed_.notify_all();
    }
  }
  {
    const std::lock_guard lock{mutex_};
    output_closed_ = true;
  }
  changed_.notify_all();
}

void server_process::send_signal(int signal_number) {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, signal_number);
  }
}

std::optional<exit_status> server_process::wait_exit(std::chrono::milliseconds deadline) {
  if (reaped_) {
    return status_;
  }
  if (pid_ <= 0) {
    return std::nullopt;
  }
  if (pidfd_ >= 0) {
    // The pidfd becomes readable when the process ends: an event, not a polling loop.
    pollfd fd{pidfd_, POLLIN, 0};
    const auto until = std::chrono::steady_clock::now() + deadline;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
      const int rc = ::poll(&fd, 1, static_cast<int>(std::max<long long>(left.count(), 0)));
      if (rc > 0) {
        break;
      }
      if (rc == 0 || errno != EINTR) {
        return std::nullopt;
      }
    }
  } else {
    // Without pidfd: the child's pipes close when it exits.
    std::unique_lock lock{mutex_};
    if (!changed_.wait_for(lock, deadline, [this] { return output_closed_; })) {
      return std::nullopt;
    }
  }
  int raw = 0;
  if (::waitpid(pid_, &raw, 0) != pid_) {
    return std::nullopt;
  }
  reaped_ = true;
  status_ = decode(raw);
  return status_;
}

bool server_process::wait_for_output(std::string_view needle, std::chrono::milliseconds deadline) {
  const auto found = [this, wanted = lower(std::string{needle})] {
    return lower(output_).find(wanted) != std::string::npos;
  };
  std::unique_lock lock{mutex_};
  changed_.wait_for(lock, deadline, [&] { return found() || output_closed_; });
  return found();
}

std::string server_process::output() const {
  const std::lock_guard lock{mutex_};
  return output_;
}

void server_process::kill_and_reap() {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGKILL);
    int raw = 0;
    while (::waitpid(pid_, &raw, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    status_ = decode(raw);
  }
  if (reader_.joinable()) {
    reader_.join();
  }
  if (pidfd_ >= 0) {
    ::close(pidfd_);
    pidfd_ = -1;
  }
}

void server_process::dump_output_if_failed() {
  if (failed_assertions.load() == failures_at_start_ && std::uncaught_exceptions() == 0) {
    return;
  }
  std::cerr << "---- advisor output (" << command_line_ << ") ----\n"
            << output() << "\n---- end of advisor output ----\n";
}

command_result run_advisor(const std::vector<std::string>& args, const env_list& env,
                           std::chrono::milliseconds deadline) {
  std::vector<std::string> argv{advisor_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto child = spawn_child(argv, env);
  const pid_t pid = child.pid;

  // Read both pipes until the child closes them (it exits) or the deadline passes.
  command_result result;
  pollfd fds[2] = {{child.stdout_fd, POLLIN, 0}, {child.stderr_fd, POLLIN, 0}};
  int open_fds = 2;
  bool timed_out = false;
  char buffer[4096];
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (open_fds > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    const int ready = ::poll(fds, 2, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready <= 0) {
      timed_out = ready == 0;
      break;
    }
    for (std::size_t i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) {
        continue;
      }
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
        continue;
      }
      (i == 0 ? result.out : result.err).append(buffer, static_cast<std::size_t>(n));
    }
  }
  for (auto& fd : fds) {
    if (fd.fd >= 0) {
      ::close(fd.fd);
    }
  }
  if (timed_out) {
    ::kill(pid, SIGKILL);
  }
  int raw = 0;
  while (::waitpid(pid, &raw, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    std::string command;
    for (const auto& arg : argv) {
      command += (command.empty() ? "" : " ") + arg;
    }
    throw std::runtime_error("`" + command + "` did not finish within " +
                             std::to_string(deadline.count()) + " ms; output so far:\n" +
                             result.out + result.err);
  }
  result.status = decode(raw);
  return result;
}

}  // namespace advisor::test
