// src/server/http_server.cpp
//
// IO threads (one io_context each), the listener, and registration. Accepted sockets go to the
// threads round-robin. stop() stops the threads and then destroys the io_contexts, which destroys
// every pending handler and with it every session (each owned by its handlers).
#include "server/http_server.hpp"

#include <algorithm>
#include <exception>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>

#include "server/http_session.hpp"
#include "server/net.hpp"
#include "server/server_context.hpp"
#include "server/server_log.hpp"
#include "server/sse_stream_impl.hpp"
#include "server/ws_endpoint_impl.hpp"

namespace livedash::server {

namespace {

constexpr std::chrono::milliseconds kAcceptRetryDelay{50};

void runIoThread(net::io_context& ioc) {
  for (;;) {
    try {
      ioc.run();
      return;
    } catch (const std::exception& e) {
      serverLog(ServerLogLevel::Error, std::string("IO thread caught an exception: ") + e.what());
    }
  }
}

}  // namespace

struct HttpServer::Impl {
  using WorkGuard = net::executor_work_guard<net::io_context::executor_type>;

  ServerContext ctx;
  std::vector<std::unique_ptr<net::io_context>> contexts;
  std::vector<WorkGuard> guards;
  std::vector<std::thread> threads;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<net::steady_timer> accept_retry;
  size_t next_thread = 0;
  uint16_t port = 0;
  bool started = false;
  bool stopped = false;

  void requireNotStarted(const char* what) const {
    if (started) {
      throw core::Error(core::ErrorCode::Internal, std::string(what) + " after the server started");
    }
  }

  tcp::endpoint resolve(error_code& ec) {
    const HttpServerOptions& o = ctx.options;
    net::ip::address address = net::ip::make_address(o.host, ec);
    if (!ec) {
      return tcp::endpoint(address, o.port);
    }
    tcp::resolver resolver(*contexts[0]);
    auto results = resolver.resolve(o.host, std::to_string(o.port), ec);
    if (!ec && results.empty()) {
      ec = net::error::host_not_found;
    }
    return ec ? tcp::endpoint() : results.begin()->endpoint();
  }

  void listen() {
    error_code ec;
    tcp::endpoint endpoint = resolve(ec);
    acceptor = std::make_unique<tcp::acceptor>(*contexts[0]);
    if (!ec) {
      acceptor->open(endpoint.protocol(), ec);
    }
    if (!ec) {
      acceptor->set_option(net::socket_base::reuse_address(true), ec);
    }
    if (!ec) {
      acceptor->bind(endpoint, ec);
    }
    if (!ec) {
      acceptor->listen(net::socket_base::max_listen_connections, ec);
    }
    if (!ec) {
      port = acceptor->local_endpoint(ec).port();
    }
    if (ec) {
      throw core::Error(core::ErrorCode::Internal, "cannot listen on " + ctx.options.host + ":" +
                                                       std::to_string(ctx.options.port) + ": " +
                                                       ec.message());
    }
    accept_retry = std::make_unique<net::steady_timer>(*contexts[0]);
  }

  void doAccept() {
    const size_t thread = next_thread++ % contexts.size();
    acceptor->async_accept(*contexts[thread], [this, thread](error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted) {
        return;
      }
      if (ec) {
        // Typically out of file descriptors: wait a little instead of spinning.
        serverLog(ServerLogLevel::Warn, "accept failed: " + ec.message());
        accept_retry->expires_after(kAcceptRetryDelay);
        accept_retry->async_wait([this](const error_code& wait_ec) {
          if (!wait_ec) {
            doAccept();
          }
        });
        return;
      }
      socket.set_option(tcp::no_delay(true), ec);
      startHttpSession(std::move(socket), ctx, thread);
      doAccept();
    });
  }

