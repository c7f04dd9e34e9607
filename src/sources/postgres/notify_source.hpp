// src/sources/postgres/notify_source.hpp
//
// NotifySource (`mode: notify`): PostgreSQL changes through triggers and LISTEN/NOTIFY, for hosts
// without logical replication (managed services that do not grant it, Neon's pooled endpoints,
// older servers). notify_triggers.hpp has the triggers and the payload they send. One thread
// owns one connection that LISTENs, bootstraps, keeps alive and re-reads long rows.
//
// Lining up bootstrap and stream: LISTEN first, then read the snapshot (readSnapshot records
// pg_current_snapshot()), then apply each notified transaction whose xid that snapshot does not
// see. A transaction that committed before LISTEN is in the snapshot; one that commits after it
// is notified; one that is both is dropped by the xid test. No gap and no overlap.
//
// Transactions: NOTIFY delivers the notifications of a transaction together, at commit, in
// order. Consecutive notifications with the same xid become one ChangeBatch, coalesced like the
// other sources' (one net change per row; TRUNCATE splits the folding). A transaction is complete
// when one with another xid follows it. The last one to arrive may still be arriving (a large
// transaction spans several reads): a round trip (SELECT 1) on the same connection settles it,
// because the server finishes sending what it has begun to read from its queue before it reads
// the query. The one gap: a transaction whose notifications straddle a queue page and whose
// commit lands in the instant the server's reader looks at the queue is read in two parts, and
// then may arrive as two batches.
//
// Commit time: NOTIFY carries none, so a batch is stamped with the clock's time when it arrives
// (the bootstrap: when the snapshot has been read).
//
// Long rows: a payload that would reach NOTIFY's 8000 bytes carries only the row's key, and the
// source re-reads the row by key. That read sees the row as it is now, perhaps already changed by
// later transactions (their notifications follow and apply again: the state converges). If the
// row is gone, a later transaction deleted it, and the element is deleted now (the later delete
// then changes nothing). An UPDATE's old row shrinks to its key first, and then `before` is
// unknown (empty).
//
// Failures: SELECT 1 every keepalive_interval_ms (seed 004: a suspended Neon compute drops idle
// connections) answered within answer_timeout_ms, the socket closing, and libpq errors all detect a
// lost connection. The source then reconnects with exponential backoff and jitter, LISTENs again
// and bootstraps again. NOTIFY is not durable: what changed while no connection listened is not
// replayed change by change, and intermediate states (a row inserted and deleted meanwhile, an
// update overwritten by the next) are never seen. The re-bootstrap brings the engine to the new
// state instead, as one batch: every row is upserted, and every element this source delivered
// before and no longer finds is deleted (the source remembers the ids it delivered, per table).
// A configuration fault found on a reconnect (a dropped table, a revoked privilege) shows as
// Failed, and the source keeps retrying with backoff, so fixing it needs no restart.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "core/backoff.hpp"
#include "core/clock.hpp"
#include "sources/postgres/notify_triggers.hpp"
#include "sources/postgres/pg_connection.hpp"
#include "sources/postgres/pg_snapshot.hpp"
#include "sources/postgres/pg_table_catalog.hpp"
#include "sources/source.hpp"

namespace livedash::sources::postgres {

struct NotifySourceOptions {
  std::string id;
  PgConnectionSettings connection;
  std::vector<std::string> tables;
  TableKeyOverrides table_keys;
  //! The LISTEN channel the triggers notify on (at most 63 bytes).
  std::string channel = "livedash_changes";
  //! A SELECT 1 goes to the server at least this often.
  int keepalive_interval_ms = 30'000;
  //! A query (the keepalive, a re-read) not answered within this long means the connection is
  //! dead, even if TCP has not noticed yet.
  int answer_timeout_ms = 10'000;
  int64_t backoff_initial_ms = 100;
  int64_t backoff_max_ms = 10'000;
  BootstrapOptions bootstrap;
  //! Batches are stamped with this clock's time. Null means the system clock.
  const core::Clock* clock = nullptr;
};

class NotifySource final : public Source {
 public:
  explicit NotifySource(NotifySourceOptions options);
  ~NotifySource() override;
  NotifySource(const NotifySource&) = delete;
  NotifySource& operator=(const NotifySource&) = delete;

