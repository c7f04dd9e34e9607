// bench/fanout/update_driver.cpp
#include "fanout/update_driver.hpp"

#include <charconv>
#include <chrono>
#include <stdexcept>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

namespace livedash::bench {

namespace net = boost::asio;
using tcp = net::ip::tcp;

int64_t steadyNowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

UpdateDriver::UpdateDriver(std::string host, uint16_t port, std::string path, Kind kind)
    : socket_(ioc_), host_(std::move(host)), port_(port), path_(std::move(path)), kind_(kind) {
  connect();
}

void UpdateDriver::connect() {
  socket_ = tcp::socket(ioc_);
  socket_.connect(tcp::endpoint(net::ip::make_address(host_), port_));
  socket_.set_option(tcp::no_delay(true));
}

std::string UpdateDriver::request(int64_t sent_us) const {
  const std::string stamp = std::to_string(sent_us);
  const std::string body =
      kind_ == Kind::Sql
          ? R"({"sql":"UPDATE ticks SET n = n + 1, sent_us = )" + stamp + R"( WHERE id = 1"})"
          : R"({"sentUs":)" + stamp + "}";
  return "POST " + path_ + " HTTP/1.1\r\nHost: " + host_ +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

void UpdateDriver::send() {
  const std::string req = request(steadyNowUs());
  net::write(socket_, net::buffer(req));
  const size_t head_end = net::read_until(socket_, net::dynamic_buffer(buffer_), "\r\n\r\n");
  const std::string_view head(buffer_.data(), head_end);
  int status = 0;
  if (head.size() > 12) {
    std::from_chars(head.data() + 9, head.data() + 12, status);
  }
  size_t length = 0;
  for (std::string_view name : {"Content-Length: ", "content-length: "}) {
    if (const size_t at = head.find(name); at != std::string_view::npos) {
      std::from_chars(head.data() + at + name.size(), head.data() + head.size(), length);
    }
  }
  if (head.find("hunked") != std::string_view::npos) {
    throw std::runtime_error("the update's answer is chunked; give it a Content-Length");
  }
  const bool closes = head.find("onnection: close") != std::string_view::npos;
  if (buffer_.size() < head_end + length) {
    net::read(socket_, net::dynamic_buffer(buffer_),
              net::transfer_exactly(head_end + length - buffer_.size()));
  }
  const std::string body = buffer_.substr(head_end, length);
  buffer_.erase(0, head_end + length);
  if (status < 200 || status >= 300) {
    throw std::runtime_error("update answered " + std::to_string(status) + ": " + body);
  }
  if (closes) {
    connect();
  }
}

}  // namespace livedash::bench
