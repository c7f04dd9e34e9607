// src/server/http_client.cpp
//
// One request per connection on a private io_context: resolve, connect, (TLS handshake,) write,
// read, each under the same deadline (beast::tcp_stream::expires_after), so a silent peer cannot
// hold the caller.
#include "server/http_client.hpp"

#include <map>
#include <memory>
#include <mutex>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <fmt/format.h>

#include "server/net.hpp"

namespace livedash::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = boost::asio::ssl;

// Responses we read are status plus a small body; a webhook that answers with more is cut off.
constexpr uint64_t kResponseBodyLimit = 1 << 20;

struct Endpoint {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target;
};

// Fills `out` from an `http://` or `https://` URL, or says what is wrong with it.
std::string parseHttpUrl(const std::string& url, Endpoint& out) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) {
    return fmt::format("invalid URL `{}`", url);
  }
  const boost::urls::url_view& u = *parsed;
  if (u.scheme() != "http" && u.scheme() != "https") {
    return fmt::format("unsupported scheme `{}` in `{}` (http:// and https:// are)",
                       std::string(u.scheme()), url);
  }
  out.tls = u.scheme() == "https";
  out.host = u.encoded_host();
  if (out.host.empty()) {
    return fmt::format("no host in `{}`", url);
  }
  out.port = u.has_port() ? std::string(u.port()) : out.tls ? "443" : "80";
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
  const bool default_port = endpoint.port == (endpoint.tls ? "443" : "80");
  req.set(http::field::host, default_port ? endpoint.host : endpoint.host + ":" + endpoint.port);
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

// Loading a CA store takes milliseconds, so each one is loaded once and shared: an
// ssl::context is safe to use from several connections at once once it is set up.
std::shared_ptr<ssl::context> tlsContext(const std::string& ca_file) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<ssl::context>> contexts;
  std::lock_guard lock(mutex);
  auto found = contexts.find(ca_file);
  if (found != contexts.end()) {
    return found->second;
  }
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  context->set_verify_mode(ssl::verify_peer);
  if (ca_file.empty()) {
    context->set_default_verify_paths();
  } else {
    context->load_verify_file(ca_file);  // throws when the file is missing or not PEM
  }
  contexts.emplace(ca_file, context);
  return context;
}

// The steps chained on one io_context; the first error ends the chain. Stream is a
// beast::tcp_stream, or an ssl_stream over one.
template <class Stream>
struct Exchange {
  net::io_context ioc;
  tcp::resolver resolver{ioc};
  std::shared_ptr<ssl::context> tls;  //!< kept alive while the stream uses it
  Stream stream;
  beast::flat_buffer buffer;
  http::request<http::string_body> request;
  http::response_parser<http::string_body> parser;
  std::chrono::milliseconds timeout{0};
  error_code ec;
  const char* failed_step = nullptr;

  Exchange() requires std::is_same_v<Stream, beast::tcp_stream> : stream(ioc) {}
  explicit Exchange(std::shared_ptr<ssl::context> context)
      : tls(std::move(context)), stream(ioc, *tls) {}

  bool failed(error_code e, const char* step) {
    if (!e) {
      return false;
    }
    ec = e;
    failed_step = step;
    return true;
  }

  beast::tcp_stream& transport() { return beast::get_lowest_layer(stream); }

  void run(const Endpoint& endpoint) {
    parser.body_limit(kResponseBodyLimit);
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
      // SNI, so that a server hosting several names presents the right certificate, and a
      // check that the certificate is for the host we asked for, not just any trusted one.
      if (!SSL_set_tlsext_host_name(stream.native_handle(), endpoint.host.c_str())) {
        failed(error_code(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category()),
               "TLS setup");
        return;
      }
      stream.set_verify_callback(ssl::host_name_verification(endpoint.host));
    }
    resolver.async_resolve(endpoint.host, endpoint.port,
                           [this](error_code e, const tcp::resolver::results_type& results) {
                             if (!failed(e, "resolve")) {
                               connect(results);
                             }
                           });
    ioc.run();
  }

  void connect(const tcp::resolver::results_type& results) {
    transport().expires_after(timeout);
    transport().async_connect(results, [this](error_code e, const tcp::endpoint&) {
      if (failed(e, "connect")) {
        return;
      }
      if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
        send();
      } else {
        stream.async_handshake(ssl::stream_base::client, [this](error_code e2) {
          if (!failed(e2, "TLS handshake")) {
            send();
          }
        });
      }
    });
  }

  void send() {
    http::async_write(stream, request, [this](error_code e, size_t) {
      if (failed(e, "write")) {
        return;
      }
      http::async_read(stream, buffer, parser, [this](error_code e2, size_t) {
        failed(e2, "read");
        // The answer is in: no TLS close_notify exchange, which a peer may never answer.
        error_code ignored;
        transport().socket().shutdown(tcp::socket::shutdown_both, ignored);
      });
    });
  }
};

template <class Stream>
void collect(Exchange<Stream>& exchange, const HttpClientRequest& request, const Endpoint& endpoint,
             HttpClientResponse& response) {
  exchange.timeout = request.timeout;
  exchange.request = buildRequest(request, endpoint);
  exchange.run(endpoint);
  if (exchange.failed_step) {
    bool timed_out = exchange.ec == beast::error::timeout;
    std::string reason = timed_out ? "timed out" : exchange.ec.message();
    if (exchange.ec.category() == net::error::get_ssl_category()) {
      // OpenSSL's own words ("certificate verify failed") say more than the generic message.
      char text[256];
      ::ERR_error_string_n(static_cast<unsigned long>(exchange.ec.value()), text, sizeof(text));
      reason = text;
    }
    response.error = fmt::format("{} {}: {}", exchange.failed_step, request.url, reason);
    return;
  }
  response.status = static_cast<int>(exchange.parser.get().result_int());
  response.body = std::move(exchange.parser.get().body());
}

}  // namespace

HttpClientResponse sendHttpRequest(const HttpClientRequest& request) {
  HttpClientResponse response;
  Endpoint endpoint;
  response.error = parseHttpUrl(request.url, endpoint);
  if (!response.error.empty()) {
    response.invalid_request = true;
    return response;
  }
  std::shared_ptr<ssl::context> tls;
  if (endpoint.tls) {
    try {
      tls = tlsContext(request.ca_file);
    } catch (const std::exception& e) {
      response.error = fmt::format("CA file `{}`: {}", request.ca_file, e.what());
      response.invalid_request = true;  // no retry will make the file readable
      return response;
    }
  }
  try {
    if (tls) {
      auto exchange = std::make_unique<Exchange<beast::ssl_stream<beast::tcp_stream>>>(tls);
      collect(*exchange, request, endpoint, response);
    } else {
      auto exchange = std::make_unique<Exchange<beast::tcp_stream>>();
      collect(*exchange, request, endpoint, response);
    }
  } catch (const std::exception& e) {
    // A header value Beast refuses, or allocation failure: report it like a network error.
    response.error = fmt::format("request to {}: {}", request.url, e.what());
  }
  return response;
}

}  // namespace livedash::server
