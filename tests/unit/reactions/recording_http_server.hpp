// tests/unit/reactions/recording_http_server.hpp
//
// A tiny HTTP/1.1 server on 127.0.0.1:0 over plain POSIX sockets, for tests of outgoing requests.
// It handles one connection at a time (the webhook sends one request at a time), records each
// request with its arrival time, and answers with the next scripted status (200 once the script
// runs out). Header-only because the test binary only compiles *_test.cpp files.
#pragma once

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "unit/reactions/loopback_listener.hpp"

namespace livedash::reactions::test {

struct RecordedRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;  //!< names in lower case
  std::string body;
  std::chrono::steady_clock::time_point arrived;

  std::string header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key == name) {
        return value;
      }
    }
    return {};
  }
};

class RecordingHttpServer {
 public:
  explicit RecordingHttpServer(std::vector<int> statuses = {})
      : statuses_(statuses.begin(), statuses.end()) {
    listen_fd_ = listenOnLoopback(port_);
    thread_ = std::thread([this] { serve(); });
  }
  ~RecordingHttpServer() {
    stopping_ = true;
    thread_.join();
    ::close(listen_fd_);
  }

  uint16_t port() const { return port_; }
  std::string url(std::string_view path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }
  std::vector<RecordedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  size_t count() const {
    std::lock_guard lock(mutex_);
    return requests_.size();
  }
  //! From now on, read requests but never answer (to exercise client timeouts).
  void goSilent() { silent_ = true; }

 private:
  void serve() {
    while (!stopping_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) {
        continue;
      }
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd >= 0) {
        handle(fd);
        ::close(fd);
      }
    }
  }

  // Reads until `done` holds or the peer closes; polls so that stopping ends it.
  bool readUntil(int fd, std::string& in, const std::function<bool()>& done) {
    char buf[4096];
    while (!done()) {
      pollfd p{fd, POLLIN, 0};
      if (stopping_) {
        return false;
      }
      if (::poll(&p, 1, 20) <= 0) {
        continue;
      }
      ssize_t n = ::read(fd, buf, sizeof(buf));
      if (n <= 0) {
        return false;
      }
      in.append(buf, static_cast<size_t>(n));
    }
    return true;
  }

  void handle(int fd) {
    std::string in;
    if (!readUntil(fd, in, [&] { return in.find("\r\n\r\n") != std::string::npos; })) {
      return;
    }
    RecordedRequest r = parseHead(in.substr(0, in.find("\r\n\r\n")));
    size_t body_start = in.find("\r\n\r\n") + 4;
    size_t length = std::stoul("0" + r.header("content-length"));
    if (!readUntil(fd, in, [&] { return in.size() >= body_start + length; })) {
      return;
    }
    r.body = in.substr(body_start, length);
    r.arrived = std::chrono::steady_clock::now();
    int status = 200;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(std::move(r));
      if (!statuses_.empty()) {
        status = statuses_.front();
        statuses_.pop_front();
      }
    }
    if (silent_) {
      std::string ignored;
      readUntil(fd, ignored, [] { return false; });
      return;
    }
    std::string reply = "HTTP/1.1 " + std::to_string(status) +
                        " X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    (void)::write(fd, reply.data(), reply.size());
  }

  static RecordedRequest parseHead(const std::string& head) {
    RecordedRequest r;
    size_t line_end = head.find("\r\n");
    std::string first = head.substr(0, line_end);
    size_t sp1 = first.find(' ');
    size_t sp2 = first.find(' ', sp1 + 1);
    r.method = first.substr(0, sp1);
    r.target = first.substr(sp1 + 1, sp2 - sp1 - 1);
    while (line_end != std::string::npos && line_end + 2 < head.size()) {
      size_t next = head.find("\r\n", line_end + 2);
      std::string line = head.substr(line_end + 2, next - line_end - 2);
      size_t colon = line.find(':');
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      size_t value_start = line.find_first_not_of(' ', colon + 1);
      r.headers.emplace_back(name,
                             value_start == std::string::npos ? "" : line.substr(value_start));
      line_end = next;
    }
    return r;
  }

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> silent_{false};
  mutable std::mutex mutex_;
  std::deque<int> statuses_;
  std::vector<RecordedRequest> requests_;
  std::thread thread_;
};

}  // namespace livedash::reactions::test
