#!/usr/bin/env python3
# tests/fuzz/make_pgoutput_corpus.py
#
# Writes the seed corpus of pgoutput_fuzz in the fuzzer's input format: byte 0x00, then CopyData
# frames, each a 2-byte big-endian length and the frame; or a byte >= 0x80 picking a type from
# TYPES, then one value's text.
#
# With a connection string, the frame streams are captured from a real server: each scenario runs
# in a scratch database on its own logical slot, and pg_logical_slot_peek_binary_changes gives
# the pgoutput payloads, each wrapped in an XLogData frame. Without one, only the hand-built
# streams and the value texts are written.
#
#   python3 tests/fuzz/make_pgoutput_corpus.py tests/fuzz/corpus/pgoutput \
#       "host=127.0.0.1 port=5432 user=postgres"      (needs wal_level=logical and psql)
import os
import struct
import subprocess
import sys

# Keep in sync with kTypes in pgoutput_fuzz.cpp.
TYPES = [16, 17, 18, 19, 20, 21, 23, 25, 26, 114, 700, 701, 1042, 1043, 1082,
         1083, 1114, 1184, 1186, 1700, 2950, 3802, 1000, 1007, 1009, 1231, 1016, 1021, 1022, 1015,
         1115, 1185, 2951, 3807, 199, 1001, 1002, 1003, 1005, 1028, 1014, 1182, 1183, 1187, 99999]

MAX_INPUT = 2000  # run.sh passes -max_len=2048
PG_TIME = 768139200000000  # 2024-05-04 12:00 UTC in PostgreSQL's microseconds since 2000

SETUP = """
DROP SCHEMA IF EXISTS corpus CASCADE;
DROP PUBLICATION IF EXISTS corpus_pub;
CREATE SCHEMA corpus;
SET search_path = corpus;
CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE TABLE orders (id int PRIMARY KEY, status text, total numeric(10,2), m mood,
                     created timestamptz DEFAULT '2024-05-01 12:00:00+00', tags text[]);
CREATE TABLE full_t (id int, v jsonb);
ALTER TABLE full_t REPLICA IDENTITY FULL;
CREATE TABLE nokey (v int);
CREATE TABLE toasty (id int PRIMARY KEY, n int, doc text);
ALTER TABLE toasty ALTER doc SET STORAGE EXTERNAL;
CREATE TABLE typed (id int8 PRIMARY KEY, s int2, f4 float4, f8 float8, n numeric, b bool,
                    d date, ts timestamp, tz timestamptz, iv interval, j jsonb, u uuid,
                    ta text[], ia int4[], na numeric[], by bytea, c "char", nm name, bp char(3));
CREATE PUBLICATION corpus_pub FOR TABLE orders, full_t, nokey, toasty, typed;
SELECT pg_replication_origin_drop(roname) FROM pg_replication_origin WHERE roname = 'upstream';
SELECT pg_replication_origin_create('upstream');
"""

