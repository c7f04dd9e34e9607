// src/server/http_session.cpp
//
// The Beast HTTP translation unit: HTTP parsing and serialisation stay here, and everything it
// decides is delegated to dispatch() (a WebSocket upgrade to the endpoint, in ws_session.cpp).
#include "server/http_session.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <limits>
#include <memory>
#include <optional>

#include <boost/asio/dispatch.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "server/dispatcher.hpp"
#include "server/sse_stream_impl.hpp"
#include "server/ws_endpoint_impl.hpp"
#include "server/ws_protocol.hpp"

namespace livedash::server {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;

//! After a response that ends the connection, how long we keep reading (and discarding) what the
//! client still sends, so that closing does not reset the connection before it reads the response.
constexpr std::chrono::seconds kLingerTime{1};

bool isHttpParseError(const error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_method).category();
}

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket socket, const ServerContext& ctx, size_t thread)
      : stream_(std::move(socket)), ctx_(ctx), thread_(thread) {}

  void run() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->admit(); });
  }

 private:
  //! Counts the connection against its address's cap; past it, a JSON 429 and close.
  void admit() {
    error_code ec;
    tcp::endpoint remote = stream_.socket().remote_endpoint(ec);
    if (!ec) {
      remote_address_ = remote.address().to_string();
    }
    if (ctx_.connections->tryAcquire(remote_address_, slot_)) {
      doRead();
      return;
    }
    send(errorResponse(ctx_, {}, core::ErrorCode::TooManyConnections,
                       "too many connections from " + remote_address_ + " (at most " +
                           std::to_string(ctx_.connections->maxPerAddress()) + ")"),
         false, false, 11);
  }

  void doRead() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(std::min<size_t>(
        ctx_.options.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
    parser_->body_limit(ctx_.options.max_body_bytes);
    stream_.expires_after(std::chrono::seconds(ctx_.options.idle_timeout_seconds));
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](const error_code& ec, size_t) { self->onRead(ec); });
  }

  void onRead(const error_code& ec) {
    if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
        ec == beast::error::timeout) {
      closeSocket();
    } else if (ec == http::error::body_limit) {
      sendParseError(
          core::ErrorCode::PayloadTooLarge,
          "request body is larger than " + std::to_string(ctx_.options.max_body_bytes) + " bytes");
    } else if (ec == http::error::header_limit) {
      sendParseError(core::ErrorCode::HeaderTooLarge,
                     "request header is larger than " +
                         std::to_string(ctx_.options.max_header_bytes) + " bytes");
    } else if (isHttpParseError(ec)) {
      sendParseError(core::ErrorCode::BadRequest, "malformed request: " + ec.message());
    } else if (ec) {
      fail(ec);
    } else {
      handleRequest();
    }
  }

  void sendParseError(core::ErrorCode code, const std::string& message) {
    std::string_view origin;
    if (parser_ && parser_->is_header_done()) {
      origin = parser_->get()[http::field::origin];
    }
    send(errorResponse(ctx_, origin, code, message), false, false, 11);
  }

  void handleRequest() {
    http::request<http::string_body> req = parser_->release();
    parser_.reset();
    HttpRequest request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    for (const auto& field : req) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      request.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    request.body = std::move(req.body());
    request.remote_address = remote_address_;
    if (ctx_.websocket && ctx_.websocket->servesPath(request)) {
      upgradeToWebSocket(std::move(request), req.keep_alive(), req.version());
      return;
    }
    Dispatch d = dispatch(ctx_, request);
    if (d.sse) {
      stream_.expires_never();
      d.sse->connect(thread_, stream_.release_socket(),
                     SseSubscribe{std::move(d.response.headers), std::move(d.resume),
                                  std::move(d.sse_queries), std::move(slot_)});
      return;  // this session ends; the socket now belongs to the SSE session
    }
    send(std::move(d.response), d.omit_body, req.keep_alive(), req.version());
  }

  void upgradeToWebSocket(HttpRequest request, bool keep_alive, unsigned version) {
    if (!isWebSocketUpgrade(request)) {
      send(errorResponse(ctx_, request.header("origin"), core::ErrorCode::BadRequest,
                         request.path + " is a WebSocket endpoint: send an upgrade request"),
           false, keep_alive, version);
      return;
    }
    // Authorized once for the connection's life (header, or `access_token`: browsers cannot
    // set headers on a WebSocket); the session gets the caller's token in request.token.
    AuthDecision who = ctx_.auth.checkWebSocketUpgrade(request);
    if (!who.allowed()) {
      HttpResponse refusal = who.errorResponse();
      ctx_.cors.addOriginHeaders(request.header("origin"), refusal.headers);
      send(std::move(refusal), false, false, version);
      return;
    }
    request.token = who.token;
    stream_.expires_never();
    ctx_.websocket->connect(thread_, stream_.release_socket(), std::move(request),
                            std::move(slot_));
    // This session ends; the socket now belongs to the WebSocket session.
  }

  void send(HttpResponse r, bool omit_body, bool keep_alive, unsigned version) {
    response_ = {};
    response_.version(version);
    response_.result(static_cast<unsigned>(r.status));
    response_.set(http::field::server, "livedash");
    if (!r.content_type.empty()) {
      response_.set(http::field::content_type, r.content_type);
    }
    for (const auto& [name, value] : r.headers) {
      response_.insert(name, value);
    }
    response_.keep_alive(keep_alive);
    if (r.status >= 200 && r.status != 204 && r.status != 304) {
      response_.content_length(r.body.size());  // also for HEAD, which sends no body
    }
    if (!omit_body) {
      response_.body() = std::move(r.body);
    }
    stream_.expires_after(std::chrono::seconds(ctx_.options.idle_timeout_seconds));
    http::async_write(stream_, response_,
                      [self = shared_from_this(), keep_alive](const error_code& ec, size_t) {
                        self->onWrite(ec, keep_alive);
                      });
  }

  void onWrite(const error_code& ec, bool keep_alive) {
    if (ec) {
      fail(ec);
      return;
    }
    response_ = {};
    if (keep_alive) {
      doRead();
      return;
    }
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kLingerTime);
    linger();
  }

  //! Reads and discards until the client closes or the linger time is up.
  void linger() {
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](const error_code& ec, size_t) {
                              if (ec) {
                                self->closeSocket();
                              } else {
                                self->linger();
                              }
                            });
  }

  void fail(const error_code& ec) {
    if (ec == net::error::operation_aborted) {
      return;
    }
    closeSocket();
  }

  void closeSocket() {
    error_code ignored;
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  const ServerContext& ctx_;
  size_t thread_;
  std::string remote_address_;
  ConnectionSlot slot_;  //!< moves with the socket when it is handed off
};

}  // namespace

void startHttpSession(tcp::socket socket, const ServerContext& ctx, size_t thread) {
  std::make_shared<HttpSession>(std::move(socket), ctx, thread)->run();
}

}  // namespace livedash::server
