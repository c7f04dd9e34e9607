// bench/load_client.cpp
//
// Fan-out load client: opens N SSE or WebSocket connections on loopback, drives updates through
// one HTTP connection, and reports what the clients received: latency from the write to each
// client (p50/p99/max), messages per second, gaps and duplicates (per-query `sequence`, and the
// SSE `id`, must go up by exactly one on every client), and connections that failed or closed.
//
// `--port` may list several ports (the edges of one cluster): clients take them in turn, and
// the updates go to --drive-port (the engine), so every latency is still measured on one clock.
//
// Clients are spread over a few IO threads. Each waits for readability and drains its socket
// into the thread's one read buffer, so that an idle client holds no buffer of its own; messages
// are picked apart in place (fanout/stream_parser.hpp), and the clock is read once per read.
//
// Updates go out closed-loop (at most --window not yet received by every client, so a server's
// per-client queue never overflows: that measures the most it delivers) or open-loop at --rate
// per second (for latency at a given load). With --check, the exit status is 1 unless every
// client connected, every update reached every client, and nothing was skipped or repeated.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include "core/fd_limit.hpp"
#include "fanout/stream_parser.hpp"
#include "fanout/update_driver.hpp"
#include "fanout/us_histogram.hpp"

namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;
using namespace livedash::bench;

namespace {

struct Options {
  bool websocket = false;
  std::string host = "127.0.0.1";
  //! Clients are spread over these in turn (several edges of one cluster); the first is the
  //! default --drive-port.
  std::vector<uint16_t> ports{8080};
  std::string path;  // default: /events (SSE), /ws (WebSocket)
  std::string query = "tick";
  size_t clients = 100;
  int threads = 2;
  double duration_s = 10;
  double idle_s = 0;
  std::optional<UpdateDriver::Kind> drive;
  std::string drive_path;
  uint16_t drive_port = 0;  // default: --port
  double rate = 0;          // 0: closed loop
  size_t window = 32;
  bool check = false;
};

[[noreturn]] void usage(const std::string& problem) {
  std::cerr
      << "load_client: " << problem << "\n"
      << "usage: load_client [--protocol sse|ws] [--host H] [--port P[,P...]] [--path /events]\n"
         "  [--query tick] [--clients N] [--threads T] [--duration S] [--idle S]\n"
         "  [--drive sql|broadcast --drive-path PATH [--drive-port P]]\n"
         "  [--rate UPDATES_PER_S | --window W] [--check]\n";
  std::exit(2);
}

Options parseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        usage(arg + " needs a value");
      }
      return argv[++i];
    };
    if (arg == "--protocol") {
      const std::string p = value();
      if (p != "sse" && p != "ws") {
        usage("--protocol is sse or ws");
      }
      o.websocket = p == "ws";
    } else if (arg == "--host") {
      o.host = value();
    } else if (arg == "--port") {
      o.ports.clear();
      std::string list = value();
      for (size_t start = 0; start <= list.size();) {
        const size_t comma = std::min(list.find(',', start), list.size());
        o.ports.push_back(static_cast<uint16_t>(std::stoi(list.substr(start, comma - start))));
        start = comma + 1;
      }
    } else if (arg == "--path") {
      o.path = value();
    } else if (arg == "--query") {
      o.query = value();
    } else if (arg == "--clients") {
      o.clients = std::stoul(value());
    } else if (arg == "--threads") {
      o.threads = std::max(1, std::stoi(value()));
    } else if (arg == "--duration") {
      o.duration_s = std::stod(value());
    } else if (arg == "--idle") {
      o.idle_s = std::stod(value());
    } else if (arg == "--drive") {
      const std::string d = value();
      if (d != "sql" && d != "broadcast") {
        usage("--drive is sql or broadcast");
      }
      o.drive = d == "sql" ? UpdateDriver::Kind::Sql : UpdateDriver::Kind::Broadcast;
    } else if (arg == "--drive-path") {
      o.drive_path = value();
    } else if (arg == "--drive-port") {
      o.drive_port = static_cast<uint16_t>(std::stoi(value()));
    } else if (arg == "--rate") {
      o.rate = std::stod(value());
    } else if (arg == "--window") {
      o.window = std::max<size_t>(1, std::stoul(value()));
    } else if (arg == "--check") {
      o.check = true;
    } else {
      usage("unknown option " + arg);
    }
  }
  if (o.path.empty()) {
    o.path = o.websocket ? "/ws" : "/events";
  }
  if (o.drive && o.drive_path.empty()) {
    usage("--drive needs --drive-path");
  }
  if (o.drive_port == 0) {
    o.drive_port = o.ports.front();
  }
  return o;
}

