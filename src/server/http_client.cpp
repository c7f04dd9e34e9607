// src/server/http_client.cpp
//
// One request per connection on a private io_context: resolve, connect, write, read, each under
// the same deadline (beast::tcp_stream::expires_after), so a silent peer cannot hold the caller.
#include "server/http_client.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <fmt/format.h>

#include "server/net.hpp"

namespace livedash::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;

// Responses we read are status plus a small body; a webhook that answers with more is cut off.
constexpr uint64_t kResponseBodyLimit = 1 << 20;

struct Endpoint {
  std::string host;
  std::string port;
  std::string target;
};

// Fills `out` from an `http://` URL, or says what is wrong with it.
std::string parseHttpUrl(const std::string& url, Endpoint& out) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) {
    return fmt::format("invalid URL `{}`", url);
  }
  const boost::urls::url_view& u = *parsed;
  if (u.scheme() != "http") {
    return fmt::format("unsupported scheme `{}` in `{}` (only http:// is supported)",
                       std::string(u.scheme()), url);
  }
  out.host = u.encoded_host();
  if (out.host.empty()) {
    return fmt::format("no host in `{}`", url);
  }
  out.port = u.has_port() ? std::string(u.port()) : "80";
  out.target = u.encoded_path().empty() ? "/" : std::string(u.encoded_path());
  if (u.has_query()) {
    out.target += "?" + std::string(u.encoded_query());
  }
  return {};
}

http::request<http::string_body> buildRequest(const HttpClientRequest& request,
                                              const Endpoint& endpoint) {
  http::request<http::string_body> req;
  req.method_string(request.method);
  req.target(endpoint.target);
  req.version(11);
  req.set(http::field::host,
          endpoint.port == "80" ? endpoint.host : endpoint.host + ":" + endpoint.port);
  req.set(http::field::user_agent, "livedash");
  req.set(http::field::content_type, "application/json");
  req.set(http::field::connection, "close");
  for (const auto& [name, value] : request.headers) {
    req.set(name, value);
  }
  req.body() = request.body;
  req.prepare_payload();
  return req;
}

// The steps chained on one io_context; the first error ends the chain.
struct Exchange {
  net::io_context ioc;
  tcp::resolver resolver{ioc};
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  http::request<http::string_body> request;
  http::response_parser<http::string_body> parser;
  std::chrono::milliseconds timeout{0};
  error_code ec;
  const char* failed_step = nullptr;

  bool failed(error_code e, const char* step) {
    if (!e) {
      return false;
    }
    ec = e;
    failed_step = step;
    return true;
  }

  void run(const Endpoint& endpoint) {
    parser.body_limit(kResponseBodyLimit);
    resolver.async_resolve(endpoint.host, endpoint.port,
                           [this](error_code e, const tcp::resolver::results_type& results) {
                             if (!failed(e, "resolve")) {
                               connect(results);
                             }
                           });
    ioc.run();
  }

  void connect(const tcp::resolver::results_type& results) {
    stream.expires_after(timeout);
    stream.async_connect(results, [this](error_code e, const tcp::endpoint&) {
      if (failed(e, "connect")) {
        return;
      }
      http::async_write(stream, request, [this](error_code e2, size_t) {
        if (failed(e2, "write")) {
          return;
        }
        http::async_read(stream, buffer, parser, [this](error_code e3, size_t) {
          failed(e3, "read");
          error_code ignored;
          stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        });
      });
    });
  }
};

}  // namespace

HttpClientResponse sendHttpRequest(const HttpClientRequest& request) {
  HttpClientResponse response;
  Endpoint endpoint;
  response.error = parseHttpUrl(request.url, endpoint);
  if (!response.error.empty()) {
    response.invalid_request = true;
    return response;
  }
  try {
    auto exchange = std::make_unique<Exchange>();
    exchange->timeout = request.timeout;
    exchange->request = buildRequest(request, endpoint);
    exchange->run(endpoint);
    if (exchange->failed_step) {
      bool timed_out = exchange->ec == beast::error::timeout;
      response.error = fmt::format("{} {}: {}", exchange->failed_step, request.url,
                                   timed_out ? "timed out" : exchange->ec.message());
      return response;
    }
    response.status = static_cast<int>(exchange->parser.get().result_int());
    response.body = std::move(exchange->parser.get().body());
  } catch (const std::exception& e) {
    // A header value Beast refuses, or allocation failure: report it like a network error.
    response.error = fmt::format("request to {}: {}", request.url, e.what());
  }
  return response;
}

}  // namespace livedash::server
