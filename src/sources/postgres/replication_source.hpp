// src/sources/postgres/replication_source.hpp
//
// A PostgreSQL source over logical replication (pgoutput). One thread owns two connections: a
// plain one for the catalog and the bootstrap, and a replication one for the stream.
//
// Lining up bootstrap and stream: the slot is created if missing; the bootstrap reads every table
// in one REPEATABLE READ transaction and records its snapshot; the stream then starts at the slot's
// confirmed position, which is never later than the snapshot, and every transaction whose xid the
// snapshot already sees is skipped (see pg_snapshot.hpp). That works the same for a brand-new slot
// and for a slot kept from an earlier run, so a restart resumes from the slot and rebuilds state
// with a fresh bootstrap.
//
// Acknowledgement: a transaction's end LSN is reported as flushed only after the engine has
// applied it (ChangeBatch::on_applied), so a crash never loses a change PostgreSQL thinks we have.
// When the engine has caught up and no transaction is open, keepalive positions are acknowledged
// too, so an idle slot (or one whose traffic is all in other tables) does not hold WAL forever.
//
// Failures: a lost connection (restart, network cut, pg_terminate_backend) is retried with
// exponential backoff and jitter; the stream resumes after the last transaction handed to the
// engine, so nothing is applied twice. Configuration faults are found before the first byte is
// streamed (see replication_checks.hpp) and thrown from start().
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/backoff.hpp"
#include "core/clock.hpp"
#include "sources/postgres/pg_connection.hpp"
#include "sources/postgres/pg_snapshot.hpp"
#include "sources/postgres/pg_table_catalog.hpp"
#include "sources/postgres/pgoutput.hpp"
#include "sources/source.hpp"

namespace livedash::sources::postgres {

struct ReplicationSourceOptions {
  std::string id;
  PgConnectionSettings connection;
  std::vector<std::string> tables;
  TableKeyOverrides table_keys;
  std::string slot_name = "drasi_slot";
  std::string publication_name = "drasi_publication";
  bool create_publication = false;
  //! Standby status updates are sent at least this often.
  int status_interval_ms = 10'000;
  int64_t backoff_initial_ms = 100;
  int64_t backoff_max_ms = 10'000;
  BootstrapOptions bootstrap;
  //! Stream only, with no initial rows (drasi's `noop` bootstrap provider).
  bool skip_bootstrap = false;
  //! Bootstrap batches are stamped with this clock's time. Null means the system clock.
  const core::Clock* clock = nullptr;
};

class ReplicationSource final : public Source {
 public:
  explicit ReplicationSource(ReplicationSourceOptions options);
  ~ReplicationSource() override;

  const std::string& id() const override { return options_.id; }
  void start(core::ChangeSink& sink) override;
  void stop() override;
  SourceStatus status() const override;
  bool waitUntilReady(int64_t timeout_ms) override;

  //! The LSN acknowledged to PostgreSQL as flushed so far (for tests).
  Lsn acknowledgedLsn() const { return acked_lsn_.load(); }

 private:
  //! An open transaction from the stream, collected until its Commit.
  struct PendingTransaction {
    uint32_t xid = 0;
    Lsn final_lsn = 0;
    bool skip = false;
    std::vector<core::Change> changes;
    //! Changes folded so far, split at each TRUNCATE so the order of the two kinds survives.
    std::vector<core::Change> folded;
    //! The properties each element has so far in this transaction, to fill in unchanged TOAST
    //! columns of a second update to the same row.
    std::map<std::string, core::Map> latest;
  };

  void run();
  //! One connection's life: connect, (bootstrap once), stream until an error or stop.
  void runSession();
  void bootstrap(PgConnection& conn);
  void stream(PgConnection& replication);
  void handleMessage(const PgOutputMessage& message);
  void onRelation(const RelationMessage& relation);
  void onBegin(const BeginMessage& begin);
  void onCommit(const CommitMessage& commit);
  void addRowChanges(const PgTable& table, const PgOutputMessage& message);
  void foldPending();
  const PgTable* tableFor(Oid relation) const;
  void ensureSlot(PgConnection& conn, PgConnection& replication);
  void sendStatus(PgConnection& replication, bool reply_requested);
  void setState(SourceState state, std::string message = {});
  //! Sleeps up to `ms`, returning early (false) when stop() is called.
  bool sleepUnlessStopped(int64_t ms);
  int64_t nowMs() const;

  ReplicationSourceOptions options_;
  core::SystemClock system_clock_;
  core::ChangeSink* sink_ = nullptr;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::mutex wait_mutex_;
  std::condition_variable wake_;

  // Stream state, owned by the source thread.
  std::vector<PgTable> tables_;
  std::map<Oid, PgTable> relations_;
  std::optional<XidSnapshot> snapshot_;
  std::optional<PendingTransaction> pending_;
  //! Columns found dropped since the last batch, handed to the engine with the next one.
  std::vector<core::DroppedProperty> dropped_;
  bool bootstrapped_ = false;
  //! End LSN of the last transaction handed to the engine (or skipped).
  Lsn queued_lsn_ = 0;
  //! Highest WAL position the server has told us about (read by status()).
  std::atomic<Lsn> received_lsn_{0};
  core::Backoff backoff_;

  //! Progress written by the engine thread (ChangeBatch::on_applied). Shared, because a batch
  //! may still be queued in the engine when this source is destroyed.
  struct Progress {
    std::atomic<Lsn> applied_lsn{0};
    std::atomic<int64_t> last_commit_ms{0};
    std::atomic<bool> bootstrapped{false};
    std::mutex mutex;
    std::condition_variable ready;
  };
  std::shared_ptr<Progress> progress_ = std::make_shared<Progress>();
  std::atomic<Lsn> acked_lsn_{0};
  mutable std::mutex status_mutex_;
  SourceStatus status_;
};

}  // namespace livedash::sources::postgres
