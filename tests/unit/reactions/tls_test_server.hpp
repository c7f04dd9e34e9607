// tests/unit/reactions/tls_test_server.hpp
//
// An HTTPS endpoint on 127.0.0.1:0 for tests of outgoing TLS: a fresh key and a certificate for
// the names asked for, made with OpenSSL at construction (no files, no openssl CLI), and a server
// thread that answers each request with 200. It records each request's head and body and the
// host name the client sent (SNI). Header-only because the test binary only compiles *_test.cpp.
#pragma once

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "unit/reactions/loopback_listener.hpp"

namespace livedash::reactions::test {

struct TlsRequest {
  std::string head;
  std::string body;
  std::string server_name;  //!< SNI, empty if the client sent none
};

class TlsTestServer {
 public:
  //! `alt_names` is the certificate's subjectAltName, such as "DNS:localhost,IP:127.0.0.1".
  explicit TlsTestServer(const std::string& alt_names) {
    key_ = EVP_EC_gen("P-256");
    cert_ = X509_new();
    X509_set_version(cert_, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert_), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert_), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert_), 3600);
    X509_NAME* name = X509_get_subject_name(cert_);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("livedash test"), -1, -1, 0);
    X509_set_issuer_name(cert_, name);
    X509_set_pubkey(cert_, key_);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert_, cert_, nullptr, nullptr, 0);
    X509_EXTENSION* san =
        X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, alt_names.c_str());
    X509_add_ext(cert_, san, -1);
    X509_EXTENSION_free(san);
    X509_sign(cert_, key_, EVP_sha256());

    ssl_ = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate(ssl_, cert_);
    SSL_CTX_use_PrivateKey(ssl_, key_);

    listen_fd_ = listenOnLoopback(port_);
    thread_ = std::thread([this] { serve(); });
  }

  ~TlsTestServer() {
    stopping_ = true;
    thread_.join();
    ::close(listen_fd_);
    SSL_CTX_free(ssl_);
    X509_free(cert_);
    EVP_PKEY_free(key_);
    if (!cert_file_.empty()) {
      std::filesystem::remove(cert_file_);
    }
  }

  uint16_t port() const { return port_; }

  //! The certificate as a PEM file, for a client to trust as its CA file.
  std::string certificateFile() {
    if (cert_file_.empty()) {
      cert_file_ = (std::filesystem::temp_directory_path() /
                    ("livedash-test-ca-" + std::to_string(::getpid()) + "-" +
                     std::to_string(port_) + ".pem"))
                       .string();
      FILE* f = std::fopen(cert_file_.c_str(), "w");
      PEM_write_X509(f, cert_);
      std::fclose(f);
    }
    return cert_file_;
  }

  std::vector<TlsRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  //! Connections whose TLS handshake failed (the client refused the certificate).
  int failedHandshakes() const { return failed_handshakes_.load(); }

 private:
  void serve() {
    while (!stopping_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) {
        continue;
      }
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) {
        continue;
      }
      timeval timeout{2, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
      SSL* ssl = SSL_new(ssl_);
      SSL_set_fd(ssl, fd);
      if (SSL_accept(ssl) == 1) {
        handle(ssl);
      } else {
        ++failed_handshakes_;
      }
      SSL_free(ssl);
      ::close(fd);
    }
  }

  void handle(SSL* ssl) {
    TlsRequest request;
    if (const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name)) {
      request.server_name = sni;
    }
    std::string in;
    char buf[4096];
    size_t length = 0;
    size_t body_start = std::string::npos;
    while (body_start == std::string::npos || in.size() < body_start + length) {
      int n = SSL_read(ssl, buf, sizeof(buf));
      if (n <= 0) {
        return;
      }
      in.append(buf, static_cast<size_t>(n));
      if (body_start == std::string::npos && in.find("\r\n\r\n") != std::string::npos) {
        body_start = in.find("\r\n\r\n") + 4;
        request.head = in.substr(0, body_start);
        size_t at = request.head.find("Content-Length: ");
        length = at == std::string::npos ? 0 : std::stoul(request.head.substr(at + 16));
      }
    }
    request.body = in.substr(body_start, length);
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(std::move(request));
    }
    const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    SSL_write(ssl, reply.data(), static_cast<int>(reply.size()));
    SSL_shutdown(ssl);
  }

  EVP_PKEY* key_ = nullptr;
  X509* cert_ = nullptr;
  SSL_CTX* ssl_ = nullptr;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::string cert_file_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> failed_handshakes_{0};
  mutable std::mutex mutex_;
  std::vector<TlsRequest> requests_;
  std::thread thread_;
};

}  // namespace livedash::reactions::test
