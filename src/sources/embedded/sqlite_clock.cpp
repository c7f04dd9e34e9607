// src/sources/embedded/sqlite_clock.cpp
#include "sources/embedded/sqlite_clock.hpp"

#include <atomic>

#include "core/error.hpp"
#include "sources/embedded/sql_timestamp.hpp"
#include "sources/embedded/sqlite_api.hpp"
#include "sources/embedded/sqlite_handle.hpp"

namespace livedash::sources::embedded {

struct ClockVfsState {
  sqlite3_vfs vfs{};
  sqlite3_vfs* root = nullptr;
  const core::Clock* clock = nullptr;
  std::string name;
};

namespace {

// Julian day number of the Unix epoch, in milliseconds, as SQLite's xCurrentTimeInt64 wants.
constexpr sqlite3_int64 kUnixEpochJulianMs = 210866760000000LL;

ClockVfsState& stateOf(sqlite3_vfs* vfs) {
  return *static_cast<ClockVfsState*>(vfs->pAppData);
}
sqlite3_vfs* rootOf(sqlite3_vfs* vfs) {
  return stateOf(vfs).root;
}

// Every call goes to the default VFS with the default VFS as its first argument, so that VFS
// never sees our struct (its methods may read their own pAppData).
int vfsOpen(sqlite3_vfs* v, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  return rootOf(v)->xOpen(rootOf(v), name, file, flags, out_flags);
}
int vfsDelete(sqlite3_vfs* v, const char* name, int sync_dir) {
  return rootOf(v)->xDelete(rootOf(v), name, sync_dir);
}
int vfsAccess(sqlite3_vfs* v, const char* name, int flags, int* result) {
  return rootOf(v)->xAccess(rootOf(v), name, flags, result);
}
int vfsFullPathname(sqlite3_vfs* v, const char* name, int size, char* out) {
  return rootOf(v)->xFullPathname(rootOf(v), name, size, out);
}
void* vfsDlOpen(sqlite3_vfs* v, const char* name) {
  return rootOf(v)->xDlOpen(rootOf(v), name);
}
void vfsDlError(sqlite3_vfs* v, int size, char* out) {
  rootOf(v)->xDlError(rootOf(v), size, out);
}
void (*vfsDlSym(sqlite3_vfs* v, void* handle, const char* symbol))(void) {
  return rootOf(v)->xDlSym(rootOf(v), handle, symbol);
}
void vfsDlClose(sqlite3_vfs* v, void* handle) {
  rootOf(v)->xDlClose(rootOf(v), handle);
}
int vfsRandomness(sqlite3_vfs* v, int size, char* out) {
  return rootOf(v)->xRandomness(rootOf(v), size, out);
}
int vfsSleep(sqlite3_vfs* v, int micros) {
  return rootOf(v)->xSleep(rootOf(v), micros);
}
int vfsGetLastError(sqlite3_vfs* v, int size, char* out) {
  return rootOf(v)->xGetLastError != nullptr ? rootOf(v)->xGetLastError(rootOf(v), size, out) : 0;
}
int vfsCurrentTimeInt64(sqlite3_vfs* v, sqlite3_int64* out) {
  *out = stateOf(v).clock->nowMs() + kUnixEpochJulianMs;
  return SQLITE_OK;
}
int vfsCurrentTime(sqlite3_vfs* v, double* out) {
  sqlite3_int64 ms = 0;
  vfsCurrentTimeInt64(v, &ms);
  *out = static_cast<double>(ms) / 86'400'000.0;
  return SQLITE_OK;
}

void nowFunction(sqlite3_context* context, int /*argc*/, sqlite3_value** /*argv*/) {
  const auto* clock = static_cast<const core::Clock*>(sqlite3_user_data(context));
  const std::string now = formatSqlTimestamp(clock->nowMs());
  sqlite3_result_text(context, now.data(), static_cast<int>(now.size()), SQLITE_TRANSIENT);
}

}  // namespace

ClockVfs::ClockVfs(const core::Clock& clock) : state_(std::make_unique<ClockVfsState>()) {
  static std::atomic<uint64_t> next_id{0};
  state_->root = sqlite3_vfs_find(nullptr);
  if (state_->root == nullptr) {
    throw core::Error(core::ErrorCode::Internal, "SQLite has no default VFS");
  }
  state_->clock = &clock;
  state_->name = "livedash-clock-" + std::to_string(next_id.fetch_add(1));
  sqlite3_vfs& vfs = state_->vfs;
  vfs.iVersion = 2;
  vfs.szOsFile = state_->root->szOsFile;
  vfs.mxPathname = state_->root->mxPathname;
  vfs.zName = state_->name.c_str();
  vfs.pAppData = state_.get();
  vfs.xOpen = vfsOpen;
  vfs.xDelete = vfsDelete;
  vfs.xAccess = vfsAccess;
  vfs.xFullPathname = vfsFullPathname;
  vfs.xDlOpen = vfsDlOpen;
  vfs.xDlError = vfsDlError;
  vfs.xDlSym = vfsDlSym;
  vfs.xDlClose = vfsDlClose;
  vfs.xRandomness = vfsRandomness;
  vfs.xSleep = vfsSleep;
  vfs.xCurrentTime = vfsCurrentTime;
  vfs.xGetLastError = vfsGetLastError;
  vfs.xCurrentTimeInt64 = vfsCurrentTimeInt64;
  const int rc = sqlite3_vfs_register(&vfs, 0);
  if (rc != SQLITE_OK) {
    throw core::Error(core::ErrorCode::Internal,
                      std::string("cannot register SQLite VFS: ") + sqlite3_errstr(rc));
  }
}

ClockVfs::~ClockVfs() {
  sqlite3_vfs_unregister(&state_->vfs);
}

const char* ClockVfs::name() const {
  return state_->name.c_str();
}

void registerNowFunction(sqlite3* db, const core::Clock& clock) {
  const int rc = sqlite3_create_function_v2(db, "now", 0, SQLITE_UTF8 | SQLITE_INNOCUOUS,
                                            const_cast<core::Clock*>(&clock), nowFunction, nullptr,
                                            nullptr, nullptr);
  if (rc != SQLITE_OK) {
    throwSqliteError(db, rc);
  }
}

}  // namespace livedash::sources::embedded
