// End-to-end test of the generic dashboard's widgets that the analytics and KPI examples do not
// use: status-grid, alerts (time in state, ticking, "+N more"), table (sort by a header click,
// a changed row flashing in place, "+N more" past 100 rows), list and event-log; and the index
// listing several dashboards, one WebSocket per tab, a phone layout and the light theme.
// `livedash run` on tests/e2e/configs/order_widgets.yaml (the order store, orders stuck after 2 s),
// changes written through the SQL endpoint.
//
// Run: tests/e2e/run.sh generic_widgets.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brightness, launchChromium } from './lib/browser.mjs';
import { clean, closeAll, eventually, guardProcess, postSql, startLivedash } from './lib/livedash_process.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = process.env.LIVEDASH_BIN ?? resolve(here, '../../build/release/livedash');
const CONFIG = resolve(here, 'configs/order_widgets.yaml');
const SHOTS = resolve(here, 'screenshots');


describe('generic widgets on the order store', () => {
  let server;
  let browser;
  let page;
  let startedAt;
  const pageErrors = [];
  const sockets = [];

  let unguard;

  const sql = (statement) => postSql(server.url, 'shop', statement);

  const newPage = async (options = {}) => {
    const p = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'dark', ...options });
    p.on('pageerror', (err) => pageErrors.push(err.message));
    return p;
  };

  // What a person reads on the page.
  const card = (name, p = page) => p.getByRole('region', { name, exact: true });
  const badgeText = async (p = page) => clean(await p.getByRole('status').textContent()).toLowerCase();
  const texts = async (locator) => (await locator.allInnerTexts()).map((t) => clean(t.replace(/\t/g, ' ')));
  const tableRows = () => card('All orders').locator('tbody tr');
  const alertRows = (p = page) => card('Stuck orders', p).locator('li');
  const moreLine = (name, p = page) => card(name, p).locator('.more');

  async function tileShows(name, count, sum) {
    const tile = card('Orders by status').locator('.tile', { hasText: name });
    assert.equal(clean(await tile.locator('.tile-count').textContent()), count, `${name} count`);
    assert.equal(clean(await tile.locator('.tile-revenue').textContent()), sum, `${name} sum`);
  }

  /** The stuck orders alerts show exactly these, oldest first: [customer, order, status, total]. */
  async function alertsShow(expected, more, p = page) {
    const rows = await texts(alertRows(p));
    assert.equal(rows.length, expected.length, `alerts: ${JSON.stringify(rows)}`);
    expected.forEach(([customer, id, status, total], i) => {
      const want = new RegExp(`^${customer} for \\d+ (s|min) Order: ${id} Status: ${status} Total: \\$${total}$`);
      assert.match(rows[i], want, `alert ${i + 1}`);
    });
    const line = moreLine('Stuck orders', p);
    if (more) assert.equal(clean(await line.textContent()), more);
    else assert.equal(await line.isVisible(), false, 'no "+N more"');
  }

  before(async () => {
    assert.ok(existsSync(BIN), `no livedash binary at ${BIN}: build it first`);
    unguard = guardProcess(() => server);
    startedAt = Date.now();
    server = await startLivedash(BIN, ['run', '-c', CONFIG, '--port', '0']);
    browser = await launchChromium();
    page = await newPage();
    page.on('websocket', (ws) => sockets.push(ws));
    await page.goto(server.url + '/');
  }, { timeout: 20_000 });

  after(() => closeAll({ browser, server, unguard }), { timeout: 15_000 });

  test('every widget shows the seeded orders, over one WebSocket for the tab', { timeout: 10_000 }, async () => {
    assert.match(page.url(), /\/d\/operations$/);
    await eventually(async () => {
      assert.equal(await badgeText(), 'live');
      await tileShows('Pending', '1', '$129.99');
      await tileShows('Processing', '2', '$339.98');
      await tileShows('Packing', '1', '$199.99');
      await tileShows('Shipped', '1', '$159.99');
      await tileShows('Delivered', '2', '$379.98');
      assert.equal(clean(await card('Orders by status').locator('.card-meta').textContent()), '7 total');
      assert.deepEqual((await texts(tableRows())).slice(0, 2), ['7 Bob Smith delivered $299.99', '6 Alice Johnson delivered $79.99']);
      assert.equal(await tableRows().count(), 7);
      assert.deepEqual(await texts(card('Newest orders').locator('li')),
        ['Bob Smith delivered $299.99', 'Alice Johnson delivered $79.99', 'Eve Davis shipped $159.99']);
    }, { timeout: 5000, what: 'seeded orders on screen' });

    // Orders 2, 3 and 4 were seeded together in processing or packing: stuck after 2 s, the
    // oldest first (ties by order), at most two shown.
    await eventually(() => alertsShow([
      ['Bob Smith', 2, 'processing', '249.99'],
      ['Carol Williams', 3, 'processing', '89.99'],
    ], '+1 more'), { timeout: 5000, since: startedAt, what: 'stuck orders' });
    assert.equal(clean(await card('Stuck orders').locator('.card-meta').textContent()), '3', 'the count is of all of them');
    assert.equal(sockets.length, 1, 'one WebSocket for five widgets on four queries');
  });

  test('a change shows within 1 s: the tiles, and the changed cell flashes in a row that stays put', { timeout: 10_000 }, async () => {
    // Record every highlight that starts in the table, and mark order 1's row.
    await page.evaluate(() => {
      window.__highlights = [];
      const body = document.querySelector('[data-query="all-orders"] tbody');
      const record = (el, cls) => window.__highlights.push({ cls, tag: el.tagName, text: el.textContent.trim() });
      new MutationObserver((records) => {
        for (const r of records) {
          // A new row gets its glow before it is placed: it arrives with the class.
          for (const el of r.addedNodes) for (const cls of ['flash', 'enter']) if (el.classList?.contains(cls)) record(el, cls);
          for (const cls of ['flash', 'enter']) {
            if (r.type === 'attributes' && r.target.classList.contains(cls) && !(r.oldValue ?? '').split(' ').includes(cls)) record(r.target, cls);
          }
        }
      }).observe(body, { subtree: true, childList: true, attributes: true, attributeFilter: ['class'], attributeOldValue: true });
      const row = [...body.rows].find((tr) => tr.cells[0].textContent === '1');
      row.__marked = true;
    });
    const rowOf1 = tableRows().filter({ has: page.getByRole('cell', { name: '1', exact: true }) });
    const before = await rowOf1.boundingBox();

    const since = Date.now();
    await sql("UPDATE orders SET status = 'shipped' WHERE id = 1");
    await eventually(async () => {
      await tileShows('Pending', '0', '$0.00');
      await tileShows('Shipped', '2', '$289.98');
      assert.equal(clean(await rowOf1.innerText()), '1 Alice Johnson shipped $129.99');
    }, { timeout: 1000, since, what: 'the change on screen' });
    await eventually(async () => {
      assert.deepEqual(await page.evaluate(() => window.__highlights), [{ cls: 'flash', tag: 'TD', text: 'shipped' }]);
    }, { timeout: 1000, what: 'the status cell flashed' });
    assert.equal(await rowOf1.evaluate((tr) => tr.__marked === true), true, 'the same row element, updated in place');
    assert.deepEqual(await rowOf1.boundingBox(), before, 'the row did not move');
    // The change is in the event log too.
    const log = await texts(card('Changes to orders').locator('li'));
    assert.match(log[0], /all-orders \+0 ~1 −0$/);
  });

  test('a new order glows in on top of the table; the list keeps its three newest', { timeout: 10_000 }, async () => {
    await page.evaluate(() => { window.__highlights = []; });
    const since = Date.now();
    await sql("INSERT INTO orders (customer_id, customer_name, status, total) VALUES (5, 'Eve Davis', 'pending', 42)");
    await eventually(async () => {
      assert.equal(clean(await tableRows().first().innerText()), '8 Eve Davis pending $42.00');
      assert.deepEqual(await texts(card('Newest orders').locator('li')),
        ['Eve Davis pending $42.00', 'Bob Smith delivered $299.99', 'Alice Johnson delivered $79.99']);
      await tileShows('Pending', '1', '$42.00');
    }, { timeout: 1000, since, what: 'new order on screen' });
    await eventually(async () => {
      assert.deepEqual(await page.evaluate(() => window.__highlights), [{ cls: 'enter', tag: 'TR', text: '8Eve Davispending$42.00' }]);
    }, { timeout: 1000, what: 'the new row glowed in' });
  });

  test('a click on a table header sorts by it, again reverses it', { timeout: 10_000 }, async () => {
    // A sorted header's name ends with its arrow (▲ or ▼).
    const header = (name) => card('All orders').getByRole('columnheader', { name: new RegExp(`^${name}( [▲▼])?$`) });
    const totals = async () => (await card('All orders').locator('tbody tr td:last-child').allTextContents()).map(clean);
    assert.equal(await header('Order').getAttribute('aria-sort'), null, 'the declared sort has no arrow yet');

    await header('Total').getByRole('button').click();
    assert.equal(await header('Total').getAttribute('aria-sort'), 'descending');
    assert.equal(await header('Order').getAttribute('aria-sort'), 'none');
    assert.deepEqual(await totals(), ['$299.99', '$249.99', '$199.99', '$159.99', '$129.99', '$89.99', '$79.99', '$42.00']);

    await header('Total').getByRole('button').click();
    assert.equal(await header('Total').getAttribute('aria-sort'), 'ascending');
    assert.deepEqual(await totals(), ['$42.00', '$79.99', '$89.99', '$129.99', '$159.99', '$199.99', '$249.99', '$299.99']);

    await header('Customer').getByRole('button').click();
    assert.equal((await texts(tableRows()))[0].split(' ').slice(1, 3).join(' '), 'Eve Davis', 'customers Z to A');

    await header('Order').getByRole('button').click();
    assert.equal(await header('Order').getAttribute('aria-sort'), 'descending');
    assert.deepEqual((await card('All orders').locator('tbody tr td:first-child').allTextContents()).map(clean),
      ['8', '7', '6', '5', '4', '3', '2', '1']);
  });

  test('alerts count how long each order has been stuck, changing only those texts', { timeout: 15_000 }, async () => {
    const other = await newPage();
    try {
      await other.clock.install(); // time still flows; fastForward jumps ahead
      await other.goto(server.url + '/d/operations');
      await eventually(async () => {
        assert.equal(await badgeText(other), 'live');
        assert.equal(await alertRows(other).count(), 2);
      }, { timeout: 5000, what: 'second page with its alerts' });
      const ages = () => alertRows(other).locator('.issue-age').allTextContents();
      for (const age of await ages()) assert.match(age, /^for \d+ s$/);
      await other.evaluate(() => {
        const list = document.querySelector('[data-query="stuck-orders"] ol');
        for (const li of list.children) li.__seen = true;
        window.__alertListChanges = 0;
        new MutationObserver((records) => { window.__alertListChanges += records.length; }).observe(list, { childList: true });
      });
      await other.clock.fastForward('02:30');
      await eventually(async () => {
        assert.deepEqual(await ages(), ['for 2 min', 'for 2 min']);
      }, { timeout: 3000, what: 'ages after 2.5 min' });
      assert.equal(await other.evaluate(() => [...document.querySelector('[data-query="stuck-orders"] ol').children].every((li) => li.__seen)), true,
        'the same rows are still there');
      assert.equal(await other.evaluate(() => window.__alertListChanges), 0, 'no row was added, removed or moved');
    } finally {
      await other.close();
    }
  });

  test('an order stuck for 2 s joins the alerts ("+2 more"); one that moves on leaves them within 1 s', { timeout: 10_000 }, async () => {
    let since = Date.now();
    await sql("UPDATE orders SET status = 'processing' WHERE id = 8");
    await eventually(async () => {
      assert.equal(clean(await card('Stuck orders').locator('.card-meta').textContent()), '4');
      await alertsShow([
        ['Bob Smith', 2, 'processing', '249.99'],
        ['Carol Williams', 3, 'processing', '89.99'],
      ], '+2 more');
    }, { timeout: 4000, since, what: 'order 8 stuck' });
    assert.ok(Date.now() - since >= 1500, 'not stuck before its 2 s');

    since = Date.now();
    await sql("UPDATE orders SET status = 'shipped' WHERE id = 2");
    await eventually(() => alertsShow([
      ['Carol Williams', 3, 'processing', '89.99'],
      ['David Brown', 4, 'packing', '199.99'],
    ], '+1 more'), { timeout: 1000, since, what: 'order 2 gone from the alerts' });

    since = Date.now();
    await sql("UPDATE orders SET status = 'delivered' WHERE id IN (3, 4, 8)");
    await eventually(async () => {
      await alertsShow([], null);
      assert.equal(await card('Stuck orders').getByText('No stuck orders.').isVisible(), true);
    }, { timeout: 1000, since, what: 'no stuck orders' });
  });

  test('a table of more than 100 rows shows the first 100 and "+N more"', { timeout: 10_000 }, async () => {
    const values = Array.from({ length: 100 }, (_, i) => `(1, 'Bulk ${i + 1}', 'pending', ${i + 1})`).join(', ');
    const since = Date.now();
    await sql(`INSERT INTO orders (customer_id, customer_name, status, total) VALUES ${values}`);
    await eventually(async () => {
      assert.equal(await tableRows().count(), 100);
      assert.equal(clean(await moreLine('All orders').textContent()), '+8 more');
      assert.equal(clean(await tableRows().first().innerText()), '108 Bulk 100 pending $100.00');
      await tileShows('Pending', '100', '$5,050.00');
    }, { timeout: 2000, since, what: '108 orders' });

    await sql("DELETE FROM orders WHERE customer_name LIKE 'Bulk %' AND total > 93");
    await eventually(async () => {
      assert.equal(await tableRows().count(), 100);
      assert.equal(clean(await moreLine('All orders').textContent()), '+1 more');
    }, { timeout: 2000, what: '101 orders' });
    await sql("DELETE FROM orders WHERE customer_name = 'Bulk 93'");
    await eventually(async () => {
      assert.equal(await tableRows().count(), 100);
      assert.equal(await moreLine('All orders').isVisible(), false);
    }, { timeout: 2000, what: '100 orders' });
  });

  test('warns that data may be stale when the socket goes silent and nothing else confirms the data', { timeout: 15_000 }, async () => {
    const other = await newPage();
    try {
      // window.__cut: the open socket hears nothing more (no pongs, no diffs) and new ones fail
      // the way a blocked socket does.
      await other.addInitScript(() => {
        const Real = window.WebSocket;
        window.__cut = false;
        class Cuttable extends Real {
          constructor(url, protocols) {
            super(url, protocols);
            if (window.__cut) setTimeout(() => this.dispatchEvent(new CloseEvent('close', { code: 1006 })), 20);
          }
          set onmessage(fn) { super.onmessage = fn && ((ev) => window.__cut || fn(ev)); }
        }
        window.WebSocket = Cuttable;
      });
      await other.clock.install(); // time still flows; fastForward jumps ahead
      await other.goto(server.url + '/d/operations');
      const warning = other.getByRole('alert').filter({ hasText: 'stale' });
      await eventually(async () => assert.equal(await badgeText(other), 'live'), { timeout: 5000, what: 'second page live' });
      assert.equal(await other.locator('#stale-warning').isVisible(), false);

      await other.route(/\/api\/v1\/queries\//, (route) => route.abort('connectionrefused'));
      await other.evaluate(() => { window.__cut = true; });
      await other.clock.fastForward('00:40');
      await eventually(async () => {
        assert.equal(await warning.isVisible(), true);
        assert.match(clean(await warning.textContent()), /may be stale.*No update for \d+ s/i);
        assert.notEqual(await badgeText(other), 'live');
      }, { timeout: 5000, what: 'stale warning' });
    } finally {
      await other.close();
    }
  });

  test('the index lists every dashboard, each opening at /d/{id}; failed payments trend green when they fall', { timeout: 10_000 }, async () => {
    const other = await newPage();
    try {
      await other.goto(server.url + '/dashboards');
      await eventually(async () => {
        assert.deepEqual(await texts(other.locator('#dashboard-list li')),
          ['Order operations (widgets) 4 queries', 'Revenue 2 queries']);
      }, { timeout: 3000, what: 'index' });
      await other.getByRole('link', { name: 'Revenue' }).click();
      await eventually(async () => {
        assert.match(other.url(), /\/d\/revenue$/);
        assert.equal(await other.title(), 'Revenue');
        assert.equal(await badgeText(other), 'live');
        // The 92 bulk orders left (1 + … + 92 = 4,278) and the eight others (1,251.93).
        assert.equal(clean(await card('Revenue', other).locator('.stat-value').textContent()), '$5,529.93');
      }, { timeout: 5000, what: 'the revenue dashboard' });

      // Failed payments: fewer than yesterday is good (trend.good: down), so a fall is green.
      const failed = card('Failed payments today', other);
      const failedShow = async (value, text, dir, tone) => {
        const trend = failed.locator('.stat-trend');
        assert.equal(clean(await failed.locator('.stat-value').textContent()), value);
        assert.deepEqual([clean(await trend.textContent()), await trend.getAttribute('data-dir'),
          await trend.getAttribute('data-tone')], [text, dir, tone]);
      };
      await sql(`INSERT INTO payments (order_id, status, amount, created_at) VALUES
        (6, 'failed', 10, datetime('now', '-1 day')), (7, 'failed', 20, datetime('now', '-1 day')),
        (1, 'failed', 30, datetime('now'))`);
      await eventually(() => failedShow('1', '▼ 1 (-50%) vs yesterday', 'down', 'good'),
        { timeout: 1000, what: '1 failed today vs 2 yesterday' });
      await sql("UPDATE payments SET status = 'failed' WHERE id = 2");
      await eventually(() => failedShow('2', '= vs yesterday', 'flat', 'neutral'),
        { timeout: 1000, what: '2 failed today vs 2 yesterday' });
      await sql("UPDATE payments SET status = 'failed' WHERE id = 3");
      await eventually(() => failedShow('3', '▲ 1 (+50%) vs yesterday', 'up', 'bad'),
        { timeout: 1000, what: '3 failed today vs 2 yesterday' });
    } finally {
      await other.close();
    }
  });

  test('on a phone the widgets stack with no sideways scroll; light theme when asked (screenshots)', { timeout: 20_000 }, async () => {
    mkdirSync(SHOTS, { recursive: true });
    const phone = await newPage({ viewport: { width: 390, height: 844 } });
    try {
      await phone.goto(server.url + '/d/operations');
      await eventually(async () => {
        assert.equal(await badgeText(phone), 'live');
        assert.equal(await phone.locator('[data-query="all-orders"] tbody tr').count(), 100);
      }, { timeout: 5000, what: 'phone page loaded' });
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `the phone layout scrolls sideways by ${overflow}px`);
      const boxes = await phone.locator('section.card').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().toJSON()));
      assert.equal(boxes.length, 5);
      boxes.forEach((b, i) => {
        assert.ok(b.left >= 0 && b.right <= 390, `card ${i} within the screen (${b.left}–${b.right})`);
        assert.ok(Math.abs(b.left - boxes[0].left) < 1 && Math.abs(b.width - boxes[0].width) < 1, `card ${i} in the one column`);
        if (i > 0) assert.ok(b.top >= boxes[i - 1].bottom, `card ${i} below card ${i - 1}`);
      });
      const table = await phone.locator('.table-wrap').evaluate((el) => ({ scroll: el.scrollWidth, width: el.clientWidth }));
      assert.ok(table.scroll <= table.width, `the table is ${table.scroll}px wide in a ${table.width}px card`);
      await phone.screenshot({ path: resolve(SHOTS, 'generic-dashboard-phone.png'), animations: 'disabled' });

      const dark = await phone.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      await phone.emulateMedia({ colorScheme: 'light' });
      await phone.setViewportSize({ width: 1280, height: 900 });
      const light = await phone.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      const cardColour = await phone.locator('section.card').first().evaluate((el) => getComputedStyle(el).color);
      assert.ok(brightness(dark) < 60, `dark by default (background ${dark})`);
      assert.ok(brightness(light) > 200, `light when asked (background ${light})`);
      assert.ok(brightness(cardColour) < 100, `dark text on the light theme (${cardColour})`);
      await phone.screenshot({ path: resolve(SHOTS, 'generic-dashboard-light.png'), animations: 'disabled' });
    } finally {
      await phone.close();
    }
  });

  test('raised no script errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