//! What one IO thread's clients saw. Only the counters the driver polls are atomic.
struct WorkerStats {
  std::atomic<uint64_t> diffs{0};  // messages with a sequence, snapshots excluded
  std::atomic<size_t> ready{0};
  std::atomic<size_t> failed{0};
  std::atomic<size_t> closed{0};  // ready clients whose connection ended before the run did
  uint64_t gaps = 0;
  uint64_t duplicates = 0;
  uint64_t bytes = 0;
  UsHistogram latency;
  std::string first_error;
};

struct Worker {
  net::io_context ioc{1};
  WorkerStats stats;
  std::vector<char> read_buffer = std::vector<char>(256 * 1024);
  std::thread thread;
};

class Client {
 public:
  Client(Worker& worker, const Options& options, const std::string& request,
         const std::string& subscribe)
      : worker_(worker),
        options_(options),
        request_(request),
        subscribe_(subscribe),
        socket_(worker.ioc) {}

  void start(const tcp::endpoint& endpoint) {
    socket_.async_connect(endpoint, [this](const error_code& ec) {
      if (ec) {
        fail("connect", ec);
        return;
      }
      error_code ignored;
      socket_.set_option(tcp::no_delay(true), ignored);
      socket_.non_blocking(true, ignored);
      net::async_write(socket_, net::buffer(request_), [this](const error_code& ec, size_t) {
        if (ec) {
          fail("request", ec);
        }
      });
      waitReadable();
    });
  }

 private:
  void waitReadable() {
    socket_.async_wait(tcp::socket::wait_read, [this](const error_code& ec) { onReadable(ec); });
  }

  void onReadable(const error_code& ec) {
    if (ec) {
      fail("wait", ec);
      return;
    }
    std::vector<char>& buffer = worker_.read_buffer;
    for (;;) {
      error_code read_ec;
      const size_t n = socket_.read_some(net::buffer(buffer), read_ec);
      if (read_ec == net::error::would_block) {
        break;
      }
      if (read_ec) {
        fail("read", read_ec);
        return;
      }
      now_us_ = steadyNowUs();
      worker_.stats.bytes += n;
      if (!consume(std::string_view(buffer.data(), n))) {
        return;
      }
      if (n < buffer.size()) {
        break;  // drained: skip the read that would only say so
      }
    }
    if (local_diffs_ > 0) {
      worker_.stats.diffs.fetch_add(local_diffs_, std::memory_order_relaxed);
      local_diffs_ = 0;
    }
    waitReadable();
  }

  //! False when the client gave up (the socket is closed).
  bool consume(std::string_view bytes) {
    if (!head_done_) {
      head_.append(bytes);
      const size_t end = head_.find("\r\n\r\n");
      if (end == std::string::npos) {
        return true;
      }
      const std::string_view expected = options_.websocket ? " 101 " : " 200 ";
      if (head_.size() < 8 + expected.size() || head_.compare(8, expected.size(), expected) != 0) {
        fail(("answered " + head_.substr(0, head_.find("\r\n"))).c_str(), {});
        return false;
      }
      head_done_ = true;
      const std::string rest = head_.substr(end + 4);
      std::string().swap(head_);
      if (options_.websocket) {
        net::async_write(socket_, net::buffer(subscribe_), [this](const error_code& ec, size_t) {
          if (ec) {
            fail("subscribe", ec);
          }
        });
      } else {
        becomeReady();
      }
      if (rest.empty()) {
        return true;
      }
      return consume(std::string_view(rest));  // head_done_ now: parses the body
    }
    if (!options_.websocket) {
      sse_.feed(bytes, [this](const StreamMessage& m) { onMessage(m); });
      return true;
    }
    const bool ok = ws_.feed(bytes, [this](WsParser::Opcode op, std::string_view payload) {
      if (op == WsParser::Opcode::Text) {
        onMessage(StreamMessage{payload});
      } else if (op == WsParser::Opcode::Ping) {
        const std::string pong = wsClientFrame(WsParser::Opcode{10}, payload);
        error_code ignored;
        socket_.write_some(net::buffer(pong), ignored);
      } else if (op == WsParser::Opcode::Close) {
        closed_by_server_ = true;
      }
    });
    if (!ok) {
      fail("a malformed WebSocket frame", {});
      return false;
    }
    if (closed_by_server_) {
      fail("closed by the server", {});
      return false;
    }
    return true;
  }

