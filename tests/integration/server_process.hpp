#pragma once
// Starts the real `advisor` binary on a free port and owns it for the length of a test:
// its stdout and stderr are captured (and printed when the test fails), its port is read
// from the `listening on ADDR:PORT` line, it can be signalled, and it is killed when the
// fixture goes out of scope.

#include <sys/types.h>

#include <stdlib.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace advisor::test {

using namespace std::chrono_literals;

// Paths handed to every test by ctest (see tests/CMakeLists.txt).
std::string advisor_binary();      // ADVISOR_BINARY
std::string advisor_source_dir();  // ADVISOR_SOURCE_DIR

struct exit_status {
  bool exited = false;  // true: the process returned `code`; false: a signal ended it
  int code = -1;        // exit code when `exited`
  int signal = 0;       // terminating signal when not `exited`
};

// Command-line flags as (name, value) pairs; a name may repeat (`--allow-origin`).
// A pair with an empty value is passed as a lone flag.
using flag_list = std::vector<std::pair<std::string, std::string>>;
// Environment variables set (or overridden) for the child, on top of the test's own.
using env_list = std::vector<std::pair<std::string, std::string>>;

// A folder of its own for one test (or one server), removed with everything in it.
class temp_dir {
 public:
  temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "advisor-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed for " + pattern);
    }
    path_ = pattern;
  }
  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  temp_dir(temp_dir&&) = delete;
  temp_dir& operator=(temp_dir&&) = delete;

  [[nodiscard]] std::string db() const { return (path_ / "advisor.db").string(); }
  [[nodiscard]] std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

class server_process {
 public:
  // Starts the binary with `--address 127.0.0.1 --port 0` and the project's own web root
  // and data folders, unless `flags` names them itself; then waits (at most
  // `startup_deadline`) for the `listening on` line. Throws std::runtime_error, with the
  // captured output, when the process dies or the line does not come.
  explicit server_process(flag_list flags = {}, std::chrono::milliseconds startup_deadline = 20s);
  // The same, with extra environment variables (e.g. ADVISOR_ADMIN_TOKEN).
  server_process(flag_list flags, env_list env, std::chrono::milliseconds startup_deadline = 20s);
  ~server_process();
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;
  server_process(server_process&&) = delete;
  server_process& operator=(server_process&&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] const std::string& address() const { return address_; }
  // The stdout line the port was read from, verbatim (without the newline).
  [[nodiscard]] const std::string& listening_line() const { return listening_line_; }
  [[nodiscard]] pid_t pid() const { return pid_; }

  void send_signal(int signal_number);
  // Waits for the process to end and reaps it; nullopt when it still runs at the deadline.
  std::optional<exit_status> wait_exit(std::chrono::milliseconds deadline);
  // Waits until the captured output (stdout or stderr) contains `needle`, ignoring case.
  bool wait_for_output(std::string_view needle, std::chrono::milliseconds deadline);
  // Everything the process wrote so far, stdout and stderr interleaved as they arrived.
  [[nodiscard]] std::string output() const;

 private:
  void spawn(const std::vector<std::string>& argv, const env_list& env);
  void read_output();  // the reader thread's loop
  void kill_and_reap();
  void dump_output_if_failed();

  pid_t pid_ = -1;
  int pidfd_ = -1;
  bool reaped_ = false;
  std::optional<exit_status> status_;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  std::thread reader_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string output_;          // guarded by mutex_
  std::string stdout_lines_;    // guarded by mutex_: stdout only, for the listening line
  bool output_closed_ = false;  // guarded by mutex_: both pipes reached end of file

  std::uint16_t port_ = 0;
  std::string address_;
  std::string listening_line_;
  std::string command_line_;
  std::size_t failures_at_start_ = 0;
  // Without --db the server gets a database of its own: tests running side by side never
  // share (or lock) one file.
  std::unique_ptr<temp_dir> own_db_;
};

// What a finished command printed and how it ended.
struct command_result {
  exit_status status;
  std::string out;  // standard output
  std::string err;  // standard error
};

// Runs the `advisor` binary with `args` (e.g. {"leads", "--db", file}) to completion and
// captures its output; throws std::runtime_error when it does not end within `deadline`
// (it is killed then).
command_result run_advisor(const std::vector<std::string>& args, const env_list& env = {},
                           std::chrono::milliseconds deadline = 20s);

}  // namespace advisor::test
