// End-to-end test of the order operations page: a real livedash demo server (no simulated
// traffic), Debian's Chromium driven by playwright-core, and assertions on what a person sees.
//
// Run: tests/e2e/run.sh   (or: cd tests/e2e && npm ci && node --test)
// LIVEDASH_BIN overrides the binary (default: build/release/livedash in this repo).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertJitteredBackoff, brightness, launchChromium } from './lib/browser.mjs';
import { clean, closeAll, eventually, guardProcess, postSql, startLivedash } from './lib/livedash_process.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = process.env.LIVEDASH_BIN ?? resolve(here, '../../build/release/livedash');
const SHOTS = resolve(here, 'screenshots');
const STREAM = /\/events(\?|$)/;
const SNAPSHOTS = /\/api\/v1\/queries\//;

// ----------------------------------------------------------------------------- helpers

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('order operations dashboard', () => {
  let server;
  let browser;
  let page;
  const pageErrors = [];
  let unguard;

  const sql = (statement) => postSql(server.url, 'shop', statement);

  // What a person reads on the page.
  const badge = () => page.getByRole('status');
  const tile = (name) => page.getByRole('region', { name: 'Orders by status' }).getByRole('article', { name, exact: true });
  const recentRows = () => page.getByRole('list', { name: 'Recent orders' }).getByRole('listitem');
  const issueRows = () => page.getByRole('list', { name: 'Payment issues' }).getByRole('listitem');
  const stuckRows = (p = page) => p.getByRole('list', { name: 'Stuck orders' }).getByRole('listitem');

  async function tileShows(name, count, revenue) {
    const t = tile(name);
    assert.equal(clean(await t.locator('.tile-count').textContent()), count, `${name} count`);
    assert.equal(clean(await t.locator('.tile-revenue').textContent()), revenue, `${name} revenue`);
  }

  /** The stuck orders card lists exactly these orders, top to bottom: [id, customer, status, total]. */
  async function stuckShows(expected, p = page) {
    const rows = (await stuckRows(p).allInnerTexts()).map(clean);
    assert.equal(rows.length, expected.length, `stuck orders: ${JSON.stringify(rows)}`);
    expected.forEach(([id, customer, status, total], i) => {
      const want = new RegExp(`^Order #${id} — ${escapeRe(customer)} ${escapeRe(total)} ${status} stuck for \\d+ (s|min)$`, 'i');
      assert.match(rows[i], want, `stuck order ${i + 1} of ${rows.length}`);
    });
  }

  async function badgeText() {
    return clean(await badge().textContent()).toLowerCase();
  }

  before(async () => {
    assert.ok(existsSync(BIN), `no livedash binary at ${BIN}: build it first (cmake --build build/release --target livedash)`);
    unguard = guardProcess(() => server);
    // An order is stuck after 3 s in processing or packing.
    server = await startLivedash(BIN, ['demo', '--port', '0', '--rate', '0', '--stuck-after', '3']);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(server.url + '/');
  }, { timeout: 20_000 });

  after(() => closeAll({ browser, server, unguard }), { timeout: 15_000 });

  test('shows the seeded figures', { timeout: 10_000 }, async () => {
    assert.equal(await page.title(), 'Order operations');
    await eventually(async () => {
      await tileShows('Pending', '1', '$129.99');
      await tileShows('Processing', '2', '$339.98');
      await tileShows('Packing', '1', '$199.99');
      await tileShows('Shipped', '1', '$159.99');
      await tileShows('Delivered', '2', '$379.98');
      assert.equal(await recentRows().count(), 7);
    }, { timeout: 5000, what: 'seeded data on screen' });

    const first = clean(await recentRows().first().innerText());
    assert.match(first, /#1\b.*Alice Johnson.*pending.*\$129\.99/i);
    assert.equal(await issueRows().count(), 1);
    const issue = clean(await issueRows().first().innerText());
    assert.match(issue, /Order #1\b/);
    assert.match(issue, /pending/i);
    assert.match(issue, /\$129\.99/);
    assert.equal(await page.locator('#stale-warning').isVisible(), false, 'no stale warning');
    await eventually(async () => assert.equal(await badgeText(), 'live'), { timeout: 3000, what: 'badge live' });
    const updated = clean(await page.locator('#last-updated').textContent());
    assert.match(updated, /^\d{2}:\d{2}:\d{2}$/, 'last updated shows a time');
    // Five cards on four queries, one stream: the server's own count of its SSE clients.
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /^livedash_sse_clients\{reaction="dashboard-stream"\} 1$/m, 'one stream for the tab');
  });

  test('the seeded orders in processing or packing show as stuck within 5 s of start, longest first', { timeout: 10_000 }, async () => {
    // The three were seeded together, so they have been stuck equally long: lowest number first.
    await eventually(() => stuckShows([
      [2, 'Bob Smith', 'processing', '$249.99'],
      [3, 'Carol Williams', 'processing', '$89.99'],
      [4, 'David Brown', 'packing', '$199.99'],
    ]), { timeout: 5000, since: server.startedAt, what: 'seeded stuck orders on screen' });
    assert.equal(clean(await page.locator('#stuck-summary').textContent()), '3 stuck');
    assert.equal(await page.getByText('No stuck orders').isVisible(), false);
    // The seeded figures are unchanged.
    await tileShows('Processing', '2', '$339.98');
    await tileShows('Packing', '1', '$199.99');
  });

  test('how long an order has been stuck keeps counting, without redrawing the list', { timeout: 15_000 }, async () => {
    const other = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    try {
      other.on('pageerror', (err) => pageErrors.push(err.message));
      await other.clock.install(); // time still flows; fastForward jumps ahead
      await other.goto(server.url + '/');
      await eventually(async () => {
        assert.equal(clean(await other.getByRole('status').textContent()).toLowerCase(), 'live');
        assert.equal(await stuckRows(other).count(), 3);
      }, { timeout: 5000, what: 'second page live with its stuck orders' });
      const ages = () => stuckRows(other).locator('.issue-age').allTextContents();
      for (const age of await ages()) assert.match(age, /^stuck for \d+ s$/);
      // The seeded pending payment of order 1 says how long it has been pending, too.
      const paymentAges = () => other.getByRole('list', { name: 'Payment issues' }).locator('.issue-age').allTextContents();
      assert.deepEqual((await paymentAges()).map((a) => a.replace(/\d+/, 'N')), ['for N s']);
      // Mark the rows and watch the list: the clock moving on must only change the texts.
      await other.evaluate(() => {
        const list = document.getElementById('stuck-orders');
        for (const li of list.children) li.__seen = true;
        window.__stuckListChanges = 0;
        new MutationObserver((records) => { window.__stuckListChanges += records.length; }).observe(list, { childList: true });
      });
      await other.clock.fastForward('02:30');
      await eventually(async () => {
        assert.deepEqual(await ages(), ['stuck for 2 min', 'stuck for 2 min', 'stuck for 2 min']);
        assert.deepEqual(await paymentAges(), ['for 2 min']);
      }, { timeout: 3000, what: 'stuck and pending times after 2.5 min' });
      assert.equal(await other.evaluate(() => [...document.getElementById('stuck-orders').children].every((li) => li.__seen)), true,
        'the same rows are still there');
      assert.equal(await other.evaluate(() => window.__stuckListChanges), 0, 'no row was added, removed or moved');
    } finally {
      await other.close();
    }
  });

  test('a new order shows in the pending tile and on top of recent orders within 1 s', { timeout: 10_000 }, async () => {
    const since = Date.now();
    await sql("INSERT INTO orders (customer_id, customer_name, status, total) VALUES (1, 'Alice Johnson', 'pending', 449.99)");
    await eventually(async () => {
      await tileShows('Pending', '2', '$579.98');
      const first = clean(await recentRows().first().innerText());
      assert.match(first, /#8\b.*Alice Johnson.*pending.*\$449\.99/i);
    }, { timeout: 1000, since, what: 'new order on screen' });
    assert.equal(await recentRows().count(), 8);
    // The diff is listed in the live events log.
    const log = clean(await page.getByRole('list', { name: 'Live events' }).innerText());
    assert.match(log, /order-stats/);
    assert.match(log, /recent-orders/);
  });

  test('moving an order to processing updates both tiles within 1 s', { timeout: 10_000 }, async () => {
    const since = Date.now();
    await sql("UPDATE orders SET status='processing' WHERE id=1");
    await eventually(async () => {
      await tileShows('Pending', '1', '$449.99');
      await tileShows('Processing', '3', '$469.97');
    }, { timeout: 1000, since, what: 'tiles after the status change' });
    const row = clean(await recentRows().filter({ hasText: '#1 ' }).first().innerText());
    assert.match(row, /processing/i);
  });

  test('a failed payment shows with its error message, failed first', { timeout: 10_000 }, async () => {
    const since = Date.now();
    await sql("INSERT INTO payments (order_id, status, amount, error_message) VALUES (1, 'failed', 449.99, 'Card declined')");
    await eventually(async () => {
      assert.equal(await issueRows().count(), 2);
      const first = clean(await issueRows().first().innerText());
      assert.match(first, /Order #1\b/);
      assert.match(first, /failed/i);
      assert.match(first, /Card declined/);
      assert.match(first, /\$449\.99/);
      assert.match(clean(await issueRows().first().locator('.issue-age').textContent()), /^for [0-2] s$/, 'failed for a moment');
    }, { timeout: 1000, since, what: 'failed payment on screen' });
  });

  test('a click on an order shows its fields and payments from the server; Escape and the close button close it', { timeout: 15_000 }, async () => {
    const dialog = page.getByRole('dialog');
    /** What the details dialog shows: its title, the fields (name → value) and the payment rows. */
    async function detailsShow(title, fields, payments) {
      await eventually(async () => {
        assert.equal(await dialog.isVisible(), true, 'dialog open');
        assert.equal(clean(await dialog.getByRole('heading', { level: 2 }).textContent()), title);
        const names = (await dialog.locator('dt').allTextContents()).map(clean);
        const values = (await dialog.locator('dd').allTextContents()).map(clean);
        const shown = Object.fromEntries(names.map((n, i) => [n, values[i]]));
        for (const [name, want] of Object.entries(fields)) {
          if (want instanceof RegExp) assert.match(shown[name] ?? '', want, name);
          else assert.equal(shown[name], want, name);
        }
        assert.deepEqual(Object.keys(shown), ['Customer', 'Status', 'Total', 'Placed', 'Last change']);
        const rows = await dialog.getByRole('table', { name: 'Payments' }).locator('tbody tr').evaluateAll(
          (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim())));
        assert.deepEqual(rows, payments);
      }, { timeout: 2000, what: `details of ${title}` });
    }
    const when = /^\S.*\d/; // a date and time in the viewer's locale

    // Order 1 from the payment issues card: moved to processing, with its pending payment and
    // the failed one added above. The page's stores hold only open payments; the dialog asks the
    // server for the order and all its payments.
    const fetched = page.waitForRequest((req) => req.url().endsWith('/api/v1/queries/order-details/results'), { timeout: 2000 });
    const opener = issueRows().first().getByRole('button', { name: 'Order #1 details' });
    await opener.click();
    await fetched;
    await detailsShow('Order #1', {
      Customer: 'Alice Johnson (customer #1)', Status: 'Processing', Total: '$129.99', Placed: when, 'Last change': when,
    }, [['#1', 'Pending', '$129.99', ''], ['#8', 'Failed', '$449.99', 'Card declined']]);
    await page.keyboard.press('Escape');
    await eventually(async () => assert.equal(await dialog.isVisible(), false), { timeout: 1000, what: 'closed by Escape' });
    assert.equal(await opener.evaluate((el) => el === document.activeElement), true, 'focus back on the order');

    // Order 5 from recent orders (a click anywhere on the row), closed with the close button.
    await recentRows().filter({ hasText: '#5 ' }).locator('.order-customer').click();
    await detailsShow('Order #5', {
      Customer: 'Eve Davis (customer #5)', Status: 'Shipped', Total: '$159.99', Placed: when, 'Last change': when,
    }, [['#5', 'Completed', '$159.99', '']]);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await eventually(async () => assert.equal(await dialog.isVisible(), false), { timeout: 1000, what: 'closed by the button' });

    // Order 3 from the stuck orders, with the keyboard only.
    await stuckRows().filter({ hasText: 'Order #3' }).getByRole('button').focus();
    await page.keyboard.press('Enter');
    await detailsShow('Order #3', {
      Customer: 'Carol Williams (customer #3)', Status: 'Processing', Total: '$89.99', Placed: when, 'Last change': when,
    }, [['#3', 'Completed', '$89.99', '']]);
    await page.keyboard.press('Escape');
    await eventually(async () => assert.equal(await dialog.isVisible(), false), { timeout: 1000, what: 'closed again' });
  });

  test('looks right on a desktop and on a phone (screenshots)', { timeout: 20_000 }, async () => {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: resolve(SHOTS, 'order-dashboard.png'), fullPage: true, animations: 'disabled' });

    // Big numbers, readable from across the room.
    const px = await tile('Pending').locator('.tile-count').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    assert.ok(px >= 40, `tile numbers are ${px}px`);
    const dark = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);

    // Balanced at 1280 px: the two alert cards side by side and as tall as each other, then recent
    // orders beside the live events, ending on the same line.
    const box = (name) => page.getByRole('region', { name, exact: true }).boundingBox();
    const [stuck, payments, recent, events] = await Promise.all(
      ['Stuck orders', 'Payment issues', 'Recent orders', 'Live events'].map(box));
    assert.ok(stuck.x < payments.x && Math.abs(stuck.y - payments.y) < 1, 'stuck orders beside payment issues');
    assert.ok(Math.abs(stuck.height - payments.height) < 1, `alert cards ${stuck.height}px and ${payments.height}px tall`);
    assert.ok(recent.y > stuck.y + stuck.height && Math.abs(recent.y - events.y) < 1, 'recent orders beside the live events, below the alerts');
    assert.ok(Math.abs(recent.y + recent.height - (events.y + events.height)) < 1, 'recent orders and live events end together');

    const phone = await browser.newPage({ viewport: { width: 375, height: 812 }, colorScheme: 'dark' });
    try {
      phone.on('pageerror', (err) => pageErrors.push(err.message));
      await phone.goto(server.url + '/');
      await eventually(async () => {
        assert.equal(clean(await phone.getByRole('status').textContent()).toLowerCase(), 'live');
        assert.equal(await phone.getByRole('list', { name: 'Payment issues' }).getByRole('listitem').count(), 2);
        assert.ok(await stuckRows(phone).count() >= 3);
      }, { timeout: 5000, what: 'phone page loaded' });
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `the phone layout scrolls sideways by ${overflow}px`);
      await phone.screenshot({ path: resolve(SHOTS, 'order-dashboard-phone.png'), fullPage: true, animations: 'disabled' });

      // Light theme when the system asks for it.
      await phone.emulateMedia({ colorScheme: 'light' });
      await phone.setViewportSize({ width: 1280, height: 800 });
      const light = await phone.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      assert.ok(brightness(dark) < 60, `dark by default (background ${dark})`);
      assert.ok(brightness(light) > 200, `light when asked (background ${light})`);
      await phone.screenshot({ path: resolve(SHOTS, 'order-dashboard-light.png'), fullPage: true, animations: 'disabled' });
    } finally {
      await phone.close();
    }
  });

  test('completing the payment clears both issues for order 1', { timeout: 10_000 }, async () => {
    const since = Date.now();
    await sql("UPDATE payments SET status='completed', error_message=NULL WHERE order_id=1");
    await eventually(async () => {
      assert.equal(await issueRows().count(), 0);
      assert.equal(await page.getByText('No payment issues').isVisible(), true);
    }, { timeout: 1000, since, what: 'payment issues cleared' });
  });

  test('falls back to polling when the stream is cut, and goes back to live', { timeout: 45_000 }, async () => {
    assert.equal(await badgeText(), 'live');

    // Record the retries the client schedules (attempt, delay, when).
    await page.evaluate(() => {
      const client = window.livedash.client;
      const show = client.opts.onState;
      window.__retries = [];
      client.opts.onState = (state, info) => {
        if (info.retryInMs !== undefined) window.__retries.push({ attempt: info.attempt, ms: info.retryInMs, at: performance.now() });
        show(state, info);
      };
    });

    // Cut the stream: refuse every new /events request and drop the open one.
    await page.route(STREAM, (route) => route.abort('connectionreset'));
    assert.equal(await page.evaluate(() => window.livedash.client.simulateDrop()), true);
    await eventually(async () => assert.equal(await badgeText(), 'reconnecting'), { timeout: 1000, what: 'badge reconnecting' });
    await eventually(async () => assert.equal(await badgeText(), 'polling'), { timeout: 8000, what: 'badge polling' });

    await assertJitteredBackoff(page);

    // A change still reaches the page, through the 5 s snapshot polls. Order 4 leaves packing,
    // so the packing group disappears from the result: its tile shows 0 and $0.00. It is no
    // longer stuck either; order 1, moved to processing by an earlier test, has been for 3 s.
    let since = Date.now();
    await sql("UPDATE orders SET status='shipped' WHERE id=4");
    await eventually(async () => {
      await tileShows('Packing', '0', '$0.00');
      await tileShows('Shipped', '2', '$359.98');
      await stuckShows([
        [2, 'Bob Smith', 'processing', '$249.99'],
        [3, 'Carol Williams', 'processing', '$89.99'],
        [1, 'Alice Johnson', 'processing', '$129.99'],
      ]);
    }, { timeout: 6500, since, what: 'change seen while polling' });
    assert.equal(await badgeText(), 'polling');

    // With the snapshots unreachable too, the page says it is offline.
    await page.route(SNAPSHOTS, (route) => route.abort('connectionrefused'));
    await eventually(async () => assert.equal(await badgeText(), 'offline'), { timeout: 6500, what: 'badge offline' });
    await page.unroute(SNAPSHOTS);
    await eventually(async () => assert.equal(await badgeText(), 'polling'), { timeout: 6500, what: 'badge polling again' });

    // The stream is back: a probe succeeds and the page streams again.
    await page.unroute(STREAM);
    await eventually(async () => assert.equal(await badgeText(), 'live'), { timeout: 11_000, what: 'badge live again' });
    since = Date.now();
    await sql("UPDATE orders SET status='delivered' WHERE id=5");
    await eventually(async () => {
      await tileShows('Shipped', '1', '$199.99');
      await tileShows('Delivered', '3', '$539.97');
    }, { timeout: 1000, since, what: 'streamed change after reconnecting' });
  });

  test('a diff that skips a sequence number reloads that query', { timeout: 10_000 }, async () => {
    // Pretend the page missed a diff: its order-stats result now looks one sequence behind.
    await page.evaluate(() => { window.livedash.stores.get('order-stats').sequence -= 1; });
    const reload = page.waitForRequest((req) => req.url().endsWith('/api/v1/queries/order-stats/results'), { timeout: 2000 });
    const since = Date.now();
    await sql("UPDATE orders SET status='packing' WHERE id=2");
    await reload;
    await eventually(async () => {
      await tileShows('Processing', '2', '$219.98');
      await tileShows('Packing', '1', '$249.99');
    }, { timeout: 1000, since, what: 'tiles after the reload' });
  });

  test('must-refetch on the stream reloads every snapshot', { timeout: 10_000 }, async () => {
    // The page's copy of recent orders loses its top row while its sequence stays: only a
    // reloaded snapshot can bring the row back.
    const shown = await recentRows().count();
    const top = clean(await recentRows().first().innerText());
    await page.evaluate(() => {
      const store = window.livedash.stores.get('recent-orders');
      const newest = Math.max(...store.values().map((r) => r.orderId));
      store.replace(store.values().filter((r) => r.orderId !== newest), store.sequence);
    });
    await eventually(async () => assert.equal(await recentRows().count(), shown - 1), { timeout: 1000, what: 'row gone' });

    // What the server writes to a subscriber that fell too far behind (src/server/sse_stream.cpp),
    // delivered on the page's own EventSource.
    const reloads = ['order-stats', 'recent-orders', 'stuck-orders', 'open-payments'].map((id) =>
      page.waitForRequest((req) => req.url().endsWith(`/api/v1/queries/${id}/results`), { timeout: 2000 }));
    await page.evaluate(() => window.livedash.client.es.dispatchEvent(new MessageEvent('message', {
      data: JSON.stringify({ type: 'must-refetch', reason: 'subscriber fell too far behind' }),
    })));
    await Promise.all(reloads);
    await eventually(async () => {
      assert.equal(await recentRows().count(), shown);
      assert.equal(clean(await recentRows().first().innerText()), top);
    }, { timeout: 1000, what: 'the reloaded snapshot on screen' });
    assert.equal(await badgeText(), 'live', 'still streaming');
  });

  test('warns that data may be stale when nothing confirmed it for 30 s', { timeout: 15_000 }, async () => {
    const other = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await other.clock.install(); // time still flows; fastForward jumps ahead
      await other.goto(server.url + '/');
      const warning = other.getByRole('alert');
      await eventually(async () => {
        assert.equal(clean(await other.getByRole('status').textContent()).toLowerCase(), 'live');
      }, { timeout: 5000, what: 'second page live' });
      assert.equal(await warning.isVisible(), false);

      await other.route(STREAM, (route) => route.abort('connectionreset'));
      await other.route(SNAPSHOTS, (route) => route.abort('connectionrefused'));
      await other.evaluate(() => window.livedash.client.simulateDrop());
      await other.clock.fastForward('00:40');
      await eventually(async () => {
        assert.equal(await warning.isVisible(), true);
        assert.match(clean(await warning.textContent()), /may be stale.*No update for \d+ s/i);
        assert.notEqual(clean(await other.getByRole('status').textContent()).toLowerCase(), 'live');
      }, { timeout: 3000, what: 'stale warning' });
    } finally {
      await other.close();
    }
  });

  test('values from the database are shown as text, never as markup', { timeout: 10_000 }, async () => {
    const name = '<img src=x onerror="window.__pwned=1">Mallory';
    await sql(`INSERT INTO orders (customer_id, customer_name, status, total) VALUES (2, '${name}', 'pending', 10)`);
    await eventually(async () => {
      assert.equal(clean(await recentRows().first().locator('.order-customer').textContent()), name);
    }, { timeout: 1000, what: 'odd customer name on screen' });
    assert.equal(await page.locator('main img').count(), 0);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
  });

  test('an order that leaves processing and packing leaves the stuck orders within 1 s', { timeout: 10_000 }, async () => {
    // Where the earlier tests left them: order 4 shipped, order 1 processing since before the
    // polling test, order 2 moved on to packing last (a change, so its clock started again).
    await eventually(() => stuckShows([
      [3, 'Carol Williams', 'processing', '$89.99'],
      [1, 'Alice Johnson', 'processing', '$129.99'],
      [2, 'Bob Smith', 'packing', '$249.99'],
    ]), { timeout: 4000, what: 'stuck orders after the earlier tests' });

    let since = Date.now();
    await sql("UPDATE orders SET status='shipped' WHERE id=3");
    await eventually(() => stuckShows([
      [1, 'Alice Johnson', 'processing', '$129.99'],
      [2, 'Bob Smith', 'packing', '$249.99'],
    ]), { timeout: 1000, since, what: 'order 3 gone from the stuck orders' });
    assert.equal(clean(await page.locator('#stuck-summary').textContent()), '2 stuck');

    since = Date.now();
    await sql("UPDATE orders SET status='delivered' WHERE id IN (1, 2)");
    await eventually(async () => {
      assert.equal(await stuckRows().count(), 0);
      assert.equal(await page.getByText('No stuck orders.').isVisible(), true);
      assert.equal(await page.locator('#stuck-summary').isVisible(), false);
    }, { timeout: 1000, since, what: 'no stuck orders' });
  });

  test('a new order in processing shows as stuck after 3 s, not before', { timeout: 10_000 }, async () => {
    const since = Date.now();
    await sql("INSERT INTO orders (customer_id, customer_name, status, total) VALUES (5, 'Eve Davis', 'processing', 59.5)");
    await eventually(async () => {
      const first = clean(await recentRows().first().innerText());
      assert.match(first, /#10\b.*Eve Davis.*processing.*\$59\.50/i);
    }, { timeout: 1000, since, what: 'new order on screen' });
    await sleep(since + 1000 - Date.now());
    assert.equal(await stuckRows().count(), 0, 'not stuck after 1 s');
    assert.equal(await page.getByText('No stuck orders.').isVisible(), true);

    await eventually(() => stuckShows([[10, 'Eve Davis', 'processing', '$59.50']]),
      { timeout: 5000, since, what: 'new order stuck' });
    const after = Date.now() - since;
    assert.ok(after >= 2500, `listed as stuck ${after} ms after it was placed`);
    const age = clean(await stuckRows().first().locator('.issue-age').textContent());
    assert.match(age, /^stuck for [2-9] s$/);
  });

  test('raised no script errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