  void onMessage(const StreamMessage& message) {
    const DiffFields fields = parseDiffFields(message.data);
    if (fields.snapshot) {
      sequence_.baseline(fields.sequence);
      becomeReady();
      return;
    }
    if (fields.sequence < 0) {
      return;  // pong, error, …: not a diff
    }
    sequence_.see(fields.sequence);
    if (message.event_id >= 0) {
      event_id_.see(message.event_id);
    }
    ++local_diffs_;
    if (fields.sent_us > 0) {
      worker_.stats.latency.record(now_us_ - fields.sent_us);
    }
  }

  void becomeReady() {
    if (!ready_) {
      ready_ = true;
      worker_.stats.ready.fetch_add(1, std::memory_order_relaxed);
    }
  }

  void fail(const char* what, const error_code& ec) {
    if (done_) {
      return;
    }
    done_ = true;
    if (worker_.stats.first_error.empty()) {
      worker_.stats.first_error = std::string(what) + (ec ? ": " + ec.message() : "");
    }
    if (ready_) {
      worker_.stats.closed.fetch_add(1, std::memory_order_relaxed);
    } else {
      worker_.stats.failed.fetch_add(1, std::memory_order_relaxed);
    }
    error_code ignored;
    socket_.close(ignored);
  }

 public:
  //! Folds this client's checks into its worker's; call once the IO threads have stopped.
  void report() {
    worker_.stats.gaps += sequence_.gaps + event_id_.gaps;
    worker_.stats.duplicates += sequence_.duplicates + event_id_.duplicates;
  }

 private:
  Worker& worker_;
  const Options& options_;
  const std::string& request_;
  const std::string& subscribe_;
  tcp::socket socket_;
  std::string head_;
  SseParser sse_;
  WsParser ws_;
  SequenceCheck sequence_;
  SequenceCheck event_id_;
  int64_t now_us_ = 0;
  uint64_t local_diffs_ = 0;
  bool head_done_ = false;
  bool ready_ = false;
  bool done_ = false;
  bool closed_by_server_ = false;
};

template <typename F>
size_t sum(const std::vector<std::unique_ptr<Worker>>& workers, F field) {
  size_t total = 0;
  for (const auto& w : workers) {
    total += field(w->stats);
  }
  return total;
}

uint64_t diffsReceived(const std::vector<std::unique_ptr<Worker>>& workers) {
  return sum(workers, [](const WorkerStats& s) { return s.diffs.load(std::memory_order_relaxed); });
}

size_t settled(const std::vector<std::unique_ptr<Worker>>& workers) {
  return sum(workers, [](const WorkerStats& s) { return s.ready.load() + s.failed.load(); });
}

