#pragma once
// SIGHUP: rebuild the engine from the data folders and swap it in; a file that does not
// validate keeps the running engine and is counted and logged as refused.

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <functional>

#include "dialogue/engine.hpp"
#include "server/engine_loader.hpp"

namespace spdlog {
class logger;
}

namespace advisor::server {

class chat_service;
class metrics;

class engine_reloader {
 public:
  engine_reloader(boost::asio::io_context& ioc, data_dirs dirs, engine_settings settings,
                  chat_service& chat, metrics& counters, spdlog::logger& log,
                  std::function<void()> on_reloaded = {});

  void start();
  void stop();  // at shutdown: no more reloads

 private:
  void wait();
  void reload();

  boost::asio::signal_set signal_;
  data_dirs dirs_;
  engine_settings settings_;
  chat_service& chat_;
  metrics& counters_;
  spdlog::logger& log_;
  std::function<void()> on_reloaded_;  // after a reload that was accepted (the console)
};

}  // namespace advisor::server
