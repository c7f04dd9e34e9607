// tests/unit/server/test_client.hpp
//
// A blocking HTTP and SSE client over a plain POSIX socket, for tests that talk to a real
// HttpServer. Every read times out (kReadTimeout) instead of hanging. Header-only because the test
// binary only compiles *_test.cpp files.
#pragma once

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace livedash::server::test {

inline constexpr int kReadTimeoutSeconds = 5;

//! Polls `done` every millisecond until it holds or `timeout` passes.
inline bool waitFor(const std::function<bool()>& done,
                    std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

struct Reply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  //!< names in lower case
  std::string body;

  bool has(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key == name) {
        return true;
      }
    }
    return false;
  }
  std::string header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key == name) {
        return value;
      }
    }
    return {};
  }
};

struct SseEvent {
  std::string id;
  std::string data;
  std::string comment;
  std::string retry;
};

class TestClient {
 public:
  explicit TestClient(uint16_t port, int receive_buffer_bytes = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (receive_buffer_bytes > 0) {
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes, sizeof(int));
    }
    timeval tv{kReadTimeoutSeconds, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      throw std::runtime_error("connect failed");
    }
  }
  ~TestClient() { close(); }
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  void close() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }

  //! Drops the connection with a TCP reset instead of an orderly close, as a crashing browser or
  //! a network failure does.
  void reset() {
    if (fd_ >= 0) {
      linger hard{1, 0};
      ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
      close();
    }
  }

  void send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) {
        throw std::runtime_error("send failed");
      }
      bytes.remove_prefix(static_cast<size_t>(n));
    }
  }

  //! Sends a request with Host and Content-Length, and reads the response.
  Reply request(std::string_view method, std::string_view target,
                const std::vector<std::pair<std::string, std::string>>& headers = {},
                std::string_view body = {}) {
    std::string text = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\n";
    text += "Host: localhost\r\n";
    for (const auto& [name, value] : headers) {
      text += name + ": " + value + "\r\n";
    }
    if (!body.empty() || method == "POST" || method == "PUT") {
      text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    text += "\r\n";
    text += body;
    send(text);
    return readResponse(method == "HEAD");
  }

  //! Status line and headers only.
  Reply readHead() {
    std::string head = readUntil("\r\n\r\n");
    Reply reply;
    size_t line_end = head.find("\r\n");
    std::string_view status_line(head.data(), line_end);
    if (status_line.size() >= 12) {
      reply.status = std::stoi(std::string(status_line.substr(9, 3)));
    }
    size_t pos = line_end + 2;
    while (pos < head.size()) {
      size_t end = head.find("\r\n", pos);
      if (end == pos || end == std::string::npos) {
        break;
      }
      std::string line = head.substr(pos, end - pos);
      size_t colon = line.find(':');
      std::string name = line.substr(0, colon);
      for (char& c : name) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      size_t value_start = line.find_first_not_of(' ', colon + 1);
      reply.headers.emplace_back(
          name, value_start == std::string::npos ? std::string() : line.substr(value_start));
      pos = end + 2;
    }
    return reply;
  }

  //! A whole response; the body is Content-Length bytes (none for HEAD, 204 and 304).
  Reply readResponse(bool head_request = false) {
    Reply reply = readHead();
    if (head_request || reply.status == 204 || reply.status == 304) {
      return reply;
    }
    size_t length = reply.has("content-length") ? std::stoul(reply.header("content-length")) : 0;
    while (buffer_.size() < length && fill()) {
    }
    reply.body = buffer_.substr(0, length);
    buffer_.erase(0, reply.body.size());
    return reply;
  }

  //! Everything up to and including `marker`; throws on timeout or end of stream.
  std::string readUntil(std::string_view marker) {
    size_t searched = 0;
    for (;;) {
      size_t at = buffer_.find(marker, searched > marker.size() ? searched - marker.size() : 0);
      if (at != std::string::npos) {
        std::string out = buffer_.substr(0, at + marker.size());
        buffer_.erase(0, out.size());
        return out;
      }
      searched = buffer_.size();
      if (!fill()) {
        throw std::runtime_error("stream ended before the expected bytes arrived");
      }
    }
  }

  //! Exactly `n` bytes; throws on timeout or end of stream.
  std::string readBytes(size_t n) {
    while (buffer_.size() < n) {
      if (!fill()) {
        throw std::runtime_error("stream ended before the expected bytes arrived");
      }
    }
    std::string out = buffer_.substr(0, n);
    buffer_.erase(0, n);
    return out;
  }

  //! The next SSE event (a block ending in a blank line).
  SseEvent nextEvent() {
    std::string block = readUntil("\n\n");
    SseEvent event;
    bool has_data = false;
    size_t pos = 0;
    while (pos < block.size()) {
      size_t end = block.find('\n', pos);
      std::string_view line(block.data() + pos, end - pos);
      pos = end + 1;
      if (line.empty()) {
        continue;
      }
      if (line.front() == ':') {
        event.comment = std::string(line.substr(line.size() > 1 && line[1] == ' ' ? 2 : 1));
        continue;
      }
      size_t colon = line.find(':');
      std::string_view field = line.substr(0, colon);
      std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
      if (!value.empty() && value.front() == ' ') {
        value.remove_prefix(1);
      }
      if (field == "id") {
        event.id = value;
      } else if (field == "data") {
        // Several data lines make one message, joined by newlines (as EventSource does).
        if (has_data) {
          event.data += '\n';
        }
        event.data += value;
        has_data = true;
      } else if (field == "retry") {
        event.retry = value;
      }
    }
    return event;
  }

  //! Reads and discards until the server closes the connection; false on timeout.
  bool waitClosed() {
    buffer_.clear();
    while (fill()) {
      buffer_.clear();
    }
    return closed_;
  }

 private:
  //! Receives more bytes; false at end of stream, on error or on timeout.
  bool fill() {
    char chunk[65536];
    ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n > 0) {
      buffer_.append(chunk, static_cast<size_t>(n));
      return true;
    }
    closed_ = n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
    return false;
  }

  int fd_ = -1;
  std::string buffer_;
  bool closed_ = false;
};

}  // namespace livedash::server::test
