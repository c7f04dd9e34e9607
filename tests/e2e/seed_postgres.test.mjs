// The flagship seed (Drasi's "Live Order Dashboard" tutorial) end to end, on PostgreSQL: a
// throwaway PostgreSQL 15 cluster with our examples/order-dashboard/postgres/schema.sql, the
// livedash binary running examples/order-dashboard/postgres/livedash.yaml (main port 8080, SSE on
// 8081 as in the tutorial), the tutorial's Step 8 and Step 9 SQL run statement by statement
// through psql, and the tutorial's own public/index.html, unchanged, in headless Chromium.
// The seed's SQL and page are read from ../shared/seeds at test time; nothing of it is copied.
//
// Skips (with the reason) when the seeds folder is absent, PostgreSQL 15 is not installed, or
// port 8080 or 8081 is taken (the tutorial's page hardcodes http://localhost:8080 and :8081).
//
// Run: tests/e2e/run.sh seed_postgres.test.mjs     (LIVEDASH_BIN overrides the binary)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { PostgresCluster, freePort, unavailableReason } from './lib/pg_cluster.mjs';
import { seedIndexHtml, seedInitSql, seedMissingReason, seedStepStatements } from './lib/seed.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(here, '../..');
const BIN = process.env.LIVEDASH_BIN ?? resolve(REPO, 'build/release/livedash');
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const EXAMPLE = resolve(REPO, 'examples/order-dashboard');
const CONFIG = resolve(EXAMPLE, 'postgres/livedash.yaml');
const SCHEMA = resolve(EXAMPLE, 'postgres/schema.sql');
const MAIN_PORT = 8080;
const SSE_PORT = 8081;
const STUCK_SECONDS = 3;
const SHOTS = resolve(here, 'screenshots');
const QUERIES = ['order-stats', 'stuck-orders', 'payment-issues', 'recent-orders'];

// ----------------------------------------------------------------------------- skipping

/** Whether something listens on `port` (or would clash with livedash binding it on 127.0.0.1). */
async function portTaken(port) {
  const tryListen = (host) => new Promise((resolvePromise) => {
    const server = createServer();
    server.once('error', (err) => resolvePromise(err.code === 'EADDRNOTAVAIL' || err.code === 'EAFNOSUPPORT' ? false : true));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolvePromise(false)));
  });
  // 127.0.0.1 is where livedash listens; ::1 is where Chromium tries `localhost` first.
  return (await tryListen('127.0.0.1')) || (await tryListen('::1'));
}

async function portsReason() {
  const busy = [];
  for (const port of [MAIN_PORT, SSE_PORT]) if (await portTaken(port)) busy.push(port);
  return busy.length ? `port ${busy.join(' and ')} is in use; the seed's page needs livedash on localhost:8080 and :8081` : undefined;
}

const pgReason = unavailableReason();
const seedSkip = seedMissingReason() ?? pgReason ?? (await portsReason());
const browserReason = existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM}`;

// ----------------------------------------------------------------------------- helpers

/** Retries `check` (which throws until it holds) until it passes or time runs out. */
async function eventually(check, { timeout = 3000, what = 'condition', interval = 40 } = {}) {
  const since = Date.now();
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() - since > timeout) {
        err.message = `${what} not met within ${timeout} ms: ${err.message}`;
        throw err;
      }
    }
    await sleep(interval);
  }
}

async function getJson(url) {
  const res = await fetch(url);
  const body = await res.json();
  assert.equal(res.status, 200, `${url}: ${JSON.stringify(body)}`);
  return body;
}

/** The same value for a number from livedash (a JSON number) and from psql (text). */
const num = (v) => (v === null || v === undefined ? null : Number(v));
const money = (v) => `$${(parseFloat(v) || 0).toFixed(2)}`;
const clean = (s) => (s ?? '').replace(/\s+/g, ' ').trim();
const sortRows = (rows) => rows.map((r) => JSON.stringify(r, Object.keys(r).sort())).sort();

/** Starts livedash on the example config; resolves once its source streams. */
async function startLivedash(env) {
  const child = spawn(BIN, ['run', '-c', CONFIG], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (c) => { output += c; });
  child.stderr.setEncoding('utf8').on('data', (c) => { output += c; });
  const exited = new Promise((r) => child.once('exit', (code, signal) => r(signal ?? code)));
  const server = { child, output: () => output, exited };
  try {
    await Promise.race([
      eventually(async () => {
        const health = await getJson(`http://127.0.0.1:${MAIN_PORT}/health`);
        const source = health.sources?.find((s) => s.id === 'ecommerce-db');
        assert.equal(source?.state, 'streaming', JSON.stringify(health));
      }, { timeout: 20_000, interval: 100, what: 'livedash streaming from PostgreSQL' }),
      exited.then((how) => { throw new Error(`livedash exited early (${how})`); }),
    ]);
  } catch (err) {
    child.kill('SIGKILL');
    err.message += `\n--- livedash output ---\n${output}`;
    throw err;
  }
  return server;
}

