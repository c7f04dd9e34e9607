#!/usr/bin/env node
// Dashboard page under load: scripting time per frame in a Chromium performance trace.
//
// Starts `livedash demo --port 0 --rate 0 --stuck-after N`, loads ORDERS orders (each with a
// payment) through the SQL endpoint, opens the order operations page in headless Debian Chromium
// (playwright-core from tests/e2e/node_modules), waits until it is live with every snapshot
// loaded, then records a CDP trace while it drives RATE changes/s for SECONDS s through the SQL
// endpoint (status moves of random orders, payment completions and failures, new orders), and
// analyses the renderer main thread of the page.
//
// Run (from the repository root; needs tests/e2e/node_modules, i.e. tests/e2e/run.sh or
// `cd tests/e2e && npm ci` once):
//   node bench/page_trace.mjs
// Environment: LIVEDASH_BIN (default build/release/livedash), CHROMIUM_BIN (/usr/bin/chromium),
//   ORDERS (10000), RATE (50), SECONDS (20), STUCK_AFTER (10), TRACE_OUT (keep the raw trace JSON),
//   CPU_PROFILE (also sample the page's JavaScript over the run, print the functions with the most
//   self time and keep the .cpuprofile there; the sampling adds overhead, so the scripting figures
//   of such a run are not the ones to record).
//
// What is counted as scripting (the DevTools "Scripting" events): EvaluateScript,
// v8.evaluateModule, FunctionCall, TimerFire, EventDispatch, FireAnimationFrame,
// FireIdleCallback, RunMicrotasks, XHRReadyStateChange, XHRLoad, v8.compile, v8.compileModule,
// V8.Execute / v8.execute, MajorGC, MinorGC, on the page's renderer main thread (CrRendererMain).
// They nest, so their intervals are merged (union), and layout/style work forced from inside a
// script (Layout, UpdateLayoutTree, RecalculateStyles, ParseHTML, ParseAuthorStyleSheet) is
// subtracted: that is DevTools' "Rendering", not "Scripting".
//
// Frames: vsync slots of 1000/60 ms from the `bench-start` mark (first change) to the `bench-end`
// mark, which the page runs once it has caught up with every diff. Each merged scripting
// interval is charged whole to the slot in which it starts, so a 40 ms script is a 40 ms frame (it
// is not cut into three slots), and two 10 ms scripts in one slot make a 20 ms frame. Printed:
// percentiles over all slots and over the slots with any scripting, the same per slot with the
// forced layout put back in (what actually blocked the frame), and per slot in thread time (CPU
// time, without the waits of a thread preempted on a loaded machine).
// Long tasks: DevTools' top-level RunTask events on that thread over 50 ms, whatever they did
// (Chromium delivers a backlog of EventSource messages inside one task, so a page that falls
// behind shows one very long task); also the script runs over 50 ms. The renderer's own frames
// (BeginMainThreadFrame) are counted: few of them means the page did not paint.
// The number of diffs is counted in the page by wrapping window.livedash.client.onStreamMessage.

