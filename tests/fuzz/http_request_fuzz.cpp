// tests/fuzz/http_request_fuzz.cpp
//
// libFuzzer target: raw bytes as an HTTP request, through Beast's parser with the server's
// limits, then the server's dispatcher (routing, percent-decoding, query strings, CORS, JSON
// errors) with a route that parses JSON bodies. Never a crash or sanitizer report.
#include <cstddef>
#include <cstdint>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "core/json.hpp"
#include "server/dispatcher.hpp"

using namespace livedash;
namespace http = boost::beast::http;

namespace {

server::ServerContext makeContext() {
  server::ServerContext ctx;
  ctx.cors = server::CorsPolicy({"http://allowed.example"});
  ctx.router.add("GET", "/api/v1/queries/{id}/results", [](const server::HttpRequest& r) {
    return server::HttpResponse::json(200, std::string(r.param("id")));
  });
  ctx.router.add("POST", "/api/v1/sources/{id}/tables/{table}/rows",
                 [](const server::HttpRequest& r) {
                   core::Value body = core::parseJson(r.body);
                   return server::HttpResponse::json(201, core::toJson(body));
                 });
  static const std::string page = "<!doctype html>";
  ctx.assets.emplace("/", server::Asset{"text/html", page});
  return ctx;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const server::ServerContext ctx = makeContext();
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec || !parser.is_done())
    return 0;
  http::request<http::string_body> req = parser.release();
  server::HttpRequest request;
  request.method = std::string(req.method_string());
  request.target = std::string(req.target());
  for (const auto& field : req) {
    std::string name(field.name_string());
    for (char& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  request.body = std::move(req.body());
  server::dispatch(ctx, request);
  return 0;
}
