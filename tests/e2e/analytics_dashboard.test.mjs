// End-to-end test of the generic dashboard page (/d/{id}) on the analytics example: a real
// `livedash demo analytics` (no simulated traffic, an empty events table), Debian's Chromium
// driven by playwright-core, events written through the SQL endpoint, and assertions on the exact
// numbers a person sees. The page is built from the config's `dashboards:` section and kept live
// over one WebSocket.
//
// Run: tests/e2e/run.sh analytics_dashboard.test.mjs
// LIVEDASH_BIN overrides the binary (default: build/release/livedash in this repo).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertJitteredBackoff, launchChromium } from './lib/browser.mjs';
import { clean, closeAll, eventually, guardProcess, postSql, startLivedash } from './lib/livedash_process.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = process.env.LIVEDASH_BIN ?? resolve(here, '../../build/release/livedash');
const SHOTS = resolve(here, 'screenshots');

describe('analytics dashboard (generic page)', () => {
  let server;
  let browser;
  let page;
  const pageErrors = [];
  const sockets = [];
  const sentOn = new Map(); // socket → the messages the page sent on it

  let unguard;

  const sql = (statement) => postSql(server.url, 'tracker', statement);

  const event = (org, type, name, user) =>
    `('${org}', '${type}', '${name}', '${user}', '${user}-s1')`;
  const insert = (...rows) =>
    sql(`INSERT INTO events (org_id, event_type, event_name, user_id, session_id) VALUES ${rows.join(', ')}`);
  // An event at this time yesterday (UTC, in the store's own timestamp format).
  const yesterday = (org, type, name, user) =>
    `('${org}', '${type}', '${name}', '${user}', '${user}-s1', datetime('now', '-1 day'))`;
  const insertYesterday = (...rows) =>
    sql(`INSERT INTO events (org_id, event_type, event_name, user_id, session_id, timestamp) VALUES ${rows.join(', ')}`);

  // What a person reads on the page.
  const card = (name) => page.getByRole('region', { name, exact: true });
  const stat = async (name) => clean(await card(name).locator('.stat-value').textContent());
  const tableRows = async (name) =>
    (await card(name).locator('tbody tr').allInnerTexts()).map((t) => clean(t.replace(/\t/g, ' ')));
  const badgeText = async () => clean(await page.getByRole('status').textContent()).toLowerCase();
  /** A stat's trend as shown: [text, direction, tone] ('▲ 1 (+50%) vs yesterday', 'up', 'good'). */
  async function trend(name) {
    const el = card(name).locator('.stat-trend');
    return [clean(await el.textContent()), await el.getAttribute('data-dir'), await el.getAttribute('data-tone')];
  }

  async function statsShow(events5m, active5m, eventsToday, usersToday) {
    assert.equal(await stat('Events, last 5 min'), events5m, 'events, last 5 min');
    assert.equal(await stat('Active users, last 5 min'), active5m, 'active users, last 5 min');
    assert.equal(await stat('Events today'), eventsToday, 'events today');
    assert.equal(await stat('Unique users today'), usersToday, 'unique users today');
  }

  before(async () => {
    assert.ok(existsSync(BIN), `no livedash binary at ${BIN}: build it first`);
    // The page uses uPlot from web/vendor, which must be what web/package-lock.json installs.
    execFileSync(resolve(here, '../../scripts/vendor-web.sh'), ['--check'], { stdio: 'inherit' });
    unguard = guardProcess(() => server);
    server = await startLivedash(BIN, ['demo', 'analytics', '--port', '0', '--rate', '0']);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'dark' });
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('websocket', (ws) => {
      sockets.push(ws);
      const frames = [];
      sentOn.set(ws, frames);
      ws.on('framesent', (f) => frames.push(JSON.parse(f.payload)));
    });
    await page.goto(server.url + '/');
  }, { timeout: 20_000 });

  after(() => closeAll({ browser, server, unguard }), { timeout: 15_000 });

  test('/ opens the first dashboard, built from the config', { timeout: 10_000 }, async () => {
    assert.match(page.url(), /\/d\/analytics$/);
    await eventually(async () => {
      assert.equal(await page.title(), 'Product analytics');
      assert.equal(await badgeText(), 'live');
      await statsShow('0', '0', '0', '0');
    }, { timeout: 5000, what: 'empty dashboard, live' });
    assert.equal(await page.locator('section.card').count(), 8, 'one card per widget');
    assert.equal(sockets.length, 1, 'one WebSocket for every widget');
  });

  test('numbers on screen follow writes within a second', { timeout: 10_000 }, async () => {
    let since = Date.now();
    await insert(
      event('acme', 'page', 'page_view', 'u1'),
      event('acme', 'page', 'page_view', 'u2'),
      event('acme', 'conversion', 'signup', 'u1'));
    await eventually(async () => {
      await statsShow('3', '2', '3', '2');
      assert.deepEqual(await tableRows('Event counts today'), ['page_view page 2', 'signup conversion 1']);
      assert.deepEqual(await tableRows('Organisations, last 5 min'), ['acme 3 2']);
      // Nothing yesterday: the absolute change only, no percentage of 0.
      assert.deepEqual(await trend('Events today'), ['▲ 3 vs yesterday', 'up', 'good']);
      assert.deepEqual(await trend('Unique users today'), ['▲ 2 vs yesterday', 'up', 'good']);
    }, { timeout: 1000, since, what: 'first events on screen' });

    since = Date.now();
    await insert(event('globex', 'page', 'page_view', 'u3'));
    await eventually(async () => {
      await statsShow('4', '3', '4', '3');
      assert.deepEqual(await tableRows('Event counts today'), ['page_view page 3', 'signup conversion 1']);
      assert.deepEqual(await tableRows('Organisations, last 5 min'), ['acme 3 2', 'globex 1 1']);
      assert.deepEqual(await trend('Events today'), ['▲ 4 vs yesterday', 'up', 'good']);
    }, { timeout: 1000, since, what: 'second write on screen' });

    since = Date.now();
    await sql("DELETE FROM events WHERE event_name = 'signup'");
    await eventually(async () => {
      await statsShow('3', '3', '3', '3');
      assert.deepEqual(await tableRows('Event counts today'), ['page_view page 3']);
      assert.deepEqual(await trend('Events today'), ['▲ 3 vs yesterday', 'up', 'good']);
    }, { timeout: 1000, since, what: 'deletion on screen' });
  });

  test('today\'s stats show the change versus yesterday, from the same query row', { timeout: 10_000 }, async () => {
    // Today: 3 events by u1, u2, u3. Yesterday: 2 events by y1, y2.
    let since = Date.now();
    await insertYesterday(yesterday('acme', 'page', 'page_view', 'y1'), yesterday('acme', 'page', 'page_view', 'y2'));
    await eventually(async () => {
      assert.deepEqual(await trend('Events today'), ['▲ 1 (+50%) vs yesterday', 'up', 'good']);
      assert.deepEqual(await trend('Unique users today'), ['▲ 1 (+50%) vs yesterday', 'up', 'good']);
      await statsShow('3', '3', '3', '3');
    }, { timeout: 1000, since, what: '3 today vs 2 yesterday' });

    since = Date.now();
    await insertYesterday(yesterday('acme', 'page', 'page_view', 'y2'));
    await eventually(async () => {
      assert.deepEqual(await trend('Events today'), ['= vs yesterday', 'flat', 'neutral']);
      assert.deepEqual(await trend('Unique users today'), ['▲ 1 (+50%) vs yesterday', 'up', 'good'], 'y2 again: still 2 users');
    }, { timeout: 1000, since, what: '3 today vs 3 yesterday' });

    since = Date.now();
    await insertYesterday(yesterday('globex', 'page', 'page_view', 'y3'), yesterday('globex', 'page', 'page_view', 'y4'));
    await eventually(async () => {
      assert.deepEqual(await trend('Events today'), ['▼ 2 (-40%) vs yesterday', 'down', 'bad']);
      assert.deepEqual(await trend('Unique users today'), ['▼ 1 (-25%) vs yesterday', 'down', 'bad']);
      await statsShow('3', '3', '3', '3');
    }, { timeout: 1000, since, what: '3 today vs 5 yesterday' });
    assert.equal(await card('Events today').locator('.stat-trend').getAttribute('title'), 'previous: 5');
  });

  test('charts draw the hourly series and the top events', { timeout: 10_000 }, async () => {
    for (const name of ['Events per hour', 'Top events today']) {
      assert.equal(await card(name).locator('canvas').count() > 0, true, `${name} has a canvas`);
    }
    const data = await page.evaluate(() => window.livedash.stores.get('top-events-today').values().length);
    assert.equal(data, 1);
    // uPlot's legend names the series.
    assert.match(clean(await card('Events per hour').locator('.u-legend').textContent()), /Events.*Users/);
  });

  test('a dropped socket reconnects and catches up', { timeout: 15_000 }, async () => {
    await page.evaluate(() => window.livedash.client.simulateDrop());
    await insert(event('acme', 'page', 'page_view', 'u4'));
    await eventually(async () => {
      assert.equal(await badgeText(), 'live');
      await statsShow('4', '4', '4', '4');
    }, { timeout: 5000, what: 'back to live with the missed write' });
  });

  test('a must-refetch close (1013) resubscribes at once with the sequences the page holds', { timeout: 10_000 }, async () => {
    const before = sockets.length;
    await page.evaluate(() => {
      // What the server does to a subscriber more than 1024 messages behind (docs/websocket.md),
      // delivered to the page's socket handler; then that socket really closes.
      const ws = window.livedash.client.ws;
      ws.dispatchEvent(new CloseEvent('close', { code: 1013, reason: 'must-refetch', wasClean: true }));
      ws.close();
    });
    await eventually(() => assert.equal(sockets.length, before + 1), { timeout: 2000, what: 'a new socket' });
    const subscribes = () => sentOn.get(sockets.at(-1)).filter((m) => m.op === 'subscribe');
    await eventually(async () => {
      assert.equal(await badgeText(), 'live');
      assert.equal(subscribes().length, 6, `every query once: ${JSON.stringify(subscribes())}`);
    }, { timeout: 3000, what: 'live again, every query subscribed' });
    const sequences = await page.evaluate(() => Object.fromEntries([...window.livedash.stores].map(([id, s]) => [id, s.sequence])));
    for (const m of subscribes()) assert.equal(m.since, sequences[m.query], `${m.query} resumes from its sequence`);
    assert.equal(await page.evaluate(() => window.livedash.client.failures), 0, 'not counted as a failure (no backoff, no polling)');

    const since = Date.now();
    await insert(event('acme', 'page', 'page_view', 'u8'));
    await eventually(() => statsShow('5', '5', '5', '5'), { timeout: 1000, since, what: 'a write over the new socket' });
    await sql("DELETE FROM events WHERE user_id = 'u8'");
    await eventually(() => statsShow('4', '4', '4', '4'), { timeout: 1000, what: 'back to the earlier figures' });
  });

  test('with WebSockets blocked the page polls, numbers still follow writes, and it streams again when they work', { timeout: 40_000 }, async () => {
    // Playwright cannot route WebSockets, so this page gets a WebSocket that fails the way a
    // blocked one does: no exception, an error and a 1006 close a moment later. Flipping
    // window.__blockWebSocket lets the page's next probe through to the real one.
    const other = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'dark' });
    try {
      other.on('pageerror', (err) => pageErrors.push(err.message));
      await other.addInitScript(() => {
        const Real = window.WebSocket;
        window.__blockWebSocket = true;
        window.__blockedSockets = 0;
        class Blocked extends EventTarget {
          constructor(url) {
            super();
            this.url = url;
            this.readyState = 0;
            window.__blockedSockets += 1;
            setTimeout(() => {
              this.readyState = 3;
              this.onerror?.(new Event('error'));
              this.onclose?.(new CloseEvent('close', { code: 1006, wasClean: false }));
            }, 20);
          }
          send() {}
          close() { this.readyState = 3; }
        }
        function WebSocket(url, protocols) {
          return window.__blockWebSocket ? new Blocked(url) : new Real(url, protocols);
        }
        Object.assign(WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
        window.WebSocket = WebSocket;
        // Record the retries the client schedules (attempt, delay, when): dashboard.js sets
        // window.livedash just before it starts the client.
        window.__retries = [];
        let livedash;
        Object.defineProperty(window, 'livedash', {
          configurable: true,
          get: () => livedash,
          set: (value) => {
            livedash = value;
            const show = value.client.opts.onState;
            value.client.opts.onState = (state, info) => {
              if (info.retryInMs !== undefined) window.__retries.push({ attempt: info.attempt, ms: info.retryInMs, at: performance.now() });
              show(state, info);
            };
          },
        });
      });
      const socketsBefore = sockets.length;
      let realSockets = 0;
      other.on('websocket', () => { realSockets += 1; });
      const badge = async () => clean(await other.getByRole('status').textContent()).toLowerCase();
      const stat = async (name) => clean(await other.getByRole('region', { name, exact: true }).locator('.stat-value').textContent());
      await other.goto(server.url + '/d/analytics');

      // The REST snapshot still loads; the socket fails four times, then the page polls.
      await eventually(async () => assert.equal(await stat('Events today'), '4'), { timeout: 5000, what: 'snapshot loaded' });
      await eventually(async () => assert.equal(await badge(), 'polling'), { timeout: 8000, what: 'badge polling' });
      assert.match(await other.getByRole('status').getAttribute('title'), /refreshing every 5 seconds/);
      assert.ok(await other.evaluate(() => window.__blockedSockets) >= 4, 'the socket was tried before polling');

      await assertJitteredBackoff(other);

      // A write reaches the page through the 5 s polls.
      let since = Date.now();
      await insert(event('acme', 'page', 'page_view', 'u7'));
      await eventually(async () => {
        assert.equal(await stat('Events today'), '5');
        assert.equal(await stat('Unique users today'), '5');
      }, { timeout: 6500, since, what: 'write seen while polling' });
      assert.equal(await badge(), 'polling');
      assert.equal(realSockets, 0, 'no real socket while blocked');

      // WebSockets work again: a probe opens one and the page streams; writes arrive at once.
      await other.evaluate(() => { window.__blockWebSocket = false; });
      await eventually(async () => assert.equal(await badge(), 'live'), { timeout: 11_000, what: 'badge live again' });
      assert.equal(realSockets, 1, 'one socket once unblocked');
      since = Date.now();
      await sql("DELETE FROM events WHERE user_id = 'u7'");
      await eventually(async () => {
        assert.equal(await stat('Events today'), '4');
        assert.equal(await stat('Unique users today'), '4');
      }, { timeout: 1000, since, what: 'streamed change after polling' });
      assert.equal(sockets.length, socketsBefore, 'the main page kept its socket');
    } finally {
      await other.close();
    }
  });

  test('the index lists the dashboard; an unknown id says so', { timeout: 10_000 }, async () => {
    const res = await fetch(`${server.url}/api/v1/dashboards/nope`);
    assert.equal(res.status, 404);
    assert.equal((await res.json()).error.code, 'not_found');
    const other = await browser.newPage();
    try {
      await other.goto(server.url + '/dashboards');
      await eventually(async () => {
        assert.deepEqual((await other.getByRole('link').allInnerTexts()).map(clean), ['Product analytics']);
      }, { timeout: 3000, what: 'index' });
      await other.goto(server.url + '/d/nope');
      await eventually(async () => {
        assert.match(clean(await other.getByRole('alert').filter({ hasText: 'Cannot load' }).textContent()), /no dashboard `nope`/);
      }, { timeout: 3000, what: 'unknown dashboard message' });
    } finally {
      await other.close();
    }
  });

  test('looks right (screenshot), with no script errors', { timeout: 20_000 }, async () => {
    await insert(
      event('acme', 'page', 'pricing_view', 'u5'),
      event('initech', 'conversion', 'checkout', 'u6'),
      event('initech', 'page', 'page_view', 'u6'));
    await eventually(async () => statsShow('7', '6', '7', '6'), { timeout: 1000, what: 'final numbers' });
    await page.waitForTimeout(1600); // let the highlights fade
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: resolve(SHOTS, 'analytics-dashboard.png'), fullPage: true, animations: 'disabled' });
    const px = await card('Events today').locator('.stat-value').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    assert.ok(px >= 35, `stat numbers are ${px}px`);
    assert.deepEqual(pageErrors, []);
  });
});