/** SIGTERM, then SIGKILL if it is still there after 5 s. Resolves with how it ended. */
async function stopProcess(child, exited) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? child?.signalCode;
  child.kill('SIGTERM');
  const how = await Promise.race([exited, sleep(5000).then(() => 'timeout')]);
  if (how === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
  return how;
}

// ----------------------------------------------------------------------------- SSE client

/**
 * An SSE client on node's http: keeps every message ({ id, data, fields, at }) and comments.
 * Parses the stream by the spec's rules (fields per line, a blank line ends a message).
 */
class SseClient {
  messages = [];
  comments = [];
  malformed = [];
  #req;
  #waiters = new Set();

  connect(url) {
    return new Promise((resolvePromise, reject) => {
      this.#req = http.get(url, { headers: { Accept: 'text/event-stream' } }, (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`${url}: HTTP ${res.statusCode}`));
          return;
        }
        this.headers = res.headers;
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (chunk) => {
          buffer += chunk.replace(/\r\n?/g, '\n');
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            this.#onBlock(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        });
        resolvePromise();
      });
      this.#req.on('error', (err) => {
        if (!this.closed) reject(err);
      });
    });
  }

  #onBlock(block) {
    const fields = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments.push(line);
        continue;
      }
      const colon = line.indexOf(':');
      const name = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      fields.push([name, value]);
    }
    const data = fields.filter(([n]) => n === 'data').map(([, v]) => v);
    if (data.length === 0) return; // a comment-only block, or `retry:`
    const ids = fields.filter(([n]) => n === 'id').map(([, v]) => v);
    const message = { fields, id: ids.at(-1), raw: data.join('\n'), at: Date.now() };
    try {
      message.data = JSON.parse(message.raw);
    } catch {
      this.malformed.push(block);
    }
    this.messages.push(message);
    for (const waiter of this.#waiters) waiter();
  }

  /** Messages (with parsed data) from index `from` on. */
  since(from) {
    return this.messages.slice(from).filter((m) => m.data);
  }

  /** Resolves with the first message from index `from` on that satisfies `predicate`. */
  waitFor(predicate, { from = 0, timeout = 3000, what = 'an SSE message' } = {}) {
    return new Promise((resolvePromise, reject) => {
      const check = () => {
        const found = this.since(from).find((m) => predicate(m.data, m));
        if (found) {
          this.#waiters.delete(check);
          clearTimeout(timer);
          resolvePromise(found);
        }
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        const seen = this.since(from).map((m) => m.raw).join('\n');
        reject(new Error(`no ${what} within ${timeout} ms; messages since: ${seen || '(none)'}`));
      }, timeout);
      this.#waiters.add(check);
      check();
    });
  }

  close() {
    this.closed = true;
    this.#req?.destroy();
  }
}

// ----------------------------------------------------------------------------- query mirrors

/** A client-side copy of one query's result: the snapshot, then every diff applied to it. */
class Mirror {
  constructor(rows, sequence) {
    this.rows = rows.map((r) => JSON.stringify(r, Object.keys(r).sort()));
    this.sequence = sequence;
  }

  #remove(row, what) {
    const key = JSON.stringify(row, Object.keys(row).sort());
    const at = this.rows.indexOf(key);
    assert.ok(at >= 0, `${what} row ${key} is not in the result`);
    this.rows.splice(at, 1);
  }

  apply(diff) {
    for (const row of diff.deleted) this.#remove(row, 'a deleted');
    for (const { before, after: next } of diff.updated) {
      this.#remove(before, "an update's before");
      this.rows.push(JSON.stringify(next, Object.keys(next).sort()));
    }
    for (const row of diff.added) this.rows.push(JSON.stringify(row, Object.keys(row).sort()));
    this.sequence = diff.sequence;
  }

  get result() {
    return this.rows.map((r) => JSON.parse(r));
  }
}

// ----------------------------------------------------------------------------- the tests

