// src/sources/embedded/user_sql_guard.hpp
//
// While alive, vets user SQL through SQLite's authorizer (consulted when a statement is prepared):
// - denies transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT), ATTACH/DETACH and PRAGMAs
//   that set something, because each request is one transaction that the store opens and closes;
// - notes schema changes, so the owner reloads its catalog, and tables about to be dropped, so
//   the owner can emit deletes for their rows (DROP TABLE fires no row hooks).
// Install it only around user statements: it would also deny the owner's own COMMIT.
#pragma once

#include <string>
#include <vector>

struct sqlite3;

namespace livedash::sources::embedded {

class UserSqlGuard {
 public:
  explicit UserSqlGuard(sqlite3* db);
  ~UserSqlGuard();
  UserSqlGuard(const UserSqlGuard&) = delete;
  UserSqlGuard& operator=(const UserSqlGuard&) = delete;

  //! Why the last statement was denied, or "" when nothing was.
  const std::string& denial() const { return denial_; }
  bool schemaChanged() const { return schema_changed_; }
  //! Main-schema tables that a prepared DROP TABLE will remove, since the last call.
  std::vector<std::string> takeDroppedTables();

 private:
  static int authorize(void* self, int action, const char* arg1, const char* arg2,
                       const char* db_name, const char* trigger) noexcept;

  sqlite3* db_;
  std::string denial_;
  bool schema_changed_ = false;
  std::vector<std::string> dropped_tables_;
};

}  // namespace livedash::sources::embedded
