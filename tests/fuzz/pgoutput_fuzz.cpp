// tests/fuzz/pgoutput_fuzz.cpp
//
// libFuzzer target: the logical replication wire and PostgreSQL's value text, the bytes a
// PostgreSQL source takes from the network. The first input byte picks the mode:
// - below 0x80, the rest is a stream of CopyData frames, each a 2-byte big-endian length and the
//   frame. Frames go through decodeCopyData, XLogData payloads through decodePgOutput, and the
//   text values of Insert/Update/Delete tuples through textToValue with their column's type from
//   the last Relation message for that table (a type from kTypes when there is none);
// - 0x80 and above, the rest is one value's text, for the type kTypes[byte % size].
// tests/fuzz/make_pgoutput_corpus.py writes the seed corpus in this format. The decoders may
// throw DecodeError and textToValue core::Error; any other exception, a crash or a sanitizer
// report is a bug.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "core/error.hpp"
#include "sources/postgres/pg_value.hpp"
#include "sources/postgres/pgoutput.hpp"

using namespace livedash::sources::postgres;

namespace {

// Keep in sync with TYPES in make_pgoutput_corpus.py: the seeds pick types by index.
constexpr Oid kTypes[] = {16,   17,   18,   19,   20,   21,   23,   25,   26,   114,  700,  701,
                          1042, 1043, 1082, 1083, 1114, 1184, 1186, 1700, 2950, 3802, 1000, 1007,
                          1009, 1231, 1016, 1021, 1022, 1015, 1115, 1185, 2951, 3807, 199,  1001,
                          1002, 1003, 1005, 1028, 1014, 1182, 1183, 1187, 99999};
constexpr size_t kTypeCount = std::size(kTypes);

void check(bool condition) {
  if (!condition) {
    std::abort();
  }
}

void convert(Oid type, std::string_view text) {
  try {
    (void)textToValue(type, text);
  } catch (const livedash::core::Error&) {
  }
}

class StreamDecoder {
 public:
  void frame(std::span<const uint8_t> bytes) {
    CopyDataMessage message;
    try {
      message = decodeCopyData(bytes);
    } catch (const DecodeError&) {
      return;
    }
    if (const auto* keepalive = std::get_if<PrimaryKeepalive>(&message)) {
      check(encodeStandbyStatus(keepalive->wal_end, keepalive->wal_end, keepalive->wal_end,
                                keepalive->send_time_us, keepalive->reply_requested)
                .size() == 34);
      return;
    }
    const auto& xlog = std::get<XLogData>(message);
    check(parseLsn(formatLsn(xlog.wal_start)) == xlog.wal_start);
    check(pgMicrosToUnixMillis(unixMillisToPgMicros(pgMicrosToUnixMillis(xlog.send_time_us))) ==
          pgMicrosToUnixMillis(xlog.send_time_us));
    try {
      pgoutput(decodePgOutput(xlog.payload));
    } catch (const DecodeError&) {
    }
  }

 private:
  void pgoutput(PgOutputMessage&& message) {
    if (auto* relation = std::get_if<RelationMessage>(&message)) {
      const Oid oid = relation->oid;
      relations_.insert_or_assign(oid, std::move(*relation));
    } else if (const auto* insert = std::get_if<InsertMessage>(&message)) {
      tuple(insert->relation, insert->new_tuple);
    } else if (const auto* update = std::get_if<UpdateMessage>(&message)) {
      if (update->old_tuple) {
        tuple(update->relation, *update->old_tuple);
      }
      tuple(update->relation, update->new_tuple);
    } else if (const auto* del = std::get_if<DeleteMessage>(&message)) {
      tuple(del->relation, del->old_tuple);
    }
  }

  void tuple(Oid relation_oid, const Tuple& values) {
    const auto relation = relations_.find(relation_oid);
    for (size_t i = 0; i < values.size(); ++i) {
      if (values[i].kind != TupleValueKind::Text) {
        continue;
      }
      Oid type = kTypes[i % kTypeCount];
      if (relation != relations_.end()) {
        if (i >= relation->second.columns.size()) {
          break;
        }
        type = relation->second.columns[i].type_oid;
      }
      convert(type, values[i].bytes);
    }
  }

  std::unordered_map<Oid, RelationMessage> relations_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  const uint8_t mode = data[0];
  std::span<const uint8_t> rest(data + 1, size - 1);
  if (mode >= 0x80) {
    convert(kTypes[mode % kTypeCount],
            std::string_view(reinterpret_cast<const char*>(rest.data()), rest.size()));
    return 0;
  }
  StreamDecoder decoder;
  while (rest.size() >= 2) {
    const size_t length = std::min<size_t>((size_t{rest[0]} << 8) | rest[1], rest.size() - 2);
    // A copy of exactly the frame, so that AddressSanitizer sees a read past its end.
    const std::vector<uint8_t> frame(rest.begin() + 2, rest.begin() + 2 + length);
    decoder.frame(frame);
    rest = rest.subspan(2 + length);
  }
  return 0;
}
