// bench/null_broadcaster.cpp
//
// The fan-out benchmark's ceiling: a broadcaster that does nothing but fan out. It accepts SSE
// (`GET /events`) or WebSocket (`GET /ws`) clients and, for each `POST /broadcast` of
// `{"sentUs":N}`, builds one frame shaped like a livedash diff of the benchmark's query and
// hands it to every client with one send() each. A client whose socket is full keeps the rest
// in a backlog and is flushed when writable; nothing else is done per client. Whatever the rig
// (load client, loopback, two cores) delivers through this is the most any server could.
//
// Usage: null_broadcaster [--port P] [--threads T] [--gap-every K] [--coalesce]
// --coalesce: frames that queue up while a thread is busy go out in one send per client (what
// livedash's sessions do with the frames that queue behind a write); without it, one send per
// client per frame, the ceiling as DESIGN.md defines it.
// --gap-every K skips a sequence number every K broadcasts: the load client must notice.
// Prints `listening on PORT`.
#include <atomic>
#include <cerrno>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <fmt/format.h>
#include <sys/socket.h>

#include "core/fd_limit.hpp"

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

namespace {

using FramePtr = std::shared_ptr<const std::string>;

//! One subscriber: a socket and what did not fit into it yet.
class Subscriber : public std::enable_shared_from_this<Subscriber> {
 public:
  explicit Subscriber(tcp::socket socket) : socket_(std::move(socket)) {
    error_code ignored;
    socket_.non_blocking(true, ignored);
  }

  bool dead() const { return dead_; }

  //! One send() of the whole frame; false once the connection is gone.
  bool send(const std::string& frame) {
    if (dead_) {
      return false;
    }
    if (!backlog_.empty()) {
      backlog_.append(frame);
      return true;
    }
    const ssize_t n =
        ::send(socket_.native_handle(), frame.data(), frame.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      close();
      return false;
    }
    const size_t sent = n < 0 ? 0 : static_cast<size_t>(n);
    if (sent < frame.size()) {
      backlog_.assign(frame, sent);
      waitWritable();
    }
    return true;
  }

  //! Reads and drops whatever the client sends, to notice when it leaves.
  void watch() {
    socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](const error_code& ec) {
      char scratch[4096];
      error_code read_ec = ec;
      while (!read_ec) {
        self->socket_.read_some(net::buffer(scratch), read_ec);
      }
      if (read_ec == net::error::would_block) {
        self->watch();
      } else {
        self->close();
      }
    });
  }

  void close() {
    dead_ = true;
    error_code ignored;
    socket_.close(ignored);
  }

 private:
  void waitWritable() {
    socket_.async_wait(tcp::socket::wait_write, [self = shared_from_this()](const error_code& ec) {
      if (ec) {
        self->close();
        return;
      }
      const ssize_t n = ::send(self->socket_.native_handle(), self->backlog_.data(),
                               self->backlog_.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
        self->close();
        return;
      }
      self->backlog_.erase(0, n < 0 ? 0 : static_cast<size_t>(n));
      if (!self->backlog_.empty()) {
        self->waitWritable();
      }
    });
  }

  tcp::socket socket_;
  std::string backlog_;
  bool dead_ = false;
};

//! One IO thread's subscribers; touched on that thread only, but for the coalescing queue.
struct Hub {
  net::io_context ioc{1};
  std::vector<std::shared_ptr<Subscriber>> subscribers;
  std::thread thread;
  //! --coalesce: frames posted while the hub was busy go out together, one send per client
  //! per batch (as a server that gathers its queue into one write does).
  std::mutex queue_mutex;
  std::string queued;
  bool flush_posted = false;

  //! Any thread.
  void post(const FramePtr& frame, bool coalesce) {
    if (!coalesce) {
      net::post(ioc, [this, frame] { broadcast(*frame); });
      return;
    }
    std::lock_guard lock(queue_mutex);
    queued.append(*frame);
    if (!flush_posted) {
      flush_posted = true;
      net::post(ioc, [this] { flush(); });
    }
  }

  void flush() {
    std::string batch;
    {
      std::lock_guard lock(queue_mutex);
      batch.swap(queued);
      flush_posted = false;
    }
    broadcast(batch);
  }

