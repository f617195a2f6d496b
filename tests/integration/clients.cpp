#include "tests/integration/clients.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <stdexcept>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace advisor::test {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

tcp::endpoint loopback(std::uint16_t port) {
  return {net::ip::make_address("127.0.0.1"), port};
}

std::string describe(const beast::error_code& ec) {
  if (ec == beast::error::timeout) {
    return "timeout";
  }
  return ec.message();
}

// Runs one asynchronous operation to completion on `ioc`, bounded by `deadline` through the
// tcp_stream's timer: synchronous to the caller, but never longer than the deadline.
template <class Start>
beast::error_code run_with_deadline(net::io_context& ioc, beast::tcp_stream& stream,
                                    std::chrono::milliseconds deadline, Start&& start) {
  beast::error_code result;
  stream.expires_after(deadline);
  std::forward<Start>(start)([&result](beast::error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  stream.expires_never();
  return result;
}

void connect(net::io_context& ioc, beast::tcp_stream& stream, std::uint16_t port,
             std::chrono::milliseconds deadline) {
  const auto ec = run_with_deadline(ioc, stream, deadline, [&](auto handler) {
    stream.async_connect(loopback(port), std::move(handler));
  });
  if (ec) {
    throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + ": " + describe(ec));
  }
}

// The upgrade request's extra headers: Origin and whatever the test adds.
auto upgrade_headers(const ws_options& options) {
  return [origin = options.origin, headers = options.headers](websocket::request_type& request) {
    if (origin) request.set(http::field::origin, *origin);
    for (const auto& [name, value] : headers) request.insert(name, value);
  };
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

// ---- WebSocket ----------------------------------------------------------------------

struct ws_client::impl {
  net::io_context ioc;
  websocket::stream<beast::tcp_stream> ws{ioc};
  beast::flat_buffer buffer;
  std::chrono::milliseconds deadline{default_io_deadline};
  std::size_t pings = 0;
  std::function<void()> on_ping;

  beast::tcp_stream& tcp() { return beast::get_lowest_layer(ws); }

  void write(std::string_view bytes, bool binary) {
    ws.binary(binary);
    const auto ec = run_with_deadline(ioc, tcp(), deadline, [&](auto handler) {
      ws.async_write(net::buffer(bytes.data(), bytes.size()), std::move(handler));
    });
    ws.text(true);
    if (ec) {
      throw std::runtime_error("websocket write: " + describe(ec));
    }
  }

  // Reads the next data frame; ec set when the read failed.
  beast::error_code read(std::string& out, std::chrono::milliseconds read_deadline) {
    buffer.clear();
    const auto ec = run_with_deadline(ioc, tcp(), read_deadline, [&](auto handler) {
      ws.async_read(buffer, std::move(handler));
    });
    if (!ec) {
      out = beast::buffers_to_string(buffer.data());
    }
    return ec;
  }

  [[noreturn]] void fail_read(const beast::error_code& ec) const {
    std::string what = "websocket read: " + describe(ec);
    if (ws.reason().code != websocket::close_code::none) {
      what += " (close frame, code " + std::to_string(static_cast<int>(ws.reason().code)) +
              ", reason \"" + std::string{ws.reason().reason.c_str()} + "\")";
    }
    throw std::runtime_error(what);
  }
};

ws_client::ws_client(std::uint16_t port, ws_options options) : impl_{std::make_unique<impl>()} {
  impl_->deadline = options.deadline;
  connect(impl_->ioc, impl_->tcp(), port, options.deadline);
  impl_->ws.set_option(websocket::stream_base::decorator(upgrade_headers(options)));
  impl_->ws.control_callback([state = impl_.get()](websocket::frame_type kind, beast::string_view) {
    if (kind == websocket::frame_type::ping) {
      ++state->pings;
      if (state->on_ping) {
        state->on_ping();
      }
    }
  });
  websocket::response_type response;
  const std::string host = "127.0.0.1:" + std::to_string(port);
  const auto ec = run_with_deadline(impl_->ioc, impl_->tcp(), options.deadline, [&](auto handler) {
    impl_->ws.async_handshake(response, host, options.target, std::move(handler));
  });
  if (ec) {
    throw std::runtime_error("websocket handshake " + options.target + ": " + describe(ec) +
                             " (HTTP " + std::to_string(response.result_int()) + ")");
  }
  impl_->ws.text(true);
}

ws_client::~ws_client() {
  if (impl_) {
    beast::error_code ignored;
    impl_->tcp().socket().close(ignored);
  }
}

ws_client::ws_client(ws_client&&) noexcept = default;
ws_client& ws_client::operator=(ws_client&&) noexcept = default;

void ws_client::send_text(std::string_view text) {
  impl_->write(text, false);
}
void ws_client::send_json(const json& value) {
  impl_->write(value.dump(), false);
}
void ws_client::send_binary(std::string_view bytes) {
  impl_->write(bytes, true);
}

void ws_client::send_raw(std::string_view bytes) {
  const auto ec = run_with_deadline(impl_->ioc, impl_->tcp(), impl_->deadline, [&](auto handler) {
    net::async_write(impl_->tcp(), net::buffer(bytes.data(), bytes.size()), std::move(handler));
  });
  if (ec) {
    throw std::runtime_error("raw write: " + describe(ec));
  }
}

std::string ws_client::read_text() {
  std::string text;
  if (const auto ec = impl_->read(text, impl_->deadline)) {
    impl_->fail_read(ec);
  }
  if (!impl_->ws.got_text()) {
    throw std::runtime_error("the server sent a binary frame");
  }
  return text;
}

json ws_client::read_json() {
  const std::string text = read_text();
  json value = json::parse(text, nullptr, false);
  if (value.is_discarded()) {
    throw std::runtime_error("the server sent a frame that is not JSON: " + text);
  }
  return value;
}

close_result ws_client::read_until_close() {
  close_result result;
  for (;;) {
    std::string text;
    const auto ec = impl_->read(text, impl_->deadline);
    if (!ec) {
      result.data.push_back(std::move(text));
      continue;
    }
    result.code = static_cast<int>(impl_->ws.reason().code);
    if (ec == websocket::error::closed) {
      result.close_frame = true;
    } else {
      result.error = describe(ec);
    }
    return result;
  }
}

json ws_client::read_after_server_pings(std::size_t count, std::chrono::milliseconds deadline) {
  const std::size_t target = impl_->pings + count;
  bool sent = false;
  beast::error_code write_error;
  const std::string ping = R"({"type":"ping"})";
  impl_->on_ping = [&] {
    if (sent || impl_->pings < target) {
      return;
    }
    sent = true;
    // Posted, so the write starts after the read operation has answered the ping.
    net::post(impl_->ioc, [&] {
      impl_->ws.async_write(net::buffer(ping),
                            [&](beast::error_code ec, std::size_t) { write_error = ec; });
    });
  };
  std::string text;
  const auto ec = impl_->read(text, deadline);
  impl_->on_ping = nullptr;
  if (ec) {
    std::string what =
        "after " + std::to_string(impl_->pings - (target - count)) + " server pings: ";
    try {
      impl_->fail_read(ec);
    } catch (const std::runtime_error& error) {
      what += error.what();
    }
    throw std::runtime_error(what);
  }
  if (!sent) {
    throw std::runtime_error("a data frame arrived before the server's pings: " + text);
  }
  if (write_error) {
    throw std::runtime_error("websocket write: " + describe(write_error));
  }
  json value = json::parse(text, nullptr, false);
  if (value.is_discarded()) {
    throw std::runtime_error("the server sent a frame that is not JSON: " + text);
  }
  return value;
}

std::size_t ws_client::server_pings() const {
  return impl_->pings;
}

void ws_client::close() {
  const auto ec = run_with_deadline(impl_->ioc, impl_->tcp(), impl_->deadline, [&](auto handler) {
    impl_->ws.async_close(websocket::close_code::normal, std::move(handler));
  });
  if (ec) {
    throw std::runtime_error("websocket close: " + describe(ec));
  }
}

handshake_result try_handshake(std::uint16_t port, const ws_options& options) {
  net::io_context ioc;
  websocket::stream<beast::tcp_stream> ws{ioc};
  handshake_result result;
  connect(ioc, beast::get_lowest_layer(ws), port, options.deadline);
  ws.set_option(websocket::stream_base::decorator(upgrade_headers(options)));
  websocket::response_type response;
  const std::string host = "127.0.0.1:" + std::to_string(port);
  const auto ec =
      run_with_deadline(ioc, beast::get_lowest_layer(ws), options.deadline, [&](auto handler) {
        ws.async_handshake(response, host, options.target, std::move(handler));
      });
  result.upgraded = !ec;
  result.status = static_cast<int>(response.result_int());
  if (ec) {
    result.error = describe(ec);
  }
  beast::error_code ignored;
  beast::get_lowest_layer(ws).socket().close(ignored);
  return result;
}

// ---- HTTP ---------------------------------------------------------------------------

std::string http_response::header(const std::string& lower_name) const {
  const auto found = headers.find(lower_name);
  return found == headers.end() ? std::string{} : found->second;
}

http_response http_request(std::uint16_t port, std::string_view method, std::string_view target,
                           std::string body, std::string content_type,
                           std::chrono::milliseconds deadline) {
  http_options options;
  options.body = std::move(body);
  options.content_type = std::move(content_type);
  options.deadline = deadline;
  return http_send(port, method, target, options);
}

http_response http_send(std::uint16_t port, std::string_view method, std::string_view target,
                        const http_options& options) {
  const auto deadline = options.deadline;
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  connect(ioc, stream, port, deadline);

  http::request<http::string_body> request;
  request.version(11);
  request.method_string(method);
  request.target(target);
  request.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  request.set(http::field::user_agent, "advisor-integration-test");
  if (!options.body.empty() || method == "POST") {
    request.set(http::field::content_type, options.content_type);
  }
  for (const auto& [name, value] : options.headers) {
    request.set(name, value);
  }
  request.body() = options.body;
  request.prepare_payload();

  auto ec = run_with_deadline(ioc, stream, deadline, [&](auto handler) {
    http::async_write(stream, request, std::move(handler));
  });
  if (ec) {
    throw std::runtime_error("http write " + std::string{target} + ": " + describe(ec));
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 * 1024 * 1024);
  ec = run_with_deadline(ioc, stream, deadline, [&](auto handler) {
    http::async_read(stream, buffer, parser, std::move(handler));
  });
  if (ec) {
    throw std::runtime_error("http read " + std::string{target} + ": " + describe(ec));
  }
  http_response result;
  const auto& message = parser.get();
  result.status = static_cast<int>(message.result_int());
  for (const auto& field : message) {
    result.headers[lower(std::string{field.name_string()})] = std::string{field.value()};
  }
  result.body = message.body();
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return result;
}

// ---- Frames -------------------------------------------------------------------------

std::string client_frame(std::uint8_t opcode, std::string_view payload, bool fin) {
  std::string frame;
  frame += static_cast<char>((fin ? 0x80 : 0x00) | (opcode & 0x0f));
  const std::size_t size = payload.size();
  if (size < 126) {
    frame += static_cast<char>(0x80 | size);
  } else if (size <= 0xffff) {
    frame += static_cast<char>(0x80 | 126);
    frame += static_cast<char>((size >> 8) & 0xff);
    frame += static_cast<char>(size & 0xff);
  } else {
    frame += static_cast<char>(0x80 | 127);
    for (int shift = 56; shift >= 0; shift -= 8) {
      frame += static_cast<char>((size >> shift) & 0xff);
    }
  }
  const unsigned char mask[4] = {0x37, 0xfa, 0x21, 0x3d};
  for (const unsigned char byte : mask) {
    frame += static_cast<char>(byte);
  }
  for (std::size_t i = 0; i < size; ++i) {
    frame += static_cast<char>(static_cast<unsigned char>(payload[i]) ^ mask[i % 4]);
  }
  return frame;
}

std::vector<std::uint8_t> server_frame_opcodes(std::string_view bytes) {
  std::vector<std::uint8_t> opcodes;
  std::size_t at = 0;
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
  while (at + 2 <= bytes.size()) {
    const std::uint8_t opcode = byte(at) & 0x0f;
    std::uint64_t length = byte(at + 1) & 0x7f;
    const bool masked = (byte(at + 1) & 0x80) != 0;
    std::size_t header = 2;
    if (length == 126 || length == 127) {
      const std::size_t extra = length == 126 ? 2 : 8;
      if (at + 2 + extra > bytes.size()) {
        break;
      }
      length = 0;
      for (std::size_t i = 0; i < extra; ++i) {
        length = (length << 8) | byte(at + 2 + i);
      }
      header += extra;
    }
    header += masked ? 4 : 0;
    if (at + header + length > bytes.size()) {
      break;
    }
    opcodes.push_back(opcode);
    at += header + static_cast<std::size_t>(length);
  }
  return opcodes;
}

std::string upgrade_request(std::uint16_t port, std::string_view target) {
  return "GET " + std::string{target} + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
         "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
}

// ---- Raw TCP ------------------------------------------------------------------------

struct raw_client::impl {
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  std::string pending;  // read but not yet returned
};

raw_client::raw_client(std::uint16_t port) : impl_{std::make_unique<impl>()} {
  connect(impl_->ioc, impl_->stream, port, default_io_deadline);
}

raw_client::~raw_client() {
  if (impl_) {
    beast::error_code ignored;
    impl_->stream.socket().close(ignored);
  }
}

raw_client::raw_client(raw_client&&) noexcept = default;
raw_client& raw_client::operator=(raw_client&&) noexcept = default;

void raw_client::write(std::string_view bytes) {
  const auto ec =
      run_with_deadline(impl_->ioc, impl_->stream, default_io_deadline, [&](auto handler) {
        net::async_write(impl_->stream, net::buffer(bytes.data(), bytes.size()),
                         std::move(handler));
      });
  if (ec) {
    throw std::runtime_error("raw write: " + describe(ec));
  }
}

std::string raw_client::read_until(std::string_view delimiter, std::chrono::milliseconds deadline) {
  std::size_t found = 0;
  const auto ec = run_with_deadline(impl_->ioc, impl_->stream, deadline, [&](auto handler) {
    net::async_read_until(
        impl_->stream, net::dynamic_buffer(impl_->pending), std::string{delimiter},
        [&found, handler = std::move(handler)](beast::error_code e, std::size_t n) mutable {
          found = n;
          handler(e);
        });
  });
  if (ec) {
    throw std::runtime_error("raw read until \"" + std::string{delimiter} + "\": " + describe(ec) +
                             " after \"" + impl_->pending + "\"");
  }
  std::string head = impl_->pending.substr(0, found);
  impl_->pending.erase(0, found);
  return head;
}

raw_client::until_closed raw_client::read_until_closed(std::chrono::milliseconds deadline) {
  until_closed result;
  result.data = std::move(impl_->pending);
  impl_->pending.clear();
  std::array<char, 4096> chunk{};
  beast::error_code final_error;
  std::function<void()> read_more = [&] {
    impl_->stream.async_read_some(net::buffer(chunk), [&](beast::error_code ec, std::size_t n) {
      result.data.append(chunk.data(), n);
      if (ec) {
        final_error = ec;
        return;
      }
      read_more();
    });
  };
  run_with_deadline(impl_->ioc, impl_->stream, deadline, [&](auto) { read_more(); });
  if (final_error == net::error::eof || final_error == net::error::connection_reset) {
    result.closed = true;
  } else {
    result.error = describe(final_error);
  }
  return result;
}

}  // namespace advisor::test