# name -> (SQL run after the slot exists, extra peek options, session settings for the peek)
SCENARIOS = {
    "orders": ("""
        INSERT INTO orders (id, status, total, m, tags) VALUES
            (1, 'pending', 449.99, 'happy', '{"a b",NULL}'), (2, NULL, NULL, NULL, NULL);
        UPDATE orders SET status = 'processing' WHERE id = 1;
        UPDATE orders SET id = 10 WHERE id = 2;
        DELETE FROM orders WHERE id = 10;
        """, [], ""),
    "full-identity": ("""
        INSERT INTO full_t VALUES (1, '{"a": [1, 2, {"b": null}]}');
        UPDATE full_t SET v = '{"a": 2}';
        DELETE FROM full_t;
        """, [], ""),
    "messages": ("""
        BEGIN;
        SELECT pg_logical_emit_message(true, 'livedash', 'hello');
        INSERT INTO nokey VALUES (7);
        COMMIT;
        SELECT pg_logical_emit_message(false, 'nt', '\\x00ff'::bytea);
        """, ["messages", "true"], ""),
    "truncate": ("""
        INSERT INTO nokey VALUES (1);
        TRUNCATE orders, full_t RESTART IDENTITY CASCADE;
        TRUNCATE nokey;
        """, [], ""),
    "toast-origin": ("""
        INSERT INTO toasty VALUES (1, 0, repeat('abcdefgh', 1000));
        UPDATE toasty SET n = 1;
        SELECT pg_replication_origin_session_setup('upstream');
        BEGIN;
        SELECT pg_replication_origin_xact_setup('0/ABCDEF', '2024-05-01 12:00:00+00');
        INSERT INTO toasty VALUES (2, 2, 'o');
        COMMIT;
        SELECT pg_replication_origin_session_reset();
        """, [], ""),
    "binary": ("""
        INSERT INTO toasty VALUES (3, 3, 'b');
        INSERT INTO typed (id, s, f8, b, ts, ia) VALUES
            (1, 2, 1.5, true, '2024-05-01 12:00', '{1,2}');
        """, ["binary", "true"], ""),
    "typed": ("""
        SET DateStyle = ISO; SET IntervalStyle = iso_8601; SET TimeZone = 'Asia/Kolkata';
        INSERT INTO typed VALUES (-9223372036854775808, -32768, 1.1, 'NaN',
            123456789012345678901234567890.5, true, '0044-03-15 BC', '2024-02-29 23:59:59.999999',
            '1850-01-01 00:00:00+00', '1 year 2 mons -3 days 04:05:06.789',
            '{"a": [1, {"b": null}], "c": "\\u00e9"}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
            ARRAY['a b', 'c"d', NULL, 'NULL', 'x\\y'], '[0:1][1:2]={{1,2},{3,NULL}}',
            '{1.5,NaN,Infinity}', '\\x00ff', 'a', 'nm', 'ab');
        INSERT INTO typed (id, tz, d, ts, iv) VALUES
            (2, 'infinity', '-infinity', '12345-06-07 08:09:10', '-0.000001 s');
        UPDATE typed SET n = -0.001, f8 = '-Infinity', ia = '{}' WHERE id = 2;
        DELETE FROM typed WHERE id = 2;
        """, [],
        "SET DateStyle = ISO; SET IntervalStyle = iso_8601; SET TimeZone = 'Asia/Kolkata';"),
    "typed-postgres-style": None,  # the "typed" slot peeked again with other settings
}
POSTGRES_STYLE = "SET DateStyle = ISO; SET IntervalStyle = postgres; SET TimeZone = 'UTC';"

TEXTS = [
    (1184, "2024-05-01 17:30:00.5+05:30"), (1184, "1850-01-01 05:53:28+05:53:28"),
    (1184, "0044-03-15 12:00:00+00 BC"), (1114, "294276-12-31 23:59:59.999999"),
    (1082, "5874897-12-31"), (1082, "infinity"), (1186, "P1Y2M3DT4H5M6.5S"),
    (1186, "-1 years -2 mons +3 days -04:05:06.5"), (1700, "123456789012345678901234567890"),
    (1700, "-0.001"), (20, "-9223372036854775808"), (701, "1e+100"), (16, "t"),
    (3802, '{"a": [1, {"b": null}], "c": "x"}'),
    (1009, r'{"a b","c\"d",NULL,"NULL","x\\y"}'), (1007, "[0:1][1:2]={{1,2},{3,NULL}}"),
    (3807, r'{"{\"a\": 1}","null",NULL}'), (1185, '{"2024-05-01 12:00:00+00",NULL}'),
    (1187, '{P1D,"PT-0.5S"}'), (1231, "{1.5,NaN,Infinity}"),
]


def xlog(lsn, payload):
    return b"w" + struct.pack(">QQq", lsn, lsn + len(payload), PG_TIME) + payload


def keepalive(lsn, reply):
    return b"k" + struct.pack(">QqB", lsn, PG_TIME, reply)


def psql(conninfo, sql):
    result = subprocess.run(["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-d", conninfo],
                            input=sql, capture_output=True, text=True, check=True)
    return result.stdout


def peek(conninfo, slot, options, settings):
    extra = "".join(", '%s'" % o for o in options)
    rows = psql(conninfo, settings + """
        SELECT lsn, encode(data, 'hex') FROM pg_logical_slot_peek_binary_changes('%s', NULL,
            NULL, 'proto_version', '1', 'publication_names', 'corpus_pub'%s);""" % (slot, extra))
    frames = []
    for line in rows.splitlines():
        if "|" in line:
            lsn, payload = line.split("|")
            high, low = lsn.split("/")
            frames.append(xlog((int(high, 16) << 32) | int(low, 16), bytes.fromhex(payload)))
    return frames


