// tests/unit/reactions/https_client_test.cpp
//
// Webhook deliveries over TLS against a real TLS server: the certificate chain and the host name
// are verified (against a given CA file, or the system's CAs), the host name goes out as SNI,
// and a certificate livedash should not trust is refused rather than used.
#include <gtest/gtest.h>

#include "server/http_client.hpp"
#include "unit/reactions/tls_test_server.hpp"

namespace livedash::reactions {
namespace {

server::HttpClientRequest post(const std::string& url, std::string ca_file) {
  server::HttpClientRequest request;
  request.url = url;
  request.body = R"({"order":7})";
  request.timeout = std::chrono::milliseconds(3000);
  request.ca_file = std::move(ca_file);
  return request;
}

TEST(HttpsClient, PostsOverTlsToAServerItsCaFileTrusts) {
  test::TlsTestServer tls("DNS:localhost,IP:127.0.0.1");
  const std::string url = "https://localhost:" + std::to_string(tls.port()) + "/hooks?x=1";
  server::HttpClientResponse r = server::sendHttpRequest(post(url, tls.certificateFile()));
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, "ok");
  std::vector<test::TlsRequest> got = tls.requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].head.rfind("POST /hooks?x=1 HTTP/1.1\r\n", 0), 0u) << got[0].head;
  EXPECT_NE(got[0].head.find("Host: localhost:" + std::to_string(tls.port())), std::string::npos);
  EXPECT_EQ(got[0].body, R"({"order":7})");
  EXPECT_EQ(got[0].server_name, "localhost") << "the host name goes out as SNI";

  // An IP address in the URL is checked against the certificate's IP entries.
  r = server::sendHttpRequest(
      post("https://127.0.0.1:" + std::to_string(tls.port()) + "/", tls.certificateFile()));
  EXPECT_EQ(r.status, 200) << r.error;
}

TEST(HttpsClient, RefusesACertificateNoTrustedCaSigned) {
  test::TlsTestServer tls("DNS:localhost");
  // The system's CAs do not include this self-signed certificate.
  server::HttpClientResponse r =
      server::sendHttpRequest(post("https://localhost:" + std::to_string(tls.port()) + "/", ""));
  EXPECT_FALSE(r.answered());
  EXPECT_NE(r.error.find("TLS handshake"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("certificate verify failed"), std::string::npos) << r.error;
  EXPECT_FALSE(r.invalid_request) << "the server may get a trusted certificate: retry";
  EXPECT_TRUE(tls.requests().empty()) << "nothing is sent to an untrusted server";
}

TEST(HttpsClient, RefusesATrustedCertificateForAnotherHost) {
  test::TlsTestServer tls("DNS:hooks.example.com");
  server::HttpClientResponse r = server::sendHttpRequest(
      post("https://localhost:" + std::to_string(tls.port()) + "/", tls.certificateFile()));
  EXPECT_FALSE(r.answered());
  EXPECT_NE(r.error.find("certificate verify failed"), std::string::npos) << r.error;
  EXPECT_TRUE(tls.requests().empty());
}

TEST(HttpsClient, AnUnreadableCaFileIsAPermanentError) {
  server::HttpClientResponse r =
      server::sendHttpRequest(post("https://localhost:1/", "/nonexistent/ca.pem"));
  EXPECT_FALSE(r.answered());
  EXPECT_TRUE(r.invalid_request);
  EXPECT_NE(r.error.find("/nonexistent/ca.pem"), std::string::npos) << r.error;
}

}  // namespace
}  // namespace livedash::reactions
