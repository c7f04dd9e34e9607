// src/sources/embedded/sqlite_api.hpp
//
// The one include of sqlite3.h, with the preupdate hook API turned on (Debian's libsqlite3 is
// built with SQLITE_ENABLE_PREUPDATE_HOOK). Include it only from .cpp files in this folder, so
// headers that the rest of livedash sees stay free of SQLite.
#pragma once

#ifndef SQLITE_ENABLE_PREUPDATE_HOOK
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#endif
#include <sqlite3.h>