import { existsSync, writeFileSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { launchChromium } from '../tests/e2e/lib/browser.mjs';
import { postSql, startLivedash, stopLivedash } from '../tests/e2e/lib/livedash_process.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

const BIN = process.env.LIVEDASH_BIN ?? resolve(root, 'build/release/livedash');
const ORDERS = Number(process.env.ORDERS ?? 10_000);
const RATE = Number(process.env.RATE ?? 50);
const SECONDS = Number(process.env.SECONDS ?? 20);
const STUCK_AFTER = Number(process.env.STUCK_AFTER ?? 10);
const TRACE_OUT = process.env.TRACE_OUT;
const CPU_PROFILE = process.env.CPU_PROFILE;
const FRAME_MS = 1000 / 60;

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const log = (...a) => console.log(...a);

// ----------------------------------------------------------------------------- server

// The browser tests' own start/stop: `livedash demo` on a free port, SIGTERM then SIGKILL.
const startServer = () =>
  startLivedash(BIN, ['demo', '--port', '0', '--rate', '0', '--stuck-after', String(STUCK_AFTER)]);
const stopServer = stopLivedash;

let server;
const sql = async (statement) => (await postSql(server.url, 'shop', statement)).data;

// ----------------------------------------------------------------------------- data

const CUSTOMERS = ['Alice Johnson', 'Bob Smith', 'Carol Williams', 'David Brown', 'Eve Davis'];
const FAILURES = ['Card declined', 'Insufficient funds', 'Expired card', 'Fraud check failed'];

/** ORDERS orders in batches of 1000 (recursive CTE), then one payment per new order. */
async function loadOrders() {
  const batch = 1000;
  const customerCase = CUSTOMERS.map((n, i) => `WHEN ${i} THEN '${n}'`).join(' ');
  for (let from = 1; from <= ORDERS; from += batch) {
    const to = Math.min(ORDERS, from + batch - 1);
    // Status mix: 15% pending, 20% processing, 15% packing, 20% shipped, 30% delivered.
    await sql(`WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i < ${to})
      INSERT INTO orders (customer_id, customer_name, status, total, created_at)
      SELECT 1 + (i % 5), CASE i % 5 ${customerCase} END,
             CASE WHEN (i * 37) % 100 < 15 THEN 'pending'
                  WHEN (i * 37) % 100 < 35 THEN 'processing'
                  WHEN (i * 37) % 100 < 50 THEN 'packing'
                  WHEN (i * 37) % 100 < 70 THEN 'shipped'
                  ELSE 'delivered' END,
             10 + ((i * 7919) % 49000) / 100.0,
             datetime('now', '-' || (${ORDERS} - i + 60) || ' seconds')
      FROM n`);
  }
  // Payments: pending for pending orders, failed for 2% of the others, completed otherwise.
  await sql(`INSERT INTO payments (order_id, status, amount, error_message)
    SELECT id,
           CASE WHEN status = 'pending' THEN 'pending' WHEN id % 50 = 0 THEN 'failed' ELSE 'completed' END,
           total,
           CASE WHEN status <> 'pending' AND id % 50 = 0 THEN 'Card declined' ELSE NULL END
    FROM orders WHERE id NOT IN (SELECT order_id FROM payments)`);
  const [[orders]] = (await sql('SELECT count(*) FROM orders')).rows;
  const [[payments]] = (await sql('SELECT count(*) FROM payments')).rows;
  return { orders, payments };
}

/** One random change: 55% status moves, 15% payment completions, 10% failures, 20% new orders. */
function randomChange(maxId) {
  const roll = Math.random() * 100;
  const id = 1 + Math.floor(Math.random() * maxId);
  if (roll < 55) {
    return `UPDATE orders SET status = CASE status WHEN 'pending' THEN 'processing'
      WHEN 'processing' THEN 'packing' WHEN 'packing' THEN 'shipped' WHEN 'shipped' THEN 'delivered'
      ELSE 'processing' END WHERE id = ${id}`;
  }
  if (roll < 70) {
    return `UPDATE payments SET status = 'completed', error_message = NULL WHERE order_id = ${id}`;
  }
  if (roll < 80) {
    const why = FAILURES[Math.floor(Math.random() * FAILURES.length)];
    return `UPDATE payments SET status = 'failed', error_message = '${why}' WHERE order_id = ${id}`;
  }
  const c = Math.floor(Math.random() * 5);
  const total = (10 + Math.random() * 490).toFixed(2);
  return `INSERT INTO orders (customer_id, customer_name, status, total) VALUES (${c + 1}, '${CUSTOMERS[c]}', 'pending', ${total});
    INSERT INTO payments (order_id, status, amount) VALUES (last_insert_rowid(), 'pending', ${total})`;
}

/** RATE changes/s for SECONDS s, on a fixed schedule; at most 16 requests in flight. */
async function driveChanges(maxId) {
  const total = Math.round(RATE * SECONDS);
  const interval = 1000 / RATE;
  const start = performance.now();
  const inflight = new Set();
  const latencies = [];
  let ok = 0;
  let failed = 0;
  let skipped = 0;
  for (let k = 0; k < total; k++) {
    const due = start + k * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    if (inflight.size >= 16) { skipped++; continue; }
    const t0 = performance.now();
    const p = sql(randomChange(maxId))
      .then(() => { ok++; latencies.push(performance.now() - t0); })
      .catch((err) => { failed++; if (failed <= 3) console.error(err.message); })
      .finally(() => inflight.delete(p));
    inflight.add(p);
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - start) / 1000;
  return { ok, failed, skipped, elapsed, latencies };
}

// ----------------------------------------------------------------------------- trace analysis

const SCRIPT = new Set(['EvaluateScript', 'v8.evaluateModule', 'FunctionCall', 'TimerFire', 'EventDispatch',
  'FireAnimationFrame', 'FireIdleCallback', 'RunMicrotasks', 'XHRReadyStateChange', 'XHRLoad', 'v8.compile',
  'v8.compileModule', 'V8.Execute', 'v8.execute', 'MajorGC', 'MinorGC']);
const RENDER_IN_SCRIPT = new Set(['Layout', 'UpdateLayoutTree', 'RecalculateStyles', 'ParseHTML',
  'ParseAuthorStyleSheet']);
const TOP_LEVEL = new Set(['ThreadControllerImpl::RunTask', 'RunTask']);

/** Complete ('X') or begin/end ('B'/'E') events of one thread as [start, end] µs intervals by name. */
function intervalsOf(events) {
  const out = [];
  const open = new Map();
  for (const e of events) {
    if (e.ph === 'X' && typeof e.dur === 'number') out.push({ name: e.name, s: e.ts, e: e.ts + e.dur });
    else if (e.ph === 'B') (open.get(e.name) ?? open.set(e.name, []).get(e.name)).push(e.ts);
    else if (e.ph === 'E') {
      const s = open.get(e.name)?.pop();
      if (s !== undefined) out.push({ name: e.name, s, e: e.ts });
    }
  }
  return out;
}

/** Union of [s, e] intervals, sorted and disjoint. */
function union(intervals) {
  const sorted = intervals.map((i) => [i.s, i.e]).sort((a, b) => a[0] - b[0]);
  const out = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** Length of the overlap of disjoint sorted `a` with disjoint sorted `b`, per interval of `a`. */
function overlapPerInterval(a, b) {
  const out = new Array(a.length).fill(0);
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    const [s, e] = a[i];
    while (j < b.length && b[j][1] <= s) j++;
    for (let k = j; k < b.length && b[k][0] < e; k++) {
      out[i] += Math.max(0, Math.min(e, b[k][1]) - Math.max(s, b[k][0]));
    }
  }
  return out;
}

/** The functions with the most self time in a CDP Profiler profile: [{ name, ms }], largest first. */
function hotFunctions(profile, top = 20) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byName = new Map();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const name = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*\/\/[^/]+\//, '')}:${lineNumber + 1}` : ''}`.trim();
    byName.set(name, (byName.get(name) ?? 0) + us / 1000);
  }
  return [...byName].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms).slice(0, top);
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