describe("the seed's tutorial on PostgreSQL, through livedash", { skip: seedSkip }, () => {
  let cluster;
  let server;
  let sse;
  let work;
  const mirrors = new Map();
  const seqAtJoin = new Map(); // each query's snapshot sequence when the stream was joined
  const killOnExit = () => server?.child.exitCode === null && server.child.kill('SIGKILL');

  const psql = (sql) => cluster.psql(sql, { database: 'ecommerce' });
  const pg = (sql, database = 'ecommerce') => cluster.query(sql, { database });

  // What each query should hold, computed by PostgreSQL itself.
  const twins = {
    'order-stats': async () => (await pg('SELECT status, count(*), sum(total) FROM orders GROUP BY status'))
      .map(([status, count, sum]) => ({ status, orderCount: num(count), totalValue: num(sum) })),
    'payment-issues': async () => (await pg(`SELECT o.id, o.customer_name, p.status, p.amount, p.error_message
        FROM payments p JOIN orders o ON o.id = p.order_id WHERE p.status IN ('pending', 'failed')`))
      .map(([id, name, status, amount, error]) => ({ orderId: num(id), customerName: name, paymentStatus: status, amount: num(amount), errorMessage: error })),
    'recent-orders': async () => (await pg(`SELECT id, customer_name, status, total, floor(extract(epoch FROM created_at) * 1000)
        FROM orders ORDER BY created_at DESC, id DESC LIMIT 10`))
      .map(([id, name, status, total, ms]) => ({ orderId: num(id), customerName: name, status, total: num(total), createdAtMs: num(ms) })),
  };

  /** The query's mirrored result in its twin's shape. */
  function mirrored(query) {
    const rows = mirrors.get(query).result;
    if (query !== 'recent-orders') return rows;
    return rows.map(({ createdAt, ...rest }) => ({ ...rest, createdAtMs: Date.parse(createdAt) }));
  }

  /** Every mirrored query equals its PostgreSQL twin (timestamps within 1 ms). */
  async function mirrorsMatchPostgres() {
    for (const [query, twin] of Object.entries(twins)) {
      const want = await twin();
      const got = mirrored(query);
      if (query === 'recent-orders') {
        assert.equal(got.length, want.length, `recent-orders: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
        for (const w of want) {
          const g = got.find((r) => r.orderId === w.orderId);
          assert.ok(g, `recent-orders lacks order ${w.orderId}: ${JSON.stringify(got)}`);
          assert.ok(Math.abs(g.createdAtMs - w.createdAtMs) <= 1, `order ${w.orderId} createdAt ${g.createdAtMs} vs ${w.createdAtMs}`);
          assert.deepEqual({ ...g, createdAtMs: 0 }, { ...w, createdAtMs: 0 });
        }
      } else {
        assert.deepEqual(sortRows(got), sortRows(want), `${query} differs from PostgreSQL`);
      }
    }
  }

  /**
   * Applies the SSE diffs that arrived since the last call to the mirrors. A diff that does not
   * fit the result it applies to (a deleted or updated row that is not there) fails this and
   * every later call.
   */
  let applied = 0;
  let mirrorError;
  function applyArrived() {
    if (mirrorError) throw mirrorError;
    const fresh = sse.since(applied);
    applied = sse.messages.length;
    for (const m of fresh) {
      try {
        const mirror = mirrors.get(m.data.queryId);
        assert.ok(mirror, `a diff for an unknown query: ${m.raw}`);
        mirror.apply(m.data);
      } catch (err) {
        err.message = `the diff ${m.raw} does not fit the result so far: ${err.message}`;
        mirrorError = err;
        throw err;
      }
    }
    return fresh;
  }

  /**
   * Runs one statement through psql and waits until the mirrors (snapshot + diffs) equal
   * PostgreSQL again. Returns the diffs it brought, by query.
   */
  async function step(statement) {
    const from = sse.messages.length;
    await psql(statement);
    await eventually(async () => {
      applyArrived();
      await mirrorsMatchPostgres();
    }, { timeout: 3000, what: `livedash's results matching PostgreSQL after: ${statement}` });
    await sleep(250); // anything more this transaction brings arrives now
    applyArrived();
    await mirrorsMatchPostgres();
    const diffs = sse.since(from).map((m) => m.data);
    const byQuery = Object.groupBy ? Object.groupBy(diffs, (d) => d.queryId) : diffs.reduce((acc, d) => ((acc[d.queryId] ??= []).push(d), acc), {});
    // One source transaction, at most one diff per query (stuck-orders also moves with time).
    for (const query of ['order-stats', 'payment-issues', 'recent-orders']) {
      assert.ok((byQuery[query]?.length ?? 0) <= 1, `${query}: ${byQuery[query]?.length} diffs for one transaction`);
    }
    return byQuery;
  }

  const statsRow = (rows, status) => rows.find((r) => r.status === status);
  const idOf = async (where) => num((await pg(`SELECT max(id) FROM orders WHERE ${where}`))[0][0]);

  before(async () => {
    assert.ok(existsSync(BIN), `no livedash binary at ${BIN}: build it first (cmake --build build/release --target livedash)`);
    process.once('exit', killOnExit);
    work = mkdtempSync(join(tmpdir(), 'livedash-seed-e2e-'));
    cluster = await PostgresCluster.start();
    await cluster.psql('CREATE DATABASE ecommerce');
    await cluster.psql(null, { database: 'ecommerce', file: SCHEMA });
    server = await startLivedash({ ...cluster.env('ecommerce'), STUCK_SECONDS: String(STUCK_SECONDS), LIVEDASH_HOST: '127.0.0.1' });

    // The seeded orders in processing or packing (2, 3 and 4) become stuck STUCK_SECONDS after the
    // bootstrap; after that nothing moves until the tests write, so the snapshots taken now and
    // the stream joined now line up exactly.
    await eventually(async () => {
      const stuck = await getJson(`http://127.0.0.1:${MAIN_PORT}/api/v1/queries/stuck-orders/results`);
      assert.deepEqual(stuck.data.map((r) => r.orderId).sort(), [2, 3, 4]);
    }, { timeout: STUCK_SECONDS * 1000 + 5000, what: 'the seeded stuck orders' });
    sse = new SseClient();
    await sse.connect(`http://127.0.0.1:${SSE_PORT}/events`);
    for (const query of QUERIES) {
      const snapshot = await getJson(`http://127.0.0.1:${MAIN_PORT}/api/v1/queries/${query}/results`);
      assert.equal(snapshot.success, true);
      assert.ok(Number.isInteger(snapshot.sequence), `${query} snapshot has a sequence: ${JSON.stringify(snapshot)}`);
      mirrors.set(query, new Mirror(snapshot.data, snapshot.sequence));
      seqAtJoin.set(query, snapshot.sequence);
    }
  }, { timeout: 60_000 });

  after(async () => {
    sse?.close();
    try {
      await stopProcess(server?.child, server?.exited);
    } finally {
      await cluster?.stop();
      if (work) rmSync(work, { recursive: true, force: true });
      process.off('exit', killOnExit);
    }
  }, { timeout: 30_000 });

  test("our schema has the seed's tables, columns, triggers and sample rows", { timeout: 20_000 }, async () => {
    // The seed's own init.sql, in a database of its own in the same cluster.
    const initSql = join(work, 'init.sql');
    writeFileSync(initSql, seedInitSql());
    await cluster.psql('CREATE DATABASE seed_init');
    await cluster.psql(null, { database: 'seed_init', file: initSql });

    const same = async (sql, what) => assert.deepEqual(await pg(sql, 'ecommerce'), await pg(sql, 'seed_init'), what);
    await same(`SELECT table_name, column_name, data_type, character_maximum_length, numeric_precision, numeric_scale,
                       is_nullable, column_default
                  FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`, 'columns');
    await same(`SELECT conrelid::regclass::text, contype, pg_get_constraintdef(oid) FROM pg_constraint
                 WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2, 3`, 'keys and references');
    await same(`SELECT event_object_table, action_timing, event_manipulation, action_orientation
                  FROM information_schema.triggers ORDER BY 1, 2, 3`, 'triggers');
    await same("SELECT pubname, puballtables, pubinsert, pubupdate, pubdelete FROM pg_publication", 'publication');
    await same('SELECT id, name, email FROM customers ORDER BY id', 'customers');
    // Creation times relative to the load, to the minute (the two loads are seconds apart).
    await same(`SELECT id, customer_id, customer_name, status, total, round(extract(epoch FROM now() - created_at) / 60)
                  FROM orders ORDER BY id`, 'orders');
    await same('SELECT id, order_id, status, amount, error_message FROM payments ORDER BY id', 'payments');
    await cluster.psql('DROP DATABASE seed_init');

    // The trigger keeps updated_at current (checked in a transaction that is rolled back, so the
    // stream sees nothing).
    const touched = await cluster.query(`BEGIN;
      UPDATE orders SET total = total WHERE id = 7 RETURNING updated_at = now()::timestamp, created_at < now() - interval '1 day';
      ROLLBACK;`, { database: 'ecommerce' });
    assert.deepEqual(touched.filter((r) => r.length === 2), [['t', 't']]);
  });

  test('the snapshots match PostgreSQL when the stream is joined', async () => {
    applyArrived();
    assert.equal(sse.since(0).length, 0, 'nothing happened between the snapshots and now');
    await mirrorsMatchPostgres();
    const stuck = mirrors.get('stuck-orders').result;
    assert.deepEqual(stuck.map((r) => r.orderId).sort(), [2, 3, 4]);
  });

  test('Step 8, statement by statement: the diffs the tutorial describes', { timeout: 30_000 }, async () => {
    const statements = seedStepStatements(8);
    const shapes = [/^INSERT INTO orders\b/i, /^UPDATE orders SET status = 'processing' WHERE id = 1;$/i, /^UPDATE orders SET status = 'shipped' WHERE id = 4;$/i,
      /^INSERT INTO payments\b[\s\S]*'failed'/i, /^UPDATE payments SET status = 'completed'[\s\S]*order_id = 1;$/i];
    assert.equal(statements.length, shapes.length, `Step 8 statements: ${JSON.stringify(statements)}`);
    statements.forEach((s, i) => assert.match(s, shapes[i], `Step 8 statement ${i + 1}`));

    // "Create a new order" … "Watch the pending count increase!"
    let d = await step(statements[0]);
    const newOrder = await idOf("status = 'pending'");
    let stats = d['order-stats']?.[0];
    assert.ok(stats, 'order-stats changed');
    let pending = stats.updated.find((u) => u.after.status === 'pending');
    assert.ok(pending, `pending updated: ${JSON.stringify(stats)}`);
    assert.equal(pending.after.orderCount, pending.before.orderCount + 1, 'pending count increases');
    assert.equal(stats.added.length + stats.deleted.length + stats.updated.length, 1, 'only the pending group changes');
    assert.deepEqual(d['recent-orders']?.[0].added.map((r) => r.orderId), [newOrder], 'the new order is among the recent ones');
    assert.equal(d['payment-issues'], undefined, 'no payment issue for a new order');

    // "Move an order through the pipeline" … "Watch pending decrease, processing increase!"
    const since = Date.now();
    d = await step(statements[1]);
    stats = d['order-stats']?.[0];
    assert.ok(stats, 'order-stats changed');
    pending = stats.updated.find((u) => u.after.status === 'pending');
    const processing = stats.updated.find((u) => u.after.status === 'processing');
    assert.equal(pending.after.orderCount, pending.before.orderCount - 1, 'pending decreases');
    assert.equal(processing.after.orderCount, processing.before.orderCount + 1, 'processing increases');
    assert.equal(d['payment-issues'], undefined, "the order's status is not in payment-issues' result: nothing to send");

    // "Ship an order": the only order in packing leaves, so the packing group is deleted (no
    // `count: 0` row), and order 4 is no longer stuck.
    d = await step(statements[2]);
    stats = d['order-stats']?.[0];
    assert.deepEqual(stats.deleted.map((r) => r.status), ['packing'], 'the empty packing group is deleted');
    const shipped = stats.updated.find((u) => u.after.status === 'shipped');
    assert.equal(shipped.after.orderCount, shipped.before.orderCount + 1, 'shipped increases');
    const unstuck = (d['stuck-orders'] ?? []).flatMap((x) => x.deleted);
    assert.deepEqual(unstuck.map((r) => r.orderId), [4], 'order 4 leaves the stuck orders');

    // "Create a payment failure" … "Watch the payment issues panel update!"
    d = await step(statements[3]);
    const issue = d['payment-issues']?.[0];
    assert.ok(issue, 'payment-issues changed');
    assert.equal(issue.added.length, 1);
    assert.deepEqual(
      { orderId: issue.added[0].orderId, paymentStatus: issue.added[0].paymentStatus, amount: issue.added[0].amount, errorMessage: issue.added[0].errorMessage },
      { orderId: 1, paymentStatus: 'failed', amount: 449.99, errorMessage: 'Card declined' });
    assert.equal(d['order-stats'], undefined, 'a payment does not change the order stats');

    // "Fix the payment" … "Watch the payment issue disappear!" (order 1's pending payment is
    // completed by the same statement, so both of its issues go.)
    d = await step(statements[4]);
    const fixed = d['payment-issues']?.[0];
    assert.ok(fixed, 'payment-issues changed');
    assert.ok(fixed.deleted.some((r) => r.orderId === 1 && r.paymentStatus === 'failed'), `the failed payment's issue is deleted: ${JSON.stringify(fixed)}`);
    assert.deepEqual(mirrors.get('payment-issues').result.filter((r) => r.orderId === 1), [], 'no issue left for order 1');

    // Order 1 went to processing in the second statement: stuck once, STUCK_SECONDS later.
    const stuck = await sse.waitFor((m) => m.queryId === 'stuck-orders' && m.added.some((r) => r.orderId === 1),
      { timeout: STUCK_SECONDS * 1000 + 3000, what: 'order 1 stuck in processing' });
    assert.ok(stuck.at - since >= STUCK_SECONDS * 1000 - 200, `order 1 was stuck after ${stuck.at - since} ms`);
    applyArrived();
  });

  test('Step 9: a new order in processing is stuck once after the threshold; moving it to packing updates it', { timeout: 30_000 }, async () => {
    const [insert, ...rest] = seedStepStatements(9);
    assert.match(insert, /^INSERT INTO orders\b[\s\S]*'processing'/i);
    assert.equal(rest.length, 1, `Step 9 has two statements: ${JSON.stringify(rest)}`);
    const [moveOn] = rest;
    assert.match(moveOn, /^UPDATE orders SET status = 'packing' WHERE customer_name = 'Carol Williams' AND status = 'processing';$/i);

    const from = sse.messages.length;
    const since = Date.now();
    let d = await step(insert);
    const order = await idOf("status = 'processing' AND customer_name = 'Carol Williams'");
    const processing = d['order-stats'][0].updated.find((u) => u.after.status === 'processing');
    assert.equal(processing.after.orderCount, processing.before.orderCount + 1);
    assert.deepEqual(d['recent-orders'][0].added.map((r) => r.orderId), [order]);

    // Not before the threshold…
    const isNew = (m) => m.queryId === 'stuck-orders' && [...m.added, ...m.updated.map((u) => u.after), ...m.deleted].some((r) => r.orderId === order);
    await sleep(Math.max(0, since + STUCK_SECONDS * 1000 - 600 - Date.now()));
    assert.equal(sse.since(from).filter((m) => isNew(m.data)).length, 0, `order ${order} is not stuck before ${STUCK_SECONDS} s`);
    // …then exactly once, at the threshold.
    const stuck = await sse.waitFor((m) => isNew(m), { from, timeout: 4000, what: `order ${order} stuck` });
    assert.ok(stuck.at - since >= STUCK_SECONDS * 1000 - 200, `stuck after ${stuck.at - since} ms`);
    assert.deepEqual(stuck.data.added.map((r) => [r.orderId, r.status, r.customerName]), [[order, 'processing', 'Carol Williams']]);
    await sleep(1000);
    applyArrived();
    assert.equal(sse.since(from).filter((m) => isNew(m.data)).length, 1, 'listed once');

    // "Move the order forward to clear it": it leaves processing. The tutorial says the alert
    // clears and comes back a minute later in packing; livedash keeps Drasi's semantics instead
    // (DESIGN.md, drasi-semantics.md on trueFor): the condition `o.status = o.status` and the
    // WHERE hold throughout, so trueFor keeps its start time and the row is updated in place.
    // The same statement moves Carol's seeded order 3 on as well.
    const order3Before = mirrors.get('stuck-orders').result.find((r) => r.orderId === 3);
    assert.equal(order3Before?.status, 'processing');
    d = await step(moveOn);
    const moved = d['stuck-orders']?.[0];
    assert.ok(moved, 'stuck-orders changed');
    assert.deepEqual(moved.added, []);
    assert.deepEqual(moved.deleted, []);
    assert.deepEqual(moved.updated.map((u) => [u.before.orderId, u.before.status, u.after.status]).sort(),
      [[3, 'processing', 'packing'], [order, 'processing', 'packing']]);
    const stuckNow = mirrors.get('stuck-orders').result;
    assert.equal(stuckNow.filter((r) => r.status === 'processing' && r.customerName === 'Carol Williams').length, 0, "none of Carol's orders is stuck in processing");
    const stats = d['order-stats'][0];
    const packing = stats.added.find((r) => r.status === 'packing');
    assert.deepEqual(packing && [packing.orderCount], [2], 'the packing group comes back with two orders');
  });

  test("the seed's own page, unchanged, shows what PostgreSQL holds and follows Step 8 live", { skip: browserReason, timeout: 60_000 }, async () => {
    const { chromium } = await import('playwright-core');
    const html = seedIndexHtml();
    const pageServer = http.createServer((req, res) => {
      if (req.url === '/' || req.url === '/index.html') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
        res.end(html);
      } else if (req.url === '/favicon.ico') {
        res.writeHead(204).end(); // the page has none; say so without an error in the console
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise((r) => pageServer.listen(0, '127.0.0.1', r));
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    const problems = [];
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } }); // a fresh profile
      const page = await context.newPage();
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
      page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error: ${msg.text()} (${msg.location().url})`); });
      page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
      await page.goto(`http://127.0.0.1:${pageServer.address().port}/`);
      await eventually(async () => assert.equal(clean(await page.locator('#connection-status').textContent()), 'Connected'),
        { timeout: 10_000, what: 'the page connected to the stream' });

      const statuses = ['pending', 'processing', 'packing', 'shipped'];
      async function statsMatch() {
        const rows = await pg('SELECT status, count(*), sum(total) FROM orders GROUP BY status');
        for (const status of statuses) {
          const row = rows.find(([s]) => s === status);
          assert.equal(clean(await page.locator(`#${status}-count`).textContent()), row ? row[1] : '0', `${status} count`);
          assert.equal(clean(await page.locator(`#${status}-value`).textContent()), money(row?.[2]), `${status} value`);
        }
      }
      async function recentMatch() {
        const rows = await pg('SELECT id, customer_name, status, total FROM orders ORDER BY created_at DESC, id DESC LIMIT 10');
        const items = await page.locator('#recent-orders .order-item').evaluateAll((els) => els.map((el) => ({
          id: el.querySelector('.order-id')?.textContent.trim(),
          customer: el.querySelector('.customer')?.textContent.trim(),
          status: el.querySelector('.order-status')?.textContent.trim(),
          amount: el.querySelector('.amount')?.textContent.trim(),
        })));
        assert.deepEqual(items, rows.map(([id, customer, status, total]) => ({ id: `Order #${id}`, customer, status, amount: money(total) })));
      }
      async function issuesMatch() {
        const rows = await pg(`SELECT DISTINCT ON (o.id) o.id, o.customer_name, p.status, p.amount FROM payments p
          JOIN orders o ON o.id = p.order_id WHERE p.status IN ('pending', 'failed') ORDER BY o.id, p.id DESC`);
        const items = (await page.locator('#payment-issues .alert-item.payment').allInnerTexts()).map(clean).sort();
        assert.deepEqual(items, rows.map(([id, name, status, amount]) => `Order #${id} - ${name} ${status} | ${money(amount)}`).sort());
        if (rows.length === 0) assert.equal(clean(await page.locator('#payment-issues').textContent()), 'No payment issues');
      }
      async function stuckMatch() {
        // Every order in processing or packing has been there longer than the threshold by now.
        const rows = await pg("SELECT id, customer_name, status, total FROM orders WHERE status IN ('processing', 'packing')");
        const items = (await page.locator('#stuck-orders .alert-item.stuck').allInnerTexts()).map(clean).sort();
        assert.deepEqual(items, rows.map(([id, name, status, total]) => `Order #${id} - ${name} Stuck in ${status} | $${Number(total)}`).sort());
      }
      const everything = async () => { await statsMatch(); await recentMatch(); await issuesMatch(); await stuckMatch(); };
      await eventually(everything, { timeout: 5000, what: 'the page showing what PostgreSQL holds' });

      // Now change the data, as Step 8 does, and watch the same page (no reload) follow.
      await page.evaluate(() => { window.__sameDocument = true; });
      const step8 = seedStepStatements(8);
      const eventsBefore = await page.locator('#event-log .event').count();

      await psql(step8[3]); // a payment failure
      await eventually(async () => {
        const items = (await page.locator('#payment-issues .alert-item.payment').allInnerTexts()).map(clean);
        assert.deepEqual(items, ['Order #1 - Alice Johnson failed | $449.99']);
        await issuesMatch();
      }, { what: 'the failed payment on the page' });

      await psql(step8[0]); // a new order
      const newest = await idOf('true');
      await eventually(async () => {
        await statsMatch();
        await recentMatch();
        assert.equal(clean(await page.locator('#recent-orders .order-item .order-id').first().textContent()), `Order #${newest}`);
      }, { what: 'the new order on the page' });

      await psql(step8[4]); // the payment fixed
      await eventually(async () => {
        assert.equal(clean(await page.locator('#payment-issues').textContent()), 'No payment issues');
      }, { what: 'the payment issue gone from the page' });

      await eventually(everything, { timeout: STUCK_SECONDS * 1000 + 3000, what: 'the page still matching PostgreSQL' });
      assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was not reloaded');
      const eventsAfter = await page.locator('#event-log .event').count();
      assert.ok(eventsAfter > eventsBefore, `the live event stream lists the diffs (${eventsBefore} → ${eventsAfter})`);
      assert.match(clean(await page.locator('#event-log').textContent()), /\[ADD\] payment-issues.*|\[DELETE\] payment-issues/);
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: resolve(SHOTS, 'seed-page-postgres.png'), fullPage: true });
      assert.deepEqual(problems, [], 'no script errors, no failed requests');
    } finally {
      await browser.close();
      await new Promise((r) => pageServer.close(r));
      applyArrived();
    }
  });

  test('every SSE message has an id and a diff, and each query counts up by one with no gap', async () => {
    applyArrived();
    assert.deepEqual(sse.malformed, [], 'every data line is JSON');
    const messages = sse.messages;
    assert.ok(messages.length >= 15, `${messages.length} messages`);
    let previousId;
    const next = new Map([...mirrors].map(([q]) => [q, undefined]));
    const first = new Map();
    for (const m of messages) {
      assert.deepEqual(m.fields.map(([n]) => n), ['id', 'data'], `an id line and one data line, no event line: ${JSON.stringify(m.fields)}`);
      assert.match(m.id, /^\d+$/, 'a numeric id');
      if (previousId !== undefined) assert.equal(Number(m.id), previousId + 1, 'ids count up by one on one connection');
      previousId = Number(m.id);
      const d = m.data;
      assert.ok(QUERIES.includes(d.queryId), `queryId ${d.queryId}`);
      assert.ok(Number.isInteger(d.sequence), 'sequence');
      assert.ok(Number.isInteger(d.timestamp), 'timestamp');
      for (const key of ['added', 'updated', 'deleted']) assert.ok(Array.isArray(d[key]), `${key} is a list`);
      for (const u of d.updated) assert.deepEqual(Object.keys(u).sort(), ['after', 'before']);
      assert.ok(d.added.length + d.updated.length + d.deleted.length > 0, 'no empty diff');
      if (!first.has(d.queryId)) first.set(d.queryId, d.sequence);
      const expected = next.get(d.queryId);
      if (expected !== undefined) assert.equal(d.sequence, expected, `${d.queryId}: sequence ${d.sequence} after ${expected - 1}`);
      next.set(d.queryId, d.sequence + 1);
    }
    // The stream starts right after the snapshots: no gap and no duplicate between them.
    for (const [query, seq] of first) {
      assert.equal(seq, seqAtJoin.get(query) + 1, `${query}: the first diff follows the snapshot's sequence`);
    }
    for (const query of QUERIES) assert.ok(first.has(query), `${query} sent diffs`);
    // The snapshots now carry the last sequence the stream sent.
    for (const query of QUERIES) {
      const snapshot = await getJson(`http://127.0.0.1:${MAIN_PORT}/api/v1/queries/${query}/results`);
      assert.equal(snapshot.sequence, next.get(query) - 1, `${query} snapshot sequence`);
      assert.deepEqual(sortRows(snapshot.data), sortRows(mirrors.get(query).result), `${query}: snapshot equals snapshot + diffs`);
    }
  });
});

