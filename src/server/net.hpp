// src/server/net.hpp
//
// Asio in one place, for the server's internal headers (as Beast's chat-multi example does).
// Only src/server .cpp files include this; the public headers (http_server.hpp, http_types.hpp)
// stay free of Asio and Beast. Beast itself is included by http_session.cpp, ws_session.cpp
// and http_client.cpp alone.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

namespace livedash::server {

namespace net = boost::asio;
using boost::asio::ip::tcp;
using boost::system::error_code;

}  // namespace livedash::server
