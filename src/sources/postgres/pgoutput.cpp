// src/sources/postgres/pgoutput.cpp
//
// Decoding follows the PostgreSQL 15 docs, "Streaming Replication Protocol" (CopyBoth messages)
// and "Logical Replication Message Formats". The bytes come from the network, so every read is
// bounds-checked, every count is checked against the bytes left before anything is allocated
// for it, and a message must end exactly where its last field does.
#include "sources/postgres/pgoutput.hpp"

#include <charconv>
#include <cstring>

#include <fmt/format.h>

#include "core/calendar.hpp"

namespace livedash::sources::postgres {
namespace {

//! Milliseconds from 1970-01-01 to 2000-01-01, PostgreSQL's timestamp epoch.
constexpr int64_t kPgEpochUnixMillis = 946'684'800'000;

//! A type or marker byte for an error message: 'B', or 0x07 when not printable.
std::string describe(char c) {
  const auto byte = static_cast<uint8_t>(c);
  return byte >= 0x20 && byte < 0x7f ? fmt::format("'{}'", c) : fmt::format("0x{:02x}", byte);
}

//! Big-endian reads over a span; throws DecodeError instead of reading past its end.
class Reader {
 public:
  Reader(std::span<const uint8_t> bytes, const char* what) : bytes_(bytes), what_(what) {}

  size_t remaining() const { return bytes_.size() - pos_; }

  uint8_t u8() {
    need(1, "a byte");
    return bytes_[pos_++];
  }
  char byte() { return static_cast<char>(u8()); }
  int16_t i16() { return static_cast<int16_t>(unsignedBigEndian(2, "an Int16")); }
  int32_t i32() { return static_cast<int32_t>(unsignedBigEndian(4, "an Int32")); }
  uint32_t u32() { return static_cast<uint32_t>(unsignedBigEndian(4, "an Int32")); }
  int64_t i64() { return static_cast<int64_t>(unsignedBigEndian(8, "an Int64")); }
  uint64_t u64() { return unsignedBigEndian(8, "an Int64"); }

  //! A NUL-terminated string; the NUL must be inside the message.
  std::string cstring() {
    if (remaining() == 0) {
      fail("truncated, a string needs at least its NUL");
    }
    const auto* start = bytes_.data() + pos_;
    const void* nul = std::memchr(start, 0, remaining());
    if (nul == nullptr) {
      fail("a string without its terminating NUL");
    }
    const auto length = static_cast<size_t>(static_cast<const uint8_t*>(nul) - start);
    std::string out(reinterpret_cast<const char*>(start), length);
    pos_ += length + 1;
    return out;
  }

  //! An Int32 length, then that many bytes.
  std::string counted() {
    const int32_t length = i32();
    if (length < 0) {
      fail(fmt::format("a negative length ({})", length));
    }
    need(static_cast<size_t>(length), "the bytes of a value");
    std::string out(reinterpret_cast<const char*>(bytes_.data() + pos_),
                    static_cast<size_t>(length));
    pos_ += static_cast<size_t>(length);
    return out;
  }

  std::span<const uint8_t> rest() {
    auto out = bytes_.subspan(pos_);
    pos_ = bytes_.size();
    return out;
  }

  //! A count read from the wire, checked against what the items need at least, so that a
  //! corrupt count cannot make us reserve gigabytes.
  size_t count(int64_t n, size_t min_bytes_each, const char* items) {
    if (n < 0) {
      fail(fmt::format("a negative number of {} ({})", items, n));
    }
    if (static_cast<uint64_t>(n) > remaining() / min_bytes_each) {
      fail(fmt::format("{} {} in {} bytes", n, items, remaining()));
    }
    return static_cast<size_t>(n);
  }

  void expectEnd() {
    if (remaining() != 0) {
      fail(fmt::format("{} bytes after the end of the message", remaining()));
    }
  }

  [[noreturn]] void fail(const std::string& problem) const {
    throw DecodeError(fmt::format("malformed {}: {} at byte {}", what_, problem, pos_));
  }

 private:
  void need(size_t n, const char* item) {
    if (n > remaining()) {
      fail(fmt::format("truncated, {} needs {} bytes, {} left", item, n, remaining()));
    }
  }
  uint64_t unsignedBigEndian(size_t n, const char* item) {
    need(n, item);
    uint64_t value = 0;
    for (size_t i = 0; i < n; ++i) {
      value = (value << 8) | bytes_[pos_ + i];
    }
    pos_ += n;
    return value;
  }