  //! With no IO thread running: I/O objects first, then the contexts in creation order (the
  //! listener's context may hold a pending accept whose socket belongs to a later one).
  void destroyIo() {
    accept_retry.reset();
    acceptor.reset();
    guards.clear();
    for (auto& ioc : contexts) {
      ioc.reset();
    }
    contexts.clear();
  }
};

HttpServer::HttpServer(HttpServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->ctx.cors = CorsPolicy(options.cors_origins);
  impl_->ctx.auth = Authorizer(options.tokens);
  impl_->ctx.connections = std::make_shared<ConnectionLimiter>(options.max_connections_per_ip);
  impl_->ctx.options = std::move(options);
}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::addRoute(std::string method, std::string pattern, RouteHandler handler,
                          RouteAccess access) {
  impl_->requireNotStarted("addRoute");
  impl_->ctx.router.add(std::move(method), pattern, std::move(handler), access);
}

void HttpServer::addAsset(std::string path, std::string content_type, std::string_view bytes) {
  impl_->requireNotStarted("addAsset");
  impl_->ctx.assets[std::move(path)] = Asset{std::move(content_type), bytes};
}

SseStreamSharedPtr HttpServer::addSseStream(SseStreamOptions options) {
  impl_->requireNotStarted("addSseStream");
  auto& streams = impl_->ctx.streams;
  if (streams.find(options.path) != streams.end()) {
    throw core::Error(core::ErrorCode::Conflict,
                      "an SSE stream is already registered at " + options.path);
  }
  std::string path = options.path;
  auto stream = std::make_shared<SseStreamImpl>(std::move(options), impl_->ctx.options.tokens);
  streams.emplace(std::move(path), stream);
  return stream;
}

WsEndpointSharedPtr HttpServer::addWebSocket(WsOptions options, WsBackend& backend) {
  impl_->requireNotStarted("addWebSocket");
  if (impl_->ctx.websocket) {
    throw core::Error(core::ErrorCode::Conflict, "a WebSocket endpoint is already registered");
  }
  impl_->ctx.websocket = std::make_shared<WsEndpointImpl>(std::move(options), backend);
  return impl_->ctx.websocket;
}

void HttpServer::start() {
  Impl& impl = *impl_;
  impl.requireNotStarted("start");
  const size_t count = static_cast<size_t>(std::max(1, impl.ctx.options.io_threads));
  std::vector<net::io_context*> raw;
  for (size_t i = 0; i < count; ++i) {
    impl.contexts.push_back(std::make_unique<net::io_context>(1));
    raw.push_back(impl.contexts.back().get());
  }
  try {
    impl.listen();
  } catch (...) {
    impl.destroyIo();
    throw;
  }
  impl.started = true;
  for (auto& [path, stream] : impl.ctx.streams) {
    stream->attach(raw);
  }
  if (impl.ctx.websocket) {
    impl.ctx.websocket->attach(raw);
  }
  for (net::io_context* ioc : raw) {
    impl.guards.push_back(net::make_work_guard(*ioc));
  }
  impl.doAccept();
  for (net::io_context* ioc : raw) {
    impl.threads.emplace_back([ioc] { runIoThread(*ioc); });
  }
}

void HttpServer::stop() {
  Impl& impl = *impl_;
  if (!impl.started || impl.stopped) {
    return;
  }
  impl.stopped = true;
  for (auto& ioc : impl.contexts) {
    ioc->stop();
  }
  for (std::thread& thread : impl.threads) {
    thread.join();
  }
  impl.threads.clear();
  for (auto& [path, stream] : impl.ctx.streams) {
    stream->detach();
  }
  if (impl.ctx.websocket) {
    impl.ctx.websocket->detach();
  }
  impl.destroyIo();
  for (auto& [path, stream] : impl.ctx.streams) {
    stream->releaseHubs();
  }
  if (impl.ctx.websocket) {
    impl.ctx.websocket->releaseHubs();
  }
}

uint16_t HttpServer::port() const {
  return impl_->port;
}

}  // namespace livedash::server