function analyse(events, windowStartUs, windowEndUs) {
  // The page's renderer main thread: the CrRendererMain with the most scripting events.
  const mains = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  let best = null;
  for (const m of mains) {
    const n = events.filter((e) => e.pid === m.pid && e.tid === m.tid && SCRIPT.has(e.name)).length;
    if (!best || n > best.n) best = { pid: m.pid, tid: m.tid, n };
  }
  if (!best) throw new Error('no CrRendererMain thread in the trace');
  const thread = events.filter((e) => e.pid === best.pid && e.tid === best.tid && e.ts >= windowStartUs && e.ts <= windowEndUs);
  const all = intervalsOf(thread);
  const script = union(all.filter((i) => SCRIPT.has(i.name)));
  const render = union(all.filter((i) => RENDER_IN_SCRIPT.has(i.name)));
  const forced = overlapPerInterval(script, render);
  const wallMs = script.map(([s, e]) => (e - s) / 1000); // script including the layout it forced
  const selfMs = wallMs.map((w, i) => w - forced[i] / 1000); // DevTools "Scripting"

  const slots = Math.max(1, Math.ceil((windowEndUs - windowStartUs) / 1000 / FRAME_MS));
  const perSlot = new Array(slots).fill(0);
  const perSlotWall = new Array(slots).fill(0);
  script.forEach(([s], i) => {
    const slot = Math.min(slots - 1, Math.max(0, Math.floor((s - windowStartUs) / 1000 / FRAME_MS)));
    perSlot[slot] += selfMs[i];
    perSlotWall[slot] += wallMs[i];
  });
  // The same in thread time (the trace's tdur): what the scripts cost the CPU, without the time
  // the thread waited for one while other processes ran. On a loaded machine a 0.2 ms callback
  // can take 16 ms of wall time; the gap between the two figures shows how much of a slow frame
  // is the machine rather than the page.
  const cpuPerSlot = new Array(slots).fill(0);
  const slotOf = (us) => Math.min(slots - 1, Math.max(0, Math.floor((us - windowStartUs) / 1000 / FRAME_MS)));
  const timed = thread.filter((e) => e.ph === 'X' && typeof e.tdur === 'number').sort((a, b) => a.ts - b.ts);
  let outerEnd = -Infinity;
  let outerSlot = -1;
  for (const e of timed) {
    if (SCRIPT.has(e.name) && e.ts >= outerEnd) {
      outerEnd = e.ts + e.dur;
      outerSlot = slotOf(e.ts);
      cpuPerSlot[outerSlot] += e.tdur / 1000;
    } else if (RENDER_IN_SCRIPT.has(e.name) && e.ts < outerEnd) {
      cpuPerSlot[outerSlot] -= e.tdur / 1000; // forced layout, not scripting
    }
  }

  const sorted = (xs) => [...xs].sort((a, b) => a - b);
  // Top-level tasks: DevTools' RunTask, or the scheduler's own event when RunTask is absent.
  let tasks = all.filter((i) => i.name === 'RunTask');
  if (tasks.length === 0) tasks = all.filter((i) => TOP_LEVEL.has(i.name));
  return {
    slots,
    perSlot: sorted(perSlot),
    busy: sorted(perSlot.filter((x) => x > 0)),
    perSlotWall: sorted(perSlotWall),
    over16: perSlot.filter((x) => x > 16).length,
    over16Wall: perSlotWall.filter((x) => x > 16).length,
    cpuPerSlot: sorted(cpuPerSlot),
    over16Cpu: cpuPerSlot.filter((x) => x > 16).length,
    longTasks: sorted(tasks.filter((t) => t.e - t.s > 50_000).map((t) => (t.e - t.s) / 1000)).reverse(),
    longScripts: wallMs.filter((x) => x > 50).length,
    scripts: script.length,
    tasks: tasks.length,
    frames: thread.filter((e) => e.name === 'BeginMainThreadFrame').length,
    totalScriptMs: selfMs.reduce((a, b) => a + b, 0),
    forcedMs: forced.reduce((a, b) => a + b, 0) / 1000,
    windowS: (windowEndUs - windowStartUs) / 1e6,
  };
}

