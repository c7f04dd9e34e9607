// src/reactions/jetstream/nats_client.hpp
//
// The little of JetStream livedash uses, over libnats (the C client), with RAII and exceptions:
// a stream, a key-value bucket, publishing with a message id, the last message of a subject, and
// an ordered consumer of one subject. No libnats type leaks out of this header.
//
// Threading: one NatsClient may be used from several threads (libnats connections are
// thread-safe); a NatsSubscription belongs to the thread that reads it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace livedash::reactions {

//! A message as JetStream stored it.
struct StoredMessage {
  uint64_t stream_sequence = 0;
  std::string subject;
  std::string data;
  std::map<std::string, std::string> headers;
};

//! A key's value in a bucket, with when JetStream stored it.
struct KvValue {
  std::string value;
  uint64_t revision = 0;
  int64_t created_ms = 0;  //!< the server's clock, ms since the epoch
};

class NatsSubscription;
using NatsSubscriptionPtr = std::unique_ptr<NatsSubscription>;

struct NatsClientOptions {
  std::vector<std::string> servers;
  //! Shown by the server for this connection (`livedash engine-a`).
  std::string name;
  //! How long each JetStream request waits for the cluster's answer.
  int64_t request_timeout_ms = 5000;
};

class NatsClient {
 public:
  //! Connects to any of the servers; reconnects (to any of them) for ever after. Throws
  //! core::Error when none answers.
  explicit NatsClient(const NatsClientOptions& options);
  ~NatsClient();
  NatsClient(const NatsClient&) = delete;
  NatsClient& operator=(const NatsClient&) = delete;

  //! Creates the stream, or updates its subjects and replicas. File storage; duplicates are
  //! recognised by message id for `duplicate_window_ms`.
  void ensureStream(const std::string& name, const std::vector<std::string>& subjects,
                    uint32_t replicas, int64_t duplicate_window_ms);
  //! Creates the bucket (history 1) unless it exists.
  void ensureBucket(const std::string& bucket, uint32_t replicas);

  //! Publishes and waits for the stream's acknowledgement; returns the stream sequence (the
  //! original one when JetStream recognised `msg_id` as a duplicate). Throws core::Error.
  uint64_t publish(const std::string& subject, std::string_view data, const std::string& msg_id,
                   const std::map<std::string, std::string>& headers);
  //! The last message stored on `subject`; nullopt when there is none. Throws core::Error.
  std::optional<StoredMessage> lastMessage(const std::string& stream, const std::string& subject);

  void put(const std::string& bucket, const std::string& key, std::string_view value);
  //! nullopt when the key has no value.
  std::optional<KvValue> entry(const std::string& bucket, const std::string& key);
  std::optional<std::string> get(const std::string& bucket, const std::string& key) {
    std::optional<KvValue> e = entry(bucket, key);
    return e ? std::optional<std::string>(std::move(e->value)) : std::nullopt;
  }

  //! The first message stored on `subject` at or after stream sequence `start`, fetched once
  //! through a pull consumer (nothing is pushed, so nothing is in flight when it goes); nullopt
  //! when none arrives within `timeout_ms`. Throws core::Error.
  std::optional<StoredMessage> firstMessageFrom(const std::string& stream,
                                                const std::string& subject, uint64_t start,
                                                int64_t timeout_ms);
  //! Hands `each` the messages of `subject` from stream sequence `first` until the one at or
  //! past `last` (which must exist), or until `each` returns false. Throws core::Error when
  //! JetStream fails or a fetch brings nothing within `timeout_ms`.
  void readRange(const std::string& stream, const std::string& subject, uint64_t first,
                 uint64_t last, int64_t timeout_ms,
                 const std::function<bool(const StoredMessage&)>& each);
  //! An ordered push consumer of `subject` from stream sequence `start` (1: the beginning).
  NatsSubscriptionPtr subscribe(const std::string& stream, const std::string& subject,
                                uint64_t start);

  //! Whether the connection is up right now (it reconnects by itself).
  bool connected() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};
using NatsClientPtr = std::unique_ptr<NatsClient>;

class NatsSubscription {
 public:
  ~NatsSubscription();
  NatsSubscription(const NatsSubscription&) = delete;
  NatsSubscription& operator=(const NatsSubscription&) = delete;
  //! The next message, or nullopt after `timeout_ms` without one.
  std::optional<StoredMessage> next(int64_t timeout_ms);

 private:
  friend class NatsClient;
  struct State;
  explicit NatsSubscription(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace livedash::reactions
