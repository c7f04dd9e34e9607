// src/reactions/jetstream/nats_client.cpp
//
// The only file that includes libnats. Every call's status is checked and turned into a
// core::Error that says what was being done and what the server answered.
#include "reactions/jetstream/nats_client.hpp"

#include <cstdlib>
#include <mutex>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nats/nats.h>

#include "core/error.hpp"

namespace livedash::reactions {
namespace {

[[noreturn]] void fail(std::string_view what, natsStatus s, jsErrCode js_error = jsErrCode(0)) {
  const char* detail = nats_GetLastError(nullptr);
  std::string message = fmt::format("jetstream: {}: {}", what, natsStatus_GetText(s));
  if (detail && *detail) {
    message += fmt::format(" ({})", detail);
  }
  if (js_error != 0) {
    message += fmt::format(" [error {}]", static_cast<int>(js_error));
  }
  throw core::Error(core::ErrorCode::Internal, std::move(message));
}

void check(natsStatus s, std::string_view what) {
  if (s != NATS_OK) {
    fail(what, s);
  }
}

StoredMessage toStored(natsMsg* msg) {
  StoredMessage out;
  out.stream_sequence = natsMsg_GetSequence(msg);
  if (out.stream_sequence == 0) {
    // Delivered by a consumer rather than fetched: the sequence is in the reply subject.
    jsMsgMetaData* meta = nullptr;
    if (natsMsg_GetMetaData(&meta, msg) == NATS_OK) {
      out.stream_sequence = meta->Sequence.Stream;
      jsMsgMetaData_Destroy(meta);
    }
  }
  out.subject = natsMsg_GetSubject(msg);
  out.data.assign(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg)));
  const char** keys = nullptr;
  int count = 0;
  if (natsMsgHeader_Keys(msg, &keys, &count) == NATS_OK) {
    for (int i = 0; i < count; ++i) {
      const char* value = nullptr;
      if (natsMsgHeader_Get(msg, keys[i], &value) == NATS_OK && value) {
        out.headers[keys[i]] = value;
      }
    }
    free(static_cast<void*>(keys));
  }
  return out;
}

}  // namespace

struct NatsClient::State {
  natsConnection* connection = nullptr;
  jsCtx* js = nullptr;
  std::mutex buckets_mutex;
  std::map<std::string, kvStore*> buckets;

  kvStore* bucket(const std::string& name) {
    std::lock_guard lock(buckets_mutex);
    auto it = buckets.find(name);
    if (it != buckets.end()) {
      return it->second;
    }
    kvStore* kv = nullptr;
    check(js_KeyValue(&kv, js, name.c_str()), fmt::format("open bucket `{}`", name));
    buckets.emplace(name, kv);
    return kv;
  }
};

struct NatsSubscription::State {
  natsSubscription* sub = nullptr;
};

NatsClient::NatsClient(const NatsClientOptions& options) : state_(std::make_unique<State>()) {
  natsOptions* opts = nullptr;
  check(natsOptions_Create(&opts), "create options");
  std::vector<const char*> servers;
  for (const std::string& s : options.servers) {
    servers.push_back(s.c_str());
  }
  natsStatus s = natsOptions_SetServers(opts, servers.data(), static_cast<int>(servers.size()));
  if (s == NATS_OK && !options.name.empty()) {
    s = natsOptions_SetName(opts, options.name.c_str());
  }
  // A JetStream node going away is routine: keep trying the others for ever.
  if (s == NATS_OK) {
    s = natsOptions_SetMaxReconnect(opts, -1);
  }
  if (s == NATS_OK) {
    s = natsOptions_SetReconnectWait(opts, 100);
  }
  if (s == NATS_OK) {
    s = natsConnection_Connect(&state_->connection, opts);
  }
  natsOptions_Destroy(opts);
  check(s, fmt::format("connect to {}", fmt::join(options.servers, ", ")));
  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.Wait = options.request_timeout_ms;
  s = natsConnection_JetStream(&state_->js, state_->connection, &js_options);
  if (s != NATS_OK) {
    natsConnection_Destroy(state_->connection);
    fail("open the JetStream context", s);
  }
}

NatsClient::~NatsClient() {
  for (auto& [name, kv] : state_->buckets) {
    kvStore_Destroy(kv);
  }
  jsCtx_Destroy(state_->js);
  natsConnection_Destroy(state_->connection);
}