// ----------------------------------------------------------------------------- main

async function main() {
  if (!existsSync(BIN)) throw new Error(`no livedash binary at ${BIN} (set LIVEDASH_BIN)`);
  log(`page_trace: ${ORDERS} orders, ${RATE} changes/s for ${SECONDS} s, stuck after ${STUCK_AFTER} s`);
  log(`binary: ${BIN}`);
  log(`machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}); load average at start: ${load()}`);

  server = await startServer();
  let browser;
  const kill = () => server?.child.exitCode === null && server.child.kill('SIGKILL');
  const onSignal = () => { kill(); process.exit(130); };
  process.once('exit', kill);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const t0 = performance.now();
    const counts = await loadOrders();
    const loadedAt = Date.now();
    log(`loaded ${counts.orders} orders and ${counts.payments} payments in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(server.url + '/');

    // Live, every snapshot loaded, the totals showing every order, and the stuck orders in
    // when STUCK_AFTER is short (processing and packing orders count as stuck STUCK_AFTER s after
    // they were loaded, all of them a few seconds later: a page that was live sooner would
    // otherwise get most of them during the run); with a long STUCK_AFTER the stuck list stays
    // empty during the run.
    const readyBy = Date.now() + 60_000 + Math.min(STUCK_AFTER, 30) * 1000;
    let state;
    for (;;) {
      state = await page.evaluate(() => {
        const ld = window.livedash;
        if (!ld) return null;
        const stats = [...ld.stores.get('order-stats').rows.values()];
        return {
          state: ld.client.state,
          syncing: ld.client.syncing.size,
          orders: stats.reduce((a, r) => a + Number(r.orderCount ?? 0), 0),
          rows: Object.fromEntries([...ld.stores].map(([id, s]) => [id, s.rows.size])),
        };
      });
      if (state && state.state === 'live' && state.syncing === 0 && state.orders >= counts.orders &&
          (STUCK_AFTER > 30 || (state.rows['stuck-orders'] > 0 && Date.now() > loadedAt + (STUCK_AFTER + 5) * 1000))) break;
      if (Date.now() > readyBy) throw new Error(`page not ready: ${JSON.stringify(state)}`);
      await sleep(200);
    }
    log(`page live: ${JSON.stringify(state.rows)} rows in its stores`);
    await sleep(1000); // let the first render settle

    // Count the diffs the page receives from here on (every stream message for a query).
    await page.evaluate(() => {
      const c = window.livedash.client;
      const orig = c.onStreamMessage.bind(c);
      window.__bench = { diffs: 0, messages: 0 };
      c.onStreamMessage = (ev) => {
        window.__bench.messages++;
        try { if (typeof JSON.parse(ev.data)?.queryId === 'string') window.__bench.diffs++; } catch {}
        return orig(ev);
      };
    });

    const cdp = await page.context().newCDPSession(page);
    const events = [];
    cdp.on('Tracing.dataCollected', ({ value }) => { for (const e of value) events.push(e); });
    const complete = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
    await cdp.send('Tracing.start', {
      transferMode: 'ReportEvents',
      traceConfig: {
        recordMode: 'recordContinuously',
        includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline',
          'disabled-by-default-devtools.timeline.frame', 'toplevel', 'v8.execute', 'blink.user_timing',
          'loading', 'latencyInfo', '__metadata'],
      },
    });
    if (CPU_PROFILE) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
      await cdp.send('Profiler.start');
    }
    // The window analysed: from the first change to the last, marked in the page's clock.
    await page.evaluate(() => performance.mark('bench-start'));
    const maxId = counts.orders;
    const drive = await driveChanges(maxId);
    await sleep(500); // the last diffs reach the page
    await page.evaluate(() => performance.mark('bench-end'));
    const profile = CPU_PROFILE ? (await cdp.send('Profiler.stop')).profile : null;
    await cdp.send('Tracing.end');
    await complete;
    const bench = await page.evaluate(() => window.__bench);
    const after = await page.evaluate(() => ({
      state: window.livedash.client.state,
      rows: Object.fromEntries([...window.livedash.stores].map(([id, s]) => [id, s.rows.size])),
    }));
    if (TRACE_OUT) writeFileSync(TRACE_OUT, JSON.stringify({ traceEvents: events }));

    const mark = (name) => events.find((e) => e.name === name && e.cat?.includes('blink.user_timing'))?.ts;
    const startUs = mark('bench-start');
    const endUs = mark('bench-end');
    if (startUs === undefined || endUs === undefined) throw new Error('bench marks not found in the trace');
    const r = analyse(events, startUs, endUs);

    const lat = drive.latencies.sort((a, b) => a - b);
    const f = (x) => x.toFixed(1);
    const dist = (xs) => `p50 ${f(percentile(xs, 50))}  p95 ${f(percentile(xs, 95))}  p99 ${f(percentile(xs, 99))}  max ${f(xs[xs.length - 1] ?? 0)} ms`;
    const mainMs = r.windowS * 1000;
    log('');
    log(`changes: ${drive.ok} ok, ${drive.failed} failed, ${drive.skipped} skipped (16 in flight) in ${drive.elapsed.toFixed(1)} s` +
      ` = ${(drive.ok / drive.elapsed).toFixed(1)}/s; SQL latency p50 ${f(percentile(lat, 50))} ms, p99 ${f(percentile(lat, 99))} ms`);
    log(`page: ${bench.diffs} diffs received, state ${after.state}, stores ${JSON.stringify(after.rows)}`);
    log(`window: ${r.windowS.toFixed(1)} s from the first change until the page ran its end mark ` +
      `(the changes took ${drive.elapsed.toFixed(1)} s; the rest is the page catching up)`);
    log(`trace: ${events.length} events; main thread: ${r.tasks} tasks, ${r.scripts} script runs, ${r.frames} main-thread frames (BeginMainThreadFrame)`);
    log(`scripting: ${f(r.totalScriptMs)} ms (${f((100 * r.totalScriptMs) / mainMs)}% of the window);` +
      ` layout/style forced from scripts: ${f(r.forcedMs)} ms (${f((100 * r.forcedMs) / mainMs)}%)`);
    log(`scripting per frame, all ${r.slots} vsync slots:        ${dist(r.perSlot)}`);
    log(`scripting per frame, ${r.busy.length} slots with scripting:  ${dist(r.busy)}`);
    log(`script + forced layout per frame, all slots:   ${dist(r.perSlotWall)}`);
    log(`scripting CPU (thread time) per frame, all slots: ${dist(r.cpuPerSlot)}; over 16 ms: ${r.over16Cpu}` +
      ` (${f((100 * r.over16Cpu) / r.slots)}%)`);
    log(`frames over 16 ms: ${r.over16} of ${r.slots} (${f((100 * r.over16) / r.slots)}%) by scripting,` +
      ` ${r.over16Wall} (${f((100 * r.over16Wall) / r.slots)}%) counting forced layout`);
    log(`long tasks (> 50 ms): ${r.longTasks.length}` +
      `${r.longTasks.length ? ` (longest ${r.longTasks.slice(0, 5).map((x) => x.toFixed(0)).join(', ')} ms)` : ''};` +
      ` script runs over 50 ms (with forced layout): ${r.longScripts}`);
    if (profile) {
      writeFileSync(CPU_PROFILE, JSON.stringify(profile));
      log(`functions with the most self time (sampled; the profile is in ${CPU_PROFILE}):`);
      for (const { name, ms } of hotFunctions(profile)) log(`  ${ms.toFixed(0).padStart(7)} ms  ${name}`);
    }
    log(`page errors: ${pageErrors.length}${pageErrors.length ? ` (${pageErrors.slice(0, 3).join('; ')})` : ''}`);
    log(`load average at end: ${load()}`);
    const p99 = percentile(r.perSlot, 99);
    const max = r.perSlot[r.perSlot.length - 1] ?? 0;
    log(`target (< 16 ms of scripting per frame): ${max < 16 ? 'met in every frame' : p99 < 16 ? `met at p99, not at max` : 'NOT met'}`);
  } finally {
    await browser?.close();
    await stopServer(server.child);
    process.off('exit', kill);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