//! Opens every client, a batch at a time so that the server's accept backlog keeps up.
void connectAll(const Options& o, const std::vector<std::unique_ptr<Client>>& clients,
                const std::vector<std::unique_ptr<Worker>>& workers) {
  constexpr size_t kBatch = 500;
  const auto address = net::ip::make_address(o.host);
  for (size_t i = 0; i < clients.size(); ++i) {
    Client* client = clients[i].get();
    const tcp::endpoint endpoint(address, o.ports[i % o.ports.size()]);
    net::post(workers[i % workers.size()]->ioc, [client, endpoint] { client->start(endpoint); });
    if ((i + 1) % kBatch == 0 || i + 1 == clients.size()) {
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (settled(workers) < i + 1 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
  }
}

struct DriveResult {
  uint64_t updates = 0;
  double seconds = 0;
  uint64_t diffs_during = 0;  // received while updates were going out
};

DriveResult drive(const Options& o, const std::vector<std::unique_ptr<Worker>>& workers,
                  size_t ready) {
  UpdateDriver driver(o.host, o.drive_port, o.drive_path, *o.drive);
  const uint64_t before = diffsReceived(workers);
  const auto start = std::chrono::steady_clock::now();
  const auto end = start + std::chrono::duration<double>(o.duration_s);
  DriveResult result;
  while (std::chrono::steady_clock::now() < end) {
    if (o.rate > 0) {
      std::this_thread::sleep_until(
          start + std::chrono::duration<double>(static_cast<double>(result.updates) / o.rate));
    } else {
      // Closed loop: wait while more than `window` updates are not yet everywhere. Sleeping,
      // not spinning: the server under test needs these cores.
      while (result.updates > o.window &&
             diffsReceived(workers) - before < (result.updates - o.window) * ready &&
             std::chrono::steady_clock::now() < end) {
        std::this_thread::sleep_for(std::chrono::microseconds(50));
      }
    }
    if (std::chrono::steady_clock::now() >= end) {
      break;
    }
    driver.send();
    ++result.updates;
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.diffs_during = diffsReceived(workers) - before;
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parseOptions(argc, argv);
  const livedash::core::FdLimit fds = livedash::core::raiseFdLimit();
  fmt::print("open files: up to {} (soft limit was {}, hard limit {}){}\n", fds.soft,
             fds.soft_before, fds.hard, fds.error.empty() ? "" : "; " + fds.error);

  const std::string request = o.websocket ? "GET " + o.path + " HTTP/1.1\r\nHost: " + o.host +
                                                "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                                "Sec-WebSocket-Version: 13\r\n\r\n"
                                          : "GET " + o.path + " HTTP/1.1\r\nHost: " + o.host +
                                                "\r\nAccept: text/event-stream\r\n\r\n";
  const std::string subscribe =
      wsClientFrame(WsParser::Opcode::Text, R"({"op":"subscribe","query":")" + o.query + R"("})");

  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
  for (int t = 0; t < o.threads; ++t) {
    workers.push_back(std::make_unique<Worker>());
    guards.push_back(net::make_work_guard(workers.back()->ioc));
    Worker* w = workers.back().get();
    w->thread = std::thread([w] { w->ioc.run(); });
  }
  std::vector<std::unique_ptr<Client>> clients;
  clients.reserve(o.clients);
  for (size_t i = 0; i < o.clients; ++i) {
    clients.push_back(
        std::make_unique<Client>(*workers[i % workers.size()], o, request, subscribe));
  }

  const auto connect_start = std::chrono::steady_clock::now();
  connectAll(o, clients, workers);
  const size_t ready = sum(workers, [](const WorkerStats& s) { return s.ready.load(); });
  const double connect_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - connect_start).count();
  fmt::print("ready: {} of {} clients connected in {:.2f} s\n", ready, o.clients, connect_s);
  std::fflush(stdout);
  if (o.idle_s > 0) {
    std::this_thread::sleep_for(std::chrono::duration<double>(o.idle_s));
  }

  DriveResult result;
  std::string drive_error;
  if (o.drive && ready > 0) {
    try {
      result = drive(o, workers, ready);
    } catch (const std::exception& e) {
      drive_error = e.what();
    }
    // Let what is in flight arrive, so that a missing message is a loss and not a straggler
    // (a saturated baseline at 10,000 clients can be seconds behind).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (diffsReceived(workers) < result.updates * ready &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  for (auto& g : guards) {
    g.reset();
  }
  for (auto& w : workers) {
    w->ioc.stop();
    w->thread.join();
  }
  for (auto& c : clients) {
    c->report();
  }
  UsHistogram latency;
  uint64_t gaps = 0, duplicates = 0, bytes = 0;
  std::string first_error;
  for (const auto& w : workers) {
    latency.merge(w->stats.latency);
    gaps += w->stats.gaps;
    duplicates += w->stats.duplicates;
    bytes += w->stats.bytes;
    if (first_error.empty()) {
      first_error = w->stats.first_error;
    }
  }
  const uint64_t received = diffsReceived(workers);
  const size_t failed = sum(workers, [](const WorkerStats& s) { return s.failed.load(); });
  const size_t closed = sum(workers, [](const WorkerStats& s) { return s.closed.load(); });
  const uint64_t expected = result.updates * ready;
  const uint64_t missing = expected > received ? expected - received : 0;
  const double msg_per_s =
      result.seconds > 0 ? static_cast<double>(result.diffs_during) / result.seconds : 0;

  fmt::print(
      "RESULT protocol={} clients={} connected={} failed={} closed={} updates={} seconds={:.2f} "
      "updates_per_s={:.0f} messages={} msg_per_s={:.0f} p50_us={} p99_us={} max_us={} gaps={} "
      "duplicates={} missing={} bytes={}\n",
      o.websocket ? "ws" : "sse", o.clients, ready, failed, closed, result.updates, result.seconds,
      result.seconds > 0 ? static_cast<double>(result.updates) / result.seconds : 0, received,
      msg_per_s, latency.percentile(50), latency.percentile(99), latency.max(), gaps, duplicates,
      missing, bytes);
  if (!first_error.empty()) {
    fmt::print("first client error: {}\n", first_error);
  }
  if (!drive_error.empty()) {
    fmt::print("driver error: {}\n", drive_error);
  }
  std::fflush(stdout);
  if (!o.check) {
    return drive_error.empty() ? 0 : 1;
  }
  const bool clean = drive_error.empty() && ready == o.clients && closed == 0 && gaps == 0 &&
                     duplicates == 0 && missing == 0 && received > 0;
  if (!clean) {
    fmt::print(
        "CHECK FAILED: every client must connect, get every update, and see no gap or "
        "duplicate\n");
  }
  // Clients close with their sockets here; std::exit skips nothing this program needs.
  return clean ? 0 : 1;
}
