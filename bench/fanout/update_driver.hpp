// bench/fanout/update_driver.hpp
//
// The benchmark's writer: one keep-alive HTTP connection that posts one update at a time and
// stamps each with the moment it was sent (steady clock, microseconds), so that latency can be
// measured from the write rather than from livedash's millisecond commit time. For livedash the
// update is an UPDATE through the embedded source's SQL endpoint; for the baselines it is a
// `POST /broadcast` of the stamp.
#pragma once

#include <cstdint>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace livedash::bench {

//! Microseconds on the steady clock: what `sentUs` carries and what receivers compare it with.
int64_t steadyNowUs();

class UpdateDriver {
 public:
  enum class Kind { Sql, Broadcast };

  UpdateDriver(std::string host, uint16_t port, std::string path, Kind kind);

  //! Posts one update and waits for its 2xx answer; throws std::runtime_error otherwise.
  void send();

 private:
  void connect();
  std::string request(int64_t sent_us) const;

  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::socket socket_;
  std::string host_;
  uint16_t port_;
  std::string path_;
  Kind kind_;
  std::string buffer_;
};

}  // namespace livedash::bench