  const std::string& id() const override { return options_.id; }
  //! Connects, loads the tables and installs the triggers, then bootstraps and streams on the
  //! source's thread. Throws PgError (permanent) for a configuration fault; an unreachable server
  //! is retried in the background (status Reconnecting).
  void start(core::ChangeSink& sink) override;
  void stop() override;
  //! `position` is the xid of the last transaction handed to the sink.
  SourceStatus status() const override;
  bool waitUntilReady(int64_t timeout_ms) override;

 private:
  //! The notifications of one transaction, as they arrive.
  struct Transaction {
    uint64_t xid = 0;
    std::vector<NotifyEvent> events;
  };
  //! Progress written by the engine thread (ChangeBatch::on_applied). Shared, because a batch may
  //! still be queued in the engine when this source is destroyed.
  struct Progress {
    std::atomic<int64_t> last_commit_ms{0};
    std::atomic<bool> bootstrapped{false};
    std::mutex mutex;
    std::condition_variable ready;
  };

  void run(bool tables_loaded);
  //! One connection's life: connect, LISTEN, bootstrap, stream until an error or stop.
  void runSession(bool load_tables);
  void bootstrap(PgConnection& conn);
  void stream(PgConnection& conn);
  //! Takes what has arrived; hands each transaction that is complete to the sink.
  void drain(PgConnection& conn);
  void deliver(PgConnection& conn, Transaction&& transaction);
  void appendChanges(PgConnection& conn, const PgTable& table, const NotifyEvent& event,
                     std::vector<core::Change>& out);
  //! The row with the key of `row`, read now; nullopt when it no longer exists.
  std::optional<core::Element> reread(PgConnection& conn, const PgTable& table,
                                      const NotifyRow& row);
  //! Runs one statement without blocking longer than a poll slice at a time, so that stop() and
  //! a server that stopped answering are both noticed. Notifications arriving meanwhile stay
  //! queued in libpq for the next drain.
  PgResult roundTrip(PgConnection& conn, const std::string& sql,
                     const std::vector<std::optional<std::string>>& params = {});
  //! Waits until `socket` is readable or `timeout_ms` passed; throws StopRequested on stop().
  void waitReadable(int socket, int timeout_ms);
  void rememberDelivered(const std::vector<core::Change>& changes);
  void setState(SourceState state, std::string message = {});
  //! Sleeps up to `ms`, returning early (false) when stop() is called.
  bool sleepUnlessStopped(int64_t ms);
  void setActiveSocket(int socket);
  int64_t nowMs() const;

  NotifySourceOptions options_;
  core::SystemClock system_clock_;
  core::ChangeSink* sink_ = nullptr;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  //! Written by stop() to wake the thread's poll().
  int wake_read_ = -1;
  int wake_write_ = -1;
  //! The connection's socket while the thread has one, so stop() can cut a blocking call short.
  std::mutex socket_mutex_;
  int active_socket_ = -1;

  // Stream state, owned by the source thread.
  std::vector<PgTable> tables_;
  std::map<std::string, const PgTable*, std::less<>> tables_by_name_;
  XidSnapshot snapshot_;
  std::optional<Transaction> open_;
  //! Ids of the elements the engine has from this source, by label: what a re-bootstrap must
  //! delete when the rows are gone.
  std::map<std::string, std::unordered_set<std::string>, std::less<>> delivered_;
  core::Backoff backoff_;

  mutable std::mutex status_mutex_;
  //! Replaced by start() under status_mutex_; other threads read it under that lock.
  std::shared_ptr<Progress> progress_ = std::make_shared<Progress>();
  SourceStatus status_;
};

}  // namespace livedash::sources::postgres
