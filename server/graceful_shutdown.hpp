#pragma once
// SIGINT/SIGTERM: stop accepting, run the `on_stop` steps (timers and signal handlers that
// would keep the io_context busy), ask every connection to finish and close (WebSockets
// with 1001 after their pending replies, HTTP after its response), and stop the io_context
// if they have not all gone within the deadline.

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>

namespace spdlog {
class logger;
}

namespace advisor::server {

class connection_registry;
class listener;

class graceful_shutdown {
 public:
  graceful_shutdown(boost::asio::io_context& ioc, std::shared_ptr<listener> server,
                    connection_registry& connections, std::chrono::seconds deadline,
                    std::function<void()> on_stop, spdlog::logger& log);

  // Connections still open past the deadline outlive this object: they no longer call it.
  ~graceful_shutdown();
  graceful_shutdown(const graceful_shutdown&) = delete;
  graceful_shutdown& operator=(const graceful_shutdown&) = delete;

  void start();

 private:
  void begin(int signal);

  boost::asio::io_context& ioc_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer deadline_timer_;
  std::shared_ptr<listener> server_;
  connection_registry& connections_;
  std::chrono::seconds deadline_;
  std::function<void()> on_stop_;
  spdlog::logger& log_;
};

}  // namespace advisor::server