void NatsClient::ensureStream(const std::string& name, const std::vector<std::string>& subjects,
                              uint32_t replicas, int64_t duplicate_window_ms) {
  std::vector<const char*> subject_ptrs;
  for (const std::string& s : subjects) {
    subject_ptrs.push_back(s.c_str());
  }
  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  cfg.Name = name.c_str();
  cfg.Subjects = subject_ptrs.data();
  cfg.SubjectsLen = static_cast<int>(subject_ptrs.size());
  cfg.Storage = js_FileStorage;
  cfg.Replicas = replicas;
  cfg.Duplicates = duplicate_window_ms * 1'000'000;
  jsStreamInfo* info = nullptr;
  jsErrCode js_error = jsErrCode(0);
  natsStatus s = js_AddStream(&info, state_->js, &cfg, nullptr, &js_error);
  if (s != NATS_OK && js_error == JSStreamNameExistErr) {
    s = js_UpdateStream(&info, state_->js, &cfg, nullptr, &js_error);
  }
  if (s != NATS_OK) {
    fail(fmt::format("create stream `{}`", name), s, js_error);
  }
  jsStreamInfo_Destroy(info);
}

void NatsClient::ensureBucket(const std::string& bucket, uint32_t replicas) {
  kvConfig cfg;
  kvConfig_Init(&cfg);
  cfg.Bucket = bucket.c_str();
  cfg.History = 1;
  cfg.Replicas = static_cast<int>(replicas);
  cfg.StorageType = js_FileStorage;
  kvStore* kv = nullptr;
  natsStatus s = js_CreateKeyValue(&kv, state_->js, &cfg);
  if (s != NATS_OK) {
    // It exists already, perhaps with other settings: use it as it is.
    s = js_KeyValue(&kv, state_->js, bucket.c_str());
  }
  check(s, fmt::format("create bucket `{}`", bucket));
  std::lock_guard lock(state_->buckets_mutex);
  if (!state_->buckets.emplace(bucket, kv).second) {
    kvStore_Destroy(kv);
  }
}

uint64_t NatsClient::publish(const std::string& subject, std::string_view data,
                             const std::string& msg_id,
                             const std::map<std::string, std::string>& headers) {
  natsMsg* msg = nullptr;
  check(natsMsg_Create(&msg, subject.c_str(), nullptr, data.data(), static_cast<int>(data.size())),
        "create a message");
  natsStatus s = NATS_OK;
  for (const auto& [key, value] : headers) {
    if (s == NATS_OK) {
      s = natsMsgHeader_Set(msg, key.c_str(), value.c_str());
    }
  }
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MsgId = msg_id.c_str();
  jsPubAck* ack = nullptr;
  jsErrCode js_error = jsErrCode(0);
  if (s == NATS_OK) {
    s = js_PublishMsg(&ack, state_->js, msg, &po, &js_error);
  }
  natsMsg_Destroy(msg);
  if (s != NATS_OK) {
    fail(fmt::format("publish to `{}`", subject), s, js_error);
  }
  uint64_t sequence = ack->Sequence;
  jsPubAck_Destroy(ack);
  return sequence;
}

std::optional<StoredMessage> NatsClient::lastMessage(const std::string& stream,
                                                     const std::string& subject) {
  natsMsg* msg = nullptr;
  jsErrCode js_error = jsErrCode(0);
  natsStatus s =
      js_GetLastMsg(&msg, state_->js, stream.c_str(), subject.c_str(), nullptr, &js_error);
  if (s == NATS_NOT_FOUND) {
    return std::nullopt;
  }
  if (s != NATS_OK) {
    fail(fmt::format("read the last message of `{}`", subject), s, js_error);
  }
  StoredMessage out = toStored(msg);
  natsMsg_Destroy(msg);
  return out;
}

void NatsClient::put(const std::string& bucket, const std::string& key, std::string_view value) {
  uint64_t revision = 0;
  check(kvStore_Put(&revision, state_->bucket(bucket), key.c_str(), value.data(),
                    static_cast<int>(value.size())),
        fmt::format("put `{}` in bucket `{}`", key, bucket));
}

std::optional<KvValue> NatsClient::entry(const std::string& bucket, const std::string& key) {
  kvEntry* entry = nullptr;
  natsStatus s = kvStore_Get(&entry, state_->bucket(bucket), key.c_str());
  if (s == NATS_NOT_FOUND) {
    return std::nullopt;
  }
  check(s, fmt::format("get `{}` from bucket `{}`", key, bucket));
  KvValue out;
  out.value.assign(static_cast<const char*>(kvEntry_Value(entry)),
                   static_cast<size_t>(kvEntry_ValueLen(entry)));
  out.revision = kvEntry_Revision(entry);
  // libnats gives the stored message's time in nanoseconds.
  out.created_ms = kvEntry_Created(entry) / 1'000'000;
  kvEntry_Destroy(entry);
  return out;
}