  void broadcast(const std::string& bytes) {
    bool any_dead = false;
    for (const auto& s : subscribers) {
      any_dead |= !s->send(bytes);
    }
    if (any_dead) {
      std::erase_if(subscribers, [](const auto& s) { return s->dead(); });
    }
  }
};

class Broadcaster {
 public:
  Broadcaster(std::vector<std::unique_ptr<Hub>>& hubs, int gap_every, bool coalesce)
      : hubs_(hubs), gap_every_(gap_every), coalesce_(coalesce) {}

  //! The frame for `sent_us`, in the protocol's framing, posted to every hub.
  void broadcast(int64_t sent_us, bool websocket) {
    std::string json;
    uint64_t sequence = 0;
    {
      std::lock_guard lock(mutex_);
      ++sequence_;
      if (gap_every_ > 0 && sequence_ % gap_every_ == 0) {
        ++sequence_;
      }
      json = fmt::format(
          R"({{"queryId":"tick","sequence":{},"timestamp":{},"added":[],"updated":[{{"before":{{"id":1,"n":{},"sentUs":{}}},"after":{{"id":1,"n":{},"sentUs":{}}}}}],"deleted":[]}})",
          sequence_,
          std::chrono::duration_cast<std::chrono::milliseconds>(
              std::chrono::system_clock::now().time_since_epoch())
              .count(),
          sequence_ - 1, previous_sent_us_, sequence_, sent_us);
      previous_sent_us_ = sent_us;
      sequence = sequence_;
    }
    FramePtr frame = std::make_shared<const std::string>(
        websocket ? wsFrame(R"({"op":"diff",)" + json.substr(1))
                  : fmt::format("id: {}\ndata: {}\n\n", sequence, json));
    for (auto& hub : hubs_) {
      hub->post(frame, coalesce_);
    }
  }

  uint64_t currentSequence() {
    std::lock_guard lock(mutex_);
    return sequence_;
  }

  static std::string wsFrame(const std::string& payload) {
    std::string frame;
    frame.push_back(static_cast<char>(0x81));  // FIN, text
    if (payload.size() < 126) {
      frame.push_back(static_cast<char>(payload.size()));
    } else {
      frame.push_back(static_cast<char>(126));
      frame.push_back(static_cast<char>(payload.size() >> 8));
      frame.push_back(static_cast<char>(payload.size() & 0xff));
    }
    return frame + payload;
  }

 private:
  std::vector<std::unique_ptr<Hub>>& hubs_;
  int gap_every_;
  bool coalesce_;
  std::mutex mutex_;
  uint64_t sequence_ = 0;
  int64_t previous_sent_us_ = 0;
};

//! Reads requests on one connection until it becomes a subscriber or closes.
class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  HttpConnection(tcp::socket socket, Hub& hub, Broadcaster& broadcaster)
      : socket_(std::move(socket)), hub_(hub), broadcaster_(broadcaster) {}

  void read() {
    request_ = {};
    http::async_read(socket_, buffer_, request_,
                     [self = shared_from_this()](const error_code& ec, size_t) {
                       if (!ec) {
                         self->route();
                       }
                     });
  }

 private:
  void route() {
    if (request_.method() == http::verb::post && request_.target() == "/broadcast") {
      const std::string& body = request_.body();
      const size_t at = body.find("\"sentUs\":");
      const int64_t sent_us = at == std::string::npos ? 0 : std::stoll(body.substr(at + 9));
      broadcaster_.broadcast(sent_us, websocket_mode_);
      respond(http::status::ok, R"({"ok":true})");
    } else if (request_.method() == http::verb::get && request_.target() == "/events") {
      websocket_mode_ = false;
      auto head = std::make_shared<std::string>(
          "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\r\n"
          "retry: 1000\n\n");
      net::async_write(socket_, net::buffer(*head),
                       [self = shared_from_this(), head](const error_code& ec, size_t) {
                         if (!ec) {
                           self->subscribe("");
                         }
                       });
    } else if (request_.target() == "/ws" && websocket::is_upgrade(request_)) {
      websocket_mode_ = true;
      auto ws = std::make_shared<websocket::stream<tcp::socket>>(std::move(socket_));
      ws->async_accept(request_, [self = shared_from_this(), ws](const error_code& ec) {
        if (ec) {
          return;
        }
        self->socket_ = std::move(ws->next_layer());
        self->subscribe(Broadcaster::wsFrame(fmt::format(
            R"({{"op":"snapshot","query":"tick","period":"live","sequence":{},"data":[]}})",
            self->broadcaster_.currentSequence())));
      });
    } else {
      respond(http::status::not_found, R"({"error":"not found"})");
    }
  }

  void respond(http::status status, std::string body) {
    auto response = std::make_shared<http::response<http::string_body>>(status, 11);
    response->set(http::field::content_type, "application/json");
    response->keep_alive(request_.keep_alive());
    response->body() = std::move(body);
    response->prepare_payload();
    http::async_write(socket_, *response,
                      [self = shared_from_this(), response](const error_code& ec, size_t) {
                        if (!ec && response->keep_alive()) {
                          self->read();
                        }
                      });
  }

  void subscribe(const std::string& first_frame) {
    auto subscriber = std::make_shared<Subscriber>(std::move(socket_));
    if (!first_frame.empty()) {
      subscriber->send(first_frame);
    }
    subscriber->watch();
    hub_.subscribers.push_back(std::move(subscriber));
  }

  // Which framing /broadcast uses: that of the last subscriber seen. A run has only one kind.
  static inline std::atomic<bool> websocket_mode_{false};

  tcp::socket socket_;
  Hub& hub_;
  Broadcaster& broadcaster_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
};

