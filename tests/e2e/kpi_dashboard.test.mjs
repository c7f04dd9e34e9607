// End-to-end test of the KPI dashboard's period picker (seed 003): `livedash demo kpis` with no
// simulated readings, readings written through the SQL endpoint. On `minute` a KPI card keeps the
// value it got at subscribe time until the next minute boundary; on `live` it follows every
// reading; each pick resubscribes over the page's one WebSocket.
//
// Run: tests/e2e/run.sh kpi_dashboard.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { launchChromium } from './lib/browser.mjs';
import { clean, closeAll, eventually, guardProcess, postSql, startLivedash } from './lib/livedash_process.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = process.env.LIVEDASH_BIN ?? resolve(here, '../../build/release/livedash');

describe('KPI dashboard period picker', () => {
  let server;
  let browser;
  let page;
  const pageErrors = [];
  const sent = [];
  const received = [];

  let unguard;

  const reading = (kpi, value) =>
    postSql(server.url, 'metrics', `INSERT INTO kpi_raw_data (kpi_code, value) VALUES ('${kpi}', ${value})`);

  const fillRate = async () => clean(await page.getByRole('region', { name: 'Fill rate', exact: true }).locator('.stat-value').textContent());
  const pick = (name) => page.getByRole('radio', { name, exact: true }).click();

  /** Waits until the next minute boundary is at least `ms` away, so a `minute` value holds still. */
  async function awayFromMinuteBoundary(ms) {
    const left = 60_000 - (Date.now() % 60_000);
    if (left < ms) await sleep(left + 200);
  }

  before(async () => {
    assert.ok(existsSync(BIN), `no livedash binary at ${BIN}: build it first`);
    unguard = guardProcess(() => server);
    server = await startLivedash(BIN, ['demo', 'kpis', '--port', '0', '--rate', '0']);
    await reading('fill_rate', 98);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('websocket', (ws) => {
      ws.on('framesent', (f) => sent.push(JSON.parse(f.payload)));
      ws.on('framereceived', (f) => received.push(JSON.parse(f.payload)));
    });
    await awayFromMinuteBoundary(8000);
    await page.goto(server.url + '/');
  }, { timeout: 90_000 });

  after(() => closeAll({ browser, server, unguard }), { timeout: 15_000 });

  test('minute holds the value until the boundary; live follows each reading', { timeout: 20_000 }, async () => {
    assert.match(page.url(), /\/d\/kpis$/);
    // The REST snapshot can show 98.00 before the socket has subscribed: wait for the minute
    // subscription's own value, or a reading written now would be that value.
    await eventually(async () => {
      assert.ok(received.some((m) => m.op === 'value' && m.query === 'kpi-current' && m.period === 'minute'));
      assert.equal(await fillRate(), '98.00');
      assert.equal(await page.getByRole('radio', { name: 'Minute' }).getAttribute('aria-checked'), 'true');
    }, { timeout: 5000, what: 'first value' });

    await reading('fill_rate', 99);
    await sleep(800);
    assert.equal(await fillRate(), '98.00', 'a minute card does not move between boundaries');

    let since = Date.now();
    await pick('Live');
    await eventually(async () => assert.equal(await fillRate(), '98.50'), { timeout: 1000, since, what: 'live value' });
    since = Date.now();
    await reading('fill_rate', 100);
    await eventually(async () => assert.equal(await fillRate(), '99.00'), { timeout: 1000, since, what: 'live reading' });

    since = Date.now();
    await reading('fill_rate', 95);
    await eventually(async () => assert.equal(await fillRate(), '98.00'), { timeout: 1000, since, what: 'live reading' });
    since = Date.now();
    await pick('Hour');
    await eventually(() => assert.ok(received.some((m) => m.op === 'value' && m.period === 'hour')), { timeout: 1000, since, what: 'hour value' });
    assert.equal(await fillRate(), '98.00');
    await reading('fill_rate', 90);
    await sleep(800);
    assert.equal(await fillRate(), '98.00', 'an hour card does not move between boundaries');

    const kpi = sent.filter((m) => m.query === 'kpi-current').map((m) => `${m.op} ${m.period}`);
    assert.deepEqual(kpi, ['subscribe minute', 'unsubscribe minute', 'subscribe live', 'unsubscribe live', 'subscribe hour']);
    assert.deepEqual(pageErrors, []);
  });
});
