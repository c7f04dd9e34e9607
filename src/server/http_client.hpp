// src/server/http_client.hpp
//
// A small blocking HTTP/1.1 client for outgoing requests (the webhook reaction's deliveries).
// Each call opens a connection, sends one request and reads one response, all within `timeout`.
// Blocking on purpose: callers run it on a worker thread they own, never on an IO or the engine
// thread. `https://` verifies the server's certificate chain and host name against the system's
// CAs (or `ca_file`), and sends the host name (SNI). Beast-free: the Beast code lives in
// http_client.cpp.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace livedash::server {

struct HttpClientRequest {
  std::string method = "POST";
  std::string url;  //!< `http[s]://host[:port]/path?query`
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};
  //! For https: a PEM file of the CAs to trust instead of the system's (a private CA, or a
  //! self-signed server's own certificate); empty: the system's.
  std::string ca_file;
};

struct HttpClientResponse {
  int status = 0;     //!< 0 when no response arrived (see `error`)
  std::string error;  //!< why there is no response: bad URL, connect, timeout, …
  //! The request cannot be sent as given (bad URL, unsupported scheme): retrying will not help.
  bool invalid_request = false;
  std::string body;

  bool answered() const { return status != 0; }
};

//! Sends `request` and waits for the response or the timeout. Never throws.
HttpClientResponse sendHttpRequest(const HttpClientRequest& request);

}  // namespace livedash::server