void acceptLoop(tcp::acceptor& acceptor, std::vector<std::unique_ptr<Hub>>& hubs,
                Broadcaster& broadcaster, size_t next) {
  Hub& hub = *hubs[next % hubs.size()];
  acceptor.async_accept(hub.ioc, [&acceptor, &hubs, &broadcaster, &hub, next](const error_code& ec,
                                                                              tcp::socket socket) {
    if (!ec) {
      error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      // The connection's handlers must run on its hub's thread, where its subscriber will live.
      auto connection = std::make_shared<HttpConnection>(std::move(socket), hub, broadcaster);
      net::post(hub.ioc, [connection] { connection->read(); });
    } else if (ec == net::error::no_descriptors) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    acceptLoop(acceptor, hubs, broadcaster, next + 1);
  });
}

}  // namespace

int main(int argc, char** argv) {
  uint16_t port = 0;
  int threads = 2;
  int gap_every = 0;
  bool coalesce = false;
  for (int i = 1; i < argc; i += 2) {
    const std::string arg = argv[i];
    if (arg == "--coalesce") {
      coalesce = true;
      --i;
    } else if (i + 1 >= argc) {
      std::cerr << arg << " needs a value\n";
      return 2;
    } else if (arg == "--port") {
      port = static_cast<uint16_t>(std::stoi(argv[i + 1]));
    } else if (arg == "--threads") {
      threads = std::max(1, std::stoi(argv[i + 1]));
    } else if (arg == "--gap-every") {
      gap_every = std::stoi(argv[i + 1]);
    } else {
      std::cerr
          << "usage: null_broadcaster [--port P] [--threads T] [--gap-every K] [--coalesce]\n";
      return 2;
    }
  }
  const livedash::core::FdLimit fds = livedash::core::raiseFdLimit();
  fmt::print("open files: up to {} (soft limit was {})\n", fds.soft, fds.soft_before);

  std::vector<std::unique_ptr<Hub>> hubs;
  for (int t = 0; t < threads; ++t) {
    hubs.push_back(std::make_unique<Hub>());
  }
  Broadcaster broadcaster(hubs, gap_every, coalesce);
  tcp::acceptor acceptor(hubs[0]->ioc);
  const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(net::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(net::socket_base::max_listen_connections);
  fmt::print("listening on {}\n", acceptor.local_endpoint().port());
  std::fflush(stdout);
  acceptLoop(acceptor, hubs, broadcaster, 0);

  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
  for (auto& hub : hubs) {
    guards.push_back(net::make_work_guard(hub->ioc));
    Hub* h = hub.get();
    h->thread = std::thread([h] { h->ioc.run(); });
  }
  for (auto& hub : hubs) {
    hub->thread.join();  // until killed
  }
  return 0;
}
