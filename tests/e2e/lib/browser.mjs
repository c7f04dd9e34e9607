// Debian's Chromium for the browser tests, and checks of what the page's client does.

import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

/** Headless Chromium with nothing of its own on the network (no updates, sync or prefetch). */
export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-sync'],
  });
}

/**
 * The page's reconnects so far (window.__retries, recorded by the test) were three retries
 * before polling, each waiting between half and all of 0.6 s · 2^(n-1): exponential, with
 * jitter so that a server's clients do not all come back at once.
 */
export async function assertJitteredBackoff(page) {
  const retries = await page.evaluate(() => window.__retries);
  assert.deepEqual(retries.map((r) => r.attempt), [1, 2, 3], JSON.stringify(retries));
  retries.forEach(({ ms }, i) => {
    const ceiling = 600 * 2 ** i;
    assert.ok(ms >= ceiling / 2 && ms <= ceiling, `retry ${i + 1} after ${ms} ms, not within ${ceiling / 2}–${ceiling}`);
    if (i > 0) assert.ok(retries[i].at - retries[i - 1].at >= retries[i - 1].ms, `retry ${i + 1} came before its delay`);
  });
  const draws = await page.evaluate(() => Array.from({ length: 50 }, () => window.livedash.client.backoff(3)));
  assert.ok(draws.every((ms) => ms >= 1200 && ms <= 2400), `backoff(3) draws: ${draws}`);
  assert.ok(new Set(draws).size > 1, 'the delays are jittered, not identical');
}

/** 0–255 brightness of a CSS `rgb(…)` colour. */
export function brightness(rgb) {
  const [r, g, b] = rgb.match(/\d+(\.\d+)?/g).map(Number);
  return 0.299 * r + 0.587 * g + 0.114 * b;
}