NatsSubscriptionPtr NatsClient::subscribe(const std::string& stream, const std::string& subject,
                                          uint64_t start) {
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = stream.c_str();
  // An ordered consumer recreates itself after a gap or a lost node, resuming where it was.
  so.Ordered = true;
  so.Config.DeliverPolicy = js_DeliverByStartSequence;
  so.Config.OptStartSeq = start < 1 ? 1 : start;
  auto state = std::make_unique<NatsSubscription::State>();
  jsErrCode js_error = jsErrCode(0);
  natsStatus s =
      js_SubscribeSync(&state->sub, state_->js, subject.c_str(), nullptr, &so, &js_error);
  if (s != NATS_OK) {
    fail(fmt::format("subscribe to `{}`", subject), s, js_error);
  }
  return NatsSubscriptionPtr(new NatsSubscription(std::move(state)));
}

namespace {

//! An ephemeral pull consumer of one subject from a stream sequence, deleted with the object.
//! Short reads use it instead of an ordered push consumer: destroying an ordered consumer while
//! the server still pushed to it crashed libnats 3.4's reader thread (a message handed to the
//! freed subscription). A pull consumer receives only what it fetched.
class PullReader {
 public:
  PullReader(jsCtx* js, const std::string& stream, const std::string& subject, uint64_t start)
      : subject_(subject) {
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = stream.c_str();
    so.Config.DeliverPolicy = js_DeliverByStartSequence;
    so.Config.OptStartSeq = start < 1 ? 1 : start;
    so.Config.AckPolicy = js_AckNone;
    jsErrCode js_error = jsErrCode(0);
    natsStatus s = js_PullSubscribe(&sub_, js, subject.c_str(), nullptr, nullptr, &so, &js_error);
    if (s != NATS_OK) {
      fail(fmt::format("open a pull consumer on `{}`", subject), s, js_error);
    }
  }
  ~PullReader() { natsSubscription_Destroy(sub_); }
  PullReader(const PullReader&) = delete;
  PullReader& operator=(const PullReader&) = delete;

  //! Up to `batch` messages; empty when none came within `timeout_ms`.
  std::vector<StoredMessage> fetch(int batch, int64_t timeout_ms) {
    natsMsgList list = {nullptr, 0};
    jsErrCode js_error = jsErrCode(0);
    natsStatus s = natsSubscription_Fetch(&list, sub_, batch, timeout_ms, &js_error);
    std::vector<StoredMessage> out;
    for (int i = 0; s == NATS_OK && i < list.Count; ++i) {
      out.push_back(toStored(list.Msgs[i]));
    }
    natsMsgList_Destroy(&list);
    if (s != NATS_OK && s != NATS_TIMEOUT) {
      fail(fmt::format("fetch from `{}`", subject_), s, js_error);
    }
    return out;
  }

 private:
  std::string subject_;
  natsSubscription* sub_ = nullptr;
};

}  // namespace

std::optional<StoredMessage> NatsClient::firstMessageFrom(const std::string& stream,
                                                          const std::string& subject,
                                                          uint64_t start, int64_t timeout_ms) {
  std::vector<StoredMessage> messages =
      PullReader(state_->js, stream, subject, start).fetch(1, timeout_ms);
  if (messages.empty()) {
    return std::nullopt;
  }
  return std::move(messages.front());
}

void NatsClient::readRange(const std::string& stream, const std::string& subject, uint64_t first,
                           uint64_t last, int64_t timeout_ms,
                           const std::function<bool(const StoredMessage&)>& each) {
  PullReader reader(state_->js, stream, subject, first);
  for (;;) {
    std::vector<StoredMessage> messages = reader.fetch(256, timeout_ms);
    if (messages.empty()) {
      throw core::Error(core::ErrorCode::Internal,
                        fmt::format("jetstream: timed out reading `{}`", subject));
    }
    for (const StoredMessage& msg : messages) {
      if (!each(msg) || msg.stream_sequence >= last) {
        return;
      }
    }
  }
}

bool NatsClient::connected() const {
  return natsConnection_Status(state_->connection) == NATS_CONN_STATUS_CONNECTED;
}

NatsSubscription::NatsSubscription(std::unique_ptr<State> state) : state_(std::move(state)) {}

NatsSubscription::~NatsSubscription() {
  natsSubscription_Destroy(state_->sub);
}

std::optional<StoredMessage> NatsSubscription::next(int64_t timeout_ms) {
  natsMsg* msg = nullptr;
  natsStatus s = natsSubscription_NextMsg(&msg, state_->sub, timeout_ms);
  if (s == NATS_TIMEOUT) {
    return std::nullopt;
  }
  check(s, "read a subscription");
  StoredMessage out = toStored(msg);
  natsMsg_Destroy(msg);
  return out;
}

}  // namespace livedash::reactions