def relation_oid(frame):
    """The relation a Relation, Insert, Update or Delete frame is about, else None."""
    payload = frame[25:]
    if payload[:1] in (b"R", b"I", b"U", b"D"):
        return struct.unpack(">I", payload[1:5])[0]
    return None


def split(frames):
    """Chunks of at most MAX_INPUT bytes. A chunk that changes a table holds the table's last
    Relation frame first, so the fuzzer knows the column types."""
    def size(chunk):
        return 1 + sum(len(f) + 2 for f in chunk)

    relations, chunks, chunk = {}, [], []
    for frame in frames:
        oid = relation_oid(frame)
        if frame[25:26] == b"R":
            relations[oid] = frame

        def with_relation(current):
            rel = relations.get(oid)
            return [frame] if rel is None or rel is frame or rel in current else [rel, frame]

        add = with_relation(chunk)
        if size(chunk + add) > MAX_INPUT:
            if chunk:
                chunks.append(chunk)
            chunk = []
            add = with_relation(chunk)
            if size(add) > MAX_INPUT:
                continue  # a TOASTed row: too big for one input
        chunk += add
    if chunk:
        chunks.append(chunk)
    return chunks


def encode(frames):
    return b"\x00" + b"".join(struct.pack(">H", len(f)) + f for f in frames)


def captured(conninfo):
    psql(conninfo, SETUP)
    streams = {}
    for name, scenario in SCENARIOS.items():
        if scenario is None:
            continue
        sql, options, settings = scenario
        slot = "corpus_" + name.replace("-", "_")
        psql(conninfo, "SELECT 1 FROM pg_create_logical_replication_slot('%s', 'pgoutput');"
             % slot)
        try:
            psql(conninfo, "SET search_path = corpus;" + sql)
            streams[name] = peek(conninfo, slot, options, settings)
            if name == "typed":
                streams["typed-postgres-style"] = peek(conninfo, slot, options, POSTGRES_STYLE)
        finally:
            psql(conninfo, "SELECT pg_drop_replication_slot('%s');" % slot)
    psql(conninfo, "DROP PUBLICATION corpus_pub; DROP SCHEMA corpus CASCADE;"
                   "SELECT pg_replication_origin_drop('upstream');")
    return streams


def hand_built():
    """What no capture has: streaming (rejected), an empty payload, keepalives, odd shapes."""
    begin = b"B" + struct.pack(">QqI", 0x100, 0, 7)
    relation = (b"R" + struct.pack(">I", 5) + b"\x00t\x00d" + struct.pack(">h", 2)
                + b"\x01id\x00" + struct.pack(">Ii", 20, -1)
                + b"\x00at\x00" + struct.pack(">Ii", 1184, -1))
    insert = (b"I" + struct.pack(">IcH", 5, b"N", 2)
              + b"t" + struct.pack(">i", 2) + b"42"
              + b"t" + struct.pack(">i", 28) + b"0044-03-15 12:00:00+05:30 BC")
    return {
        "hand-insert": [xlog(0x100, begin), xlog(0x100, relation), xlog(0x100, insert)],
        "hand-stream-start": [xlog(0x100, b"S" + struct.pack(">IB", 7, 1))],
        "hand-empty-and-keepalives": [xlog(1, b""), keepalive(0x16B374D848, 1),
                                      keepalive(0, 0)],
        "hand-truncate-none": [xlog(1, b"T" + struct.pack(">iB", 0, 0))],
    }


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "tests/fuzz/corpus/pgoutput"
    os.makedirs(out_dir, exist_ok=True)
    streams = hand_built()
    if len(sys.argv) > 2:
        streams.update(captured(sys.argv[2]))
    for name, frames in streams.items():
        for i, chunk in enumerate(split(frames)):
            with open(os.path.join(out_dir, "stream-%s-%d" % (name, i)), "wb") as f:
                f.write(encode(chunk))
    for i, (oid, text) in enumerate(TEXTS):
        mode = next(m for m in range(0x80, 0x100) if TYPES[m % len(TYPES)] == oid)
        with open(os.path.join(out_dir, "text-%02d-%d" % (i, oid)), "wb") as f:
            f.write(bytes([mode]) + text.encode())


if __name__ == "__main__":
    main()
