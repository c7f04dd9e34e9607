// src/server/ws_session.cpp
//
// The WebSocket handshake, the one thing Beast's websocket stream still does here: it checks the
// upgrade request, answers it (or answers a bad one with its own 400), and hands the plain socket
// to ws_connection.cpp, which frames every byte itself. Beast would otherwise write pongs and
// close replies from inside its reads, which could land in the middle of our gather writes.
#include "server/ws_session.hpp"

#include <chrono>
#include <memory>

#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "server/ws_connection.hpp"
#include "server/ws_hub.hpp"

namespace livedash::server {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

class WsHandshake final : public std::enable_shared_from_this<WsHandshake> {
 public:
  WsHandshake(tcp::socket socket, ConnectionSlot slot, WsHub& hub)
      : ws_(std::move(socket)), slot_(std::move(slot)), hub_(hub) {}

  void start(const HttpRequest& request) {
    token_ = request.token;
    http::request<http::empty_body> upgrade{http::verb::get, request.target, 11};
    for (const auto& [name, value] : request.headers) {
      upgrade.insert(name, value);
    }
    // Only the handshake is timed here; liveness afterwards is the hub's sweep.
    auto timeout = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeout.idle_timeout = websocket::stream_base::none();
    timeout.keep_alive_pings = false;
    ws_.set_option(timeout);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "livedash"); }));
    ws_.async_accept(upgrade,
                     [self = shared_from_this()](const error_code& ec) { self->onHandshake(ec); });
  }

 private:
  void onHandshake(const error_code& ec) {
    if (ec) {
      return;  // the socket closes with this object
    }
    serveWsConnection(std::move(ws_.next_layer()), std::move(slot_), hub_, token_);
  }

  websocket::stream<tcp::socket> ws_;
  ConnectionSlot slot_;
  WsHub& hub_;
  const AccessToken* token_ = nullptr;
};

}  // namespace

void startWsSession(tcp::socket socket, HttpRequest request, ConnectionSlot slot, WsHub& hub) {
  std::make_shared<WsHandshake>(std::move(socket), std::move(slot), hub)->start(request);
}

}  // namespace livedash::server