  std::span<const uint8_t> bytes_;
  const char* what_;
  size_t pos_ = 0;
};

// ---- pgoutput --------------------------------------------------------------------------------

Tuple readTuple(Reader& in) {
  // Each column takes at least its one kind byte.
  const size_t columns = in.count(in.i16(), 1, "tuple columns");
  Tuple tuple;
  tuple.reserve(columns);
  for (size_t i = 0; i < columns; ++i) {
    TupleValue& value = tuple.emplace_back();
    switch (const char kind = in.byte()) {
      case 'n':
        value.kind = TupleValueKind::Null;
        break;
      case 'u':
        value.kind = TupleValueKind::UnchangedToast;
        break;
      case 't':
        value.kind = TupleValueKind::Text;
        value.bytes = in.counted();
        break;
      case 'b':
        value.kind = TupleValueKind::Binary;
        value.bytes = in.counted();
        break;
      default:
        in.fail("unknown tuple value kind " + describe(kind));
    }
  }
  return tuple;
}

BeginMessage readBegin(Reader& in) {
  BeginMessage m;
  m.final_lsn = in.u64();
  m.commit_time_us = in.i64();
  m.xid = in.u32();
  return m;
}

CommitMessage readCommit(Reader& in) {
  CommitMessage m;
  m.flags = in.u8();
  m.commit_lsn = in.u64();
  m.end_lsn = in.u64();
  m.commit_time_us = in.i64();
  return m;
}

OriginMessage readOrigin(Reader& in) {
  OriginMessage m;
  m.commit_lsn = in.u64();
  m.name = in.cstring();
  return m;
}

RelationMessage readRelation(Reader& in) {
  RelationMessage m;
  m.oid = in.u32();
  m.schema = in.cstring();  // empty for pg_catalog, as the docs say
  m.name = in.cstring();
  m.replica_identity = in.byte();
  if (m.replica_identity != 'd' && m.replica_identity != 'n' && m.replica_identity != 'f' &&
      m.replica_identity != 'i') {
    in.fail("unknown replica identity " + describe(m.replica_identity));
  }
  // Flags, a name's NUL, type OID and modifier: at least 10 bytes a column.
  const size_t columns = in.count(in.i16(), 10, "relation columns");
  m.columns.reserve(columns);
  for (size_t i = 0; i < columns; ++i) {
    RelationColumn& column = m.columns.emplace_back();
    column.part_of_key = (in.u8() & 1) != 0;
    column.name = in.cstring();
    column.type_oid = in.u32();
    column.type_modifier = in.i32();
  }
  return m;
}

TypeMessage readType(Reader& in) {
  TypeMessage m;
  m.oid = in.u32();
  m.schema = in.cstring();
  m.name = in.cstring();
  return m;
}

InsertMessage readInsert(Reader& in) {
  InsertMessage m;
  m.relation = in.u32();
  if (const char marker = in.byte(); marker != 'N') {
    in.fail("insert without its new tuple: " + describe(marker));
  }
  m.new_tuple = readTuple(in);
  return m;
}

UpdateMessage readUpdate(Reader& in) {
  UpdateMessage m;
  m.relation = in.u32();
  char marker = in.byte();
  if (marker == 'K' || marker == 'O') {
    m.old_is_key_only = marker == 'K';
    m.old_tuple = readTuple(in);
    marker = in.byte();
  }
  if (marker != 'N') {
    in.fail("update without its new tuple: " + describe(marker));
  }
  m.new_tuple = readTuple(in);
  return m;
}

DeleteMessage readDelete(Reader& in) {
  DeleteMessage m;
  m.relation = in.u32();
  const char marker = in.byte();
  if (marker != 'K' && marker != 'O') {
    in.fail("delete without its old tuple: " + describe(marker));
  }
  m.old_is_key_only = marker == 'K';
  m.old_tuple = readTuple(in);
  return m;
}

TruncateMessage readTruncate(Reader& in) {
  TruncateMessage m;
  const int32_t relation_count = in.i32();
  const uint8_t options = in.u8();
  m.cascade = (options & 1) != 0;
  m.restart_identity = (options & 2) != 0;
  const size_t relations = in.count(relation_count, 4, "truncated relations");
  m.relations.reserve(relations);
  for (size_t i = 0; i < relations; ++i) {
    m.relations.push_back(in.u32());
  }
  return m;
}

LogicalMessage readLogicalMessage(Reader& in) {
  LogicalMessage m;
  m.transactional = (in.u8() & 1) != 0;
  m.lsn = in.u64();
  m.prefix = in.cstring();
  m.content = in.counted();
  return m;
}

PgOutputMessage readPgOutput(Reader& in) {
  const char type = in.byte();
  switch (type) {
    case 'B':
      return readBegin(in);
    case 'C':
      return readCommit(in);
    case 'O':
      return readOrigin(in);
    case 'R':
      return readRelation(in);
    case 'Y':
      return readType(in);
    case 'I':
      return readInsert(in);
    case 'U':
      return readUpdate(in);
    case 'D':
      return readDelete(in);
    case 'T':
      return readTruncate(in);
    case 'M':
      return readLogicalMessage(in);
    case 'S':
    case 'E':
    case 'c':
    case 'A':
      // With streaming, changes arrive before their transaction commits, with an xid field
      // the other decoders do not expect. The source never asks for it.
      in.fail("streamed transaction message " + describe(type) + " (streaming is not enabled)");
    default:
      in.fail("unknown message type " + describe(type));
  }
}

bool parseHex32(std::string_view text, uint32_t& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out, 16);
  // from_chars takes no sign or prefix; a length check keeps "0x1" and 9+ digits out.
  return !text.empty() && text.size() <= 8 && ec == std::errc() && ptr == end;
}

}  // namespace

