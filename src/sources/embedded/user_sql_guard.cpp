// src/sources/embedded/user_sql_guard.cpp
#include "sources/embedded/user_sql_guard.hpp"

#include <cstring>

#include "sources/embedded/sqlite_api.hpp"
#include "sources/embedded/table_catalog.hpp"

namespace livedash::sources::embedded {
namespace {

// PRAGMAs whose argument names a table or index to describe; they read, never set.
bool isDescribingPragma(const char* name) {
  for (const char* allowed :
       {"table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
        "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check"}) {
    if (equalsIgnoreCase(name, allowed)) {
      return true;
    }
  }
  return false;
}

bool isSchemaAction(int action) {
  switch (action) {
    case SQLITE_CREATE_INDEX:
    case SQLITE_CREATE_TABLE:
    case SQLITE_CREATE_TEMP_INDEX:
    case SQLITE_CREATE_TEMP_TABLE:
    case SQLITE_CREATE_TEMP_TRIGGER:
    case SQLITE_CREATE_TEMP_VIEW:
    case SQLITE_CREATE_TRIGGER:
    case SQLITE_CREATE_VIEW:
    case SQLITE_DROP_INDEX:
    case SQLITE_DROP_TABLE:
    case SQLITE_DROP_TEMP_INDEX:
    case SQLITE_DROP_TEMP_TABLE:
    case SQLITE_DROP_TEMP_TRIGGER:
    case SQLITE_DROP_TEMP_VIEW:
    case SQLITE_DROP_TRIGGER:
    case SQLITE_DROP_VIEW:
    case SQLITE_ALTER_TABLE:
    case SQLITE_CREATE_VTABLE:
    case SQLITE_DROP_VTABLE:
      return true;
    default:
      return false;
  }
}

}  // namespace

UserSqlGuard::UserSqlGuard(sqlite3* db) : db_(db) {
  sqlite3_set_authorizer(db_, authorize, this);
}

UserSqlGuard::~UserSqlGuard() {
  sqlite3_set_authorizer(db_, nullptr, nullptr);
}

std::vector<std::string> UserSqlGuard::takeDroppedTables() {
  std::vector<std::string> out;
  out.swap(dropped_tables_);
  return out;
}

int UserSqlGuard::authorize(void* self_ptr, int action, const char* arg1, const char* arg2,
                            const char* db_name, const char* trigger) noexcept {
  auto* self = static_cast<UserSqlGuard*>(self_ptr);
  switch (action) {
    case SQLITE_TRANSACTION:
    case SQLITE_SAVEPOINT:
      self->denial_ =
          "transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT) is not allowed: each request "
          "is one transaction";
      return SQLITE_DENY;
    case SQLITE_ATTACH:
    case SQLITE_DETACH:
      self->denial_ =
          "ATTACH and DETACH are not allowed: each request is one transaction on the "
          "embedded store";
      return SQLITE_DENY;
    case SQLITE_PRAGMA:
      if (arg2 != nullptr && !isDescribingPragma(arg1)) {
        self->denial_ = std::string("PRAGMA ") + arg1 +
                        " = … is not allowed: each request is one transaction, and store "
                        "settings are fixed (read-only PRAGMAs are fine)";
        return SQLITE_DENY;
      }
      return SQLITE_OK;
    default:
      break;
  }
  if (isSchemaAction(action)) {
    self->schema_changed_ = true;
    const bool in_main = db_name == nullptr || std::strcmp(db_name, "main") == 0;
    if (action == SQLITE_DROP_TABLE && trigger == nullptr && in_main && arg1 != nullptr) {
      self->dropped_tables_.emplace_back(arg1);
    }
  }
  return SQLITE_OK;
}

}  // namespace livedash::sources::embedded
