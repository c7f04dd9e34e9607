// End-to-end test of the pages in the binary with `auth:` on (docs/security.md): the token is
// given once in the address, kept in sessionStorage, taken out of the address, and sent on
// every request (Authorization on REST, access_token on the SSE stream and the WebSocket). A
// page without a usable token says so instead of sitting empty.
//
// Run: tests/e2e/run.sh auth_page.test.mjs
// LIVEDASH_BIN overrides the binary (default: build/release/livedash in this repo).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './lib/browser.mjs';
import { clean, closeAll, eventually, guardProcess, postSql, startLivedash } from './lib/livedash_process.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = process.env.LIVEDASH_BIN ?? resolve(here, '../../build/release/livedash');
const CONFIG = resolve(here, '../data/app/auth_pages.yaml');
const ADMIN = 'admin-secret-0123456789';
const READER = 'reader-secret-0123456789';
const VIEWER = 'viewer-secret-0123456789';

describe('pages with auth on', () => {
  let server;
  let browser;
  const pageErrors = [];
  let unguard;

  const sql = (statement) => postSql(server.url, 'shop', statement, { Authorization: `Bearer ${ADMIN}` });

  /** A fresh tab (its own sessionStorage), with every request it makes recorded. */
  async function newPage() {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.requests = [];
    page.on('request', (req) => page.requests.push({ url: req.url(), auth: req.headers().authorization ?? null }));
    page.sockets = [];
    page.on('websocket', (ws) => page.sockets.push(ws.url()));
    return page;
  }

  const badgeText = async (page) => clean(await page.getByRole('status').textContent()).toLowerCase();
  const pendingCount = (page) => page.locator('.tile.status-pending .tile-count').first().textContent();
  const authError = (page) => page.locator('#auth-error');

  before(async () => {
    assert.ok(existsSync(BIN), `no livedash binary at ${BIN}: build it first`);
    unguard = guardProcess(() => server);
    server = await startLivedash(BIN, ['run', '-c', CONFIG]);
    browser = await launchChromium();
  }, { timeout: 20_000 });

  after(() => closeAll({ browser, server, unguard }), { timeout: 15_000 });

  test('the order page with ?token= works, keeps the token for the tab and hides it from the address', { timeout: 20_000 }, async () => {
    const page = await newPage();
    await page.goto(`${server.url}/index.html?token=${READER}`);
    await eventually(async () => {
      assert.equal(await badgeText(page), 'live');
      assert.equal(clean(await pendingCount(page)), '1');
    }, { timeout: 5000, what: 'order page live with the seeded figures' });
    assert.equal(page.url(), `${server.url}/index.html`, 'the token is gone from the address');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('livedash.token')), READER);
    assert.equal(await authError(page).count(), 0, 'no auth message');

    // REST calls carry the header, the stream the query parameter; nothing went out without it.
    const api = page.requests.filter((r) => r.url.includes('/api/v1/'));
    assert.ok(api.length >= 4, `${api.length} API calls`);
    for (const r of api) assert.equal(r.auth, `Bearer ${READER}`, r.url);
    const streams = page.requests.filter((r) => new URL(r.url).pathname === '/events');
    assert.ok(streams.length >= 1, 'the SSE stream was opened');
    for (const s of streams) assert.equal(new URL(s.url).searchParams.get('access_token'), READER);

    // Changes stream in.
    const since = Date.now();
    await sql("INSERT INTO orders (customer_id, customer_name, status, total) VALUES (1, 'Alice Johnson', 'pending', 10)");
    await eventually(async () => assert.equal(clean(await pendingCount(page)), '2'), { timeout: 1000, since, what: 'streamed change' });

    // The order details read with the same token.
    await page.getByRole('list', { name: 'Recent orders' }).getByRole('button', { name: 'Order #2 details' }).click();
    await eventually(async () => {
      const fields = clean(await page.getByRole('dialog').locator('dl').textContent());
      assert.match(fields, /Bob Smith \(customer #2\)/);
    }, { timeout: 2000, what: 'order details with the token' });
    await page.keyboard.press('Escape');

    // A reload (same tab) still has the token, from sessionStorage.
    await page.reload();
    await eventually(async () => {
      assert.equal(await badgeText(page), 'live');
      assert.equal(clean(await pendingCount(page)), '2');
    }, { timeout: 5000, what: 'live again after a reload' });
    await page.context().close();
  });

  test('the order page without a token says it needs one', { timeout: 15_000 }, async () => {
    const page = await newPage();
    await page.goto(`${server.url}/index.html`);
    await eventually(async () => {
      assert.equal(await authError(page).isVisible(), true);
      assert.equal(await authError(page).getAttribute('role'), 'alert');
      assert.match(clean(await authError(page).textContent()), /needs an access token.*#token=/);
    }, { timeout: 5000, what: 'auth message' });
    assert.notEqual(await badgeText(page), 'live');
    await page.context().close();
  });

  test('a wrong token is reported as not accepted, a limited one as not allowed', { timeout: 15_000 }, async () => {
    const page = await newPage();
    await page.goto(`${server.url}/index.html#token=not-a-token`);
    await eventually(async () => {
      assert.match(clean(await authError(page).textContent()), /token was not accepted/);
    }, { timeout: 5000, what: 'wrong token message' });
    assert.equal(page.url(), `${server.url}/index.html`, 'the fragment is gone from the address');

    // The viewer may read order-stats only: the other queries are refused (403). Giving the
    // token to the open page changes only the fragment; the page takes it and reloads.
    await page.goto(`${server.url}/index.html#token=${VIEWER}`);
    await eventually(async () => {
      assert.match(clean(await authError(page).textContent()), /not allowed to read this dashboard/);
    }, { timeout: 5000, what: 'forbidden message' });
    assert.equal(await page.evaluate(() => sessionStorage.getItem('livedash.token')), VIEWER);
    await page.context().close();
  });

  test('the generic page with #token= subscribes over the WebSocket with it', { timeout: 20_000 }, async () => {
    const page = await newPage();
    await page.goto(`${server.url}/d/ops#token=${READER}`);
    await eventually(async () => {
      assert.equal(await badgeText(page), 'live');
      assert.equal(clean(await pendingCount(page)), '2');
    }, { timeout: 5000, what: 'generic page live' });
    assert.equal(page.url(), `${server.url}/d/ops`);
    assert.ok(page.sockets.length >= 1, 'a WebSocket was opened');
    for (const url of page.sockets) assert.equal(new URL(url).searchParams.get('access_token'), READER);
    for (const r of page.requests.filter((x) => x.url.includes('/api/v1/'))) assert.equal(r.auth, `Bearer ${READER}`, r.url);

    const since = Date.now();
    await sql("UPDATE orders SET status = 'shipped' WHERE id = 1");
    await eventually(async () => assert.equal(clean(await pendingCount(page)), '1'), { timeout: 1000, since, what: 'change over the socket' });
    await page.context().close();
  });

  test('the generic page without a token says it needs one', { timeout: 15_000 }, async () => {
    const page = await newPage();
    await page.goto(`${server.url}/d/ops`);
    await eventually(async () => {
      assert.equal(await authError(page).isVisible(), true);
      assert.match(clean(await authError(page).textContent()), /needs an access token/);
    }, { timeout: 5000, what: 'auth message on the generic page' });
    await page.context().close();
  });

  test('raised no script errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