// ----------------------------------------------------------------------------- run-postgres.sh

describe('examples/order-dashboard/run-postgres.sh', { skip: pgReason }, () => {
  let script;
  let clusterDir;

  /** Command lines of running processes that mention `text`. */
  function processesMentioning(text) {
    const found = [];
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        if (cmdline.includes(text)) found.push(`${pid}: ${cmdline}`);
      } catch { /* gone */ }
    }
    return found;
  }

  after(async () => {
    // Only if the test failed half-way: never leave the script, livedash or the cluster behind.
    if (script && script.child.exitCode === null && script.child.signalCode === null) {
      await stopProcess(script.child, script.exited);
    }
    if (clusterDir && existsSync(join(clusterDir, 'data', 'postmaster.pid'))) {
      const pid = Number(readFileSync(join(clusterDir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pid > 0) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
    if (clusterDir) rmSync(clusterDir, { recursive: true, force: true });
  }, { timeout: 20_000 });

  test('starts a throwaway cluster with the schema, runs livedash on it, and removes it all on SIGTERM', { timeout: 60_000 }, async () => {
    assert.ok(existsSync(BIN), `no livedash binary at ${BIN}`);
    const mainPort = await freePort();
    const ssePort = await freePort();
    const child = spawn(resolve(EXAMPLE, 'run-postgres.sh'), [], {
      env: { ...process.env, LIVEDASH_BIN: BIN, LIVEDASH_PORT: String(mainPort), SSE_PORT: String(ssePort), STUCK_SECONDS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c) => { output += c; });
    child.stderr.setEncoding('utf8').on('data', (c) => { output += c; });
    script = { child, exited: new Promise((r) => child.once('exit', (code, signal) => r(signal ?? code))) };

    const base = `http://127.0.0.1:${mainPort}`;
    try {
      await eventually(async () => {
        assert.equal(child.exitCode, null, 'the script is running');
        const health = await getJson(`${base}/health`);
        assert.equal(health.sources?.[0]?.state, 'streaming');
      }, { timeout: 30_000, interval: 100, what: 'livedash streaming' });
    } catch (err) {
      err.message += `\n--- run-postgres.sh output ---\n${output}`;
      throw err;
    }
    clusterDir = output.match(/PostgreSQL 15 in (\S+),/)?.[1];
    assert.ok(clusterDir && existsSync(clusterDir), `the script says where its cluster is:\n${output}`);
    const pgPort = output.match(/PGPORT=(\d+)/)?.[1];
    assert.ok(pgPort, `the script says how psql reaches the database:\n${output}`);

    const stats = await getJson(`${base}/api/v1/queries/order-stats/results`);
    assert.deepEqual(stats.data.map((r) => [r.status, r.orderCount]).sort(),
      [['delivered', 2], ['packing', 1], ['pending', 1], ['processing', 2], ['shipped', 1]]);
    // STUCK_SECONDS reaches the query: the three seeded orders in processing or packing, after 1 s.
    await eventually(async () => {
      const stuck = await getJson(`${base}/api/v1/queries/stuck-orders/results`);
      assert.deepEqual(stuck.data.map((r) => r.orderId).sort(), [2, 3, 4]);
    }, { timeout: 5000, what: 'stuck orders after 1 s' });

    // The SSE reaction listens on SSE_PORT; a write through psql reaches it.
    const stream = new SseClient();
    await stream.connect(`http://127.0.0.1:${ssePort}/events`);
    try {
      const psqlEnv = { PGHOST: '127.0.0.1', PGPORT: pgPort, PGUSER: 'postgres', PGDATABASE: 'ecommerce' };
      await new Promise((resolvePromise, reject) => {
        const p = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', "UPDATE orders SET status = 'delivered' WHERE id = 5"],
          { env: { ...process.env, ...psqlEnv }, stdio: 'ignore' });
        p.on('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`psql exited with ${code}`))));
      });
      const diff = await stream.waitFor((d) => d.queryId === 'order-stats', { what: 'the order-stats diff' });
      assert.deepEqual(diff.data.deleted.map((r) => r.status), ['shipped']);
    } finally {
      stream.close();
    }

    // SIGTERM: livedash stops, then the cluster, and its directory goes.
    const how = await stopProcess(child, script.exited);
    assert.equal(how, 143, `the script exits with 143 after SIGTERM (got ${how}):\n${output}`);
    assert.match(output, /SIGTERM received, shutting down/);
    assert.match(output, /cluster stopped and removed/);
    assert.equal(existsSync(clusterDir), false, `${clusterDir} is removed`);
    assert.deepEqual(processesMentioning(clusterDir), [], 'no postgres process is left');
    assert.deepEqual(processesMentioning(`${CONFIG}`), [], 'no livedash process is left');
  });
});