// ---- CopyBoth framing ------------------------------------------------------------------------

CopyDataMessage decodeCopyData(std::span<const uint8_t> bytes) {
  Reader in(bytes, "replication CopyData");
  switch (const char type = in.byte()) {
    case 'w': {
      XLogData m;
      m.wal_start = in.u64();
      m.wal_end = in.u64();
      m.send_time_us = in.i64();
      m.payload = in.rest();
      return m;
    }
    case 'k': {
      PrimaryKeepalive m;
      m.wal_end = in.u64();
      m.send_time_us = in.i64();
      m.reply_requested = in.u8() != 0;
      in.expectEnd();
      return m;
    }
    default:
      in.fail("unknown message type " + describe(type));
  }
}

std::string encodeStandbyStatus(Lsn written, Lsn flushed, Lsn applied, int64_t now_us,
                                bool reply_requested) {
  std::string out;
  out.reserve(34);
  out.push_back('r');
  for (const uint64_t field : {written, flushed, applied, static_cast<uint64_t>(now_us)}) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.push_back(static_cast<char>((field >> shift) & 0xff));
    }
  }
  out.push_back(reply_requested ? 1 : 0);
  return out;
}

int64_t pgMicrosToUnixMillis(int64_t pg_us) {
  // Floor, so that instants before 2000 round to the earlier millisecond like later ones do.
  // Cannot overflow: |pg_us| / 1000 leaves room for the epoch shift.
  return core::floorDiv(pg_us, 1000) + kPgEpochUnixMillis;
}

int64_t unixMillisToPgMicros(int64_t unix_ms) {
  // Saturates: PostgreSQL itself uses INT64_MIN/MAX for -infinity/infinity.
  int64_t shifted = 0;
  int64_t micros = 0;
  if (__builtin_sub_overflow(unix_ms, kPgEpochUnixMillis, &shifted) ||
      __builtin_mul_overflow(shifted, 1000, &micros)) {
    return unix_ms < 0 ? INT64_MIN : INT64_MAX;
  }
  return micros;
}

std::string formatLsn(Lsn lsn) {
  return fmt::format("{:X}/{:X}", static_cast<uint32_t>(lsn >> 32), static_cast<uint32_t>(lsn));
}

std::optional<Lsn> parseLsn(std::string_view text) {
  const size_t slash = text.find('/');
  uint32_t high = 0;
  uint32_t low = 0;
  if (slash == std::string_view::npos || !parseHex32(text.substr(0, slash), high) ||
      !parseHex32(text.substr(slash + 1), low)) {
    return std::nullopt;
  }
  return (static_cast<Lsn>(high) << 32) | low;
}

PgOutputMessage decodePgOutput(std::span<const uint8_t> bytes) {
  Reader in(bytes, "pgoutput message");
  PgOutputMessage message = readPgOutput(in);
  in.expectEnd();
  return message;
}

}  // namespace livedash::sources::postgres
