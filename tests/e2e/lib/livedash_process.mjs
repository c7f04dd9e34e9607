// Starting and stopping a livedash process for the browser tests, and small assertion helpers.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

/** Runs `bin args…` and resolves once it prints its URL: { child, url, startedAt, output() }. */
export function startLivedash(bin, args) {
  return new Promise((resolvePromise, reject) => {
    const startedAt = Date.now();
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`livedash did not print its URL within 10 s. Output:\n${output}`));
    }, 10_000);
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      output += chunk;
      const m = output.match(/livedash is serving (http:\/\/\S+?):(\d+)/);
      if (m) {
        clearTimeout(timer);
        resolvePromise({ child, url: `http://127.0.0.1:${m[2]}`, startedAt, output: () => output });
      }
    });
    child.stderr.setEncoding('utf8').on('data', (c) => { output += c; });
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`livedash exited early (${signal ?? code}). Output:\n${output}`));
    });
  });
}

/** SIGTERM, then SIGKILL if it is still there after 5 s. */
export async function stopLivedash(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const done = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
  if (!done) {
    child.kill('SIGKILL');
    await exited;
    assert.fail('livedash ignored SIGTERM for 5 s');
  }
}

/** Retries `check` (which throws while the page is not there yet) until it passes or time runs out. */
export async function eventually(check, { timeout, since = Date.now(), what = 'condition' }) {
  let lastError;
  while (true) {
    try {
      return await check();
    } catch (err) {
      lastError = err;
    }
    if (Date.now() - since > timeout) {
      lastError.message = `${what} not met within ${timeout} ms: ${lastError.message}`;
      throw lastError;
    }
    await sleep(40);
  }
}

export const clean = (s) => (s ?? '').replace(/\s+/g, ' ').trim();

/**
 * Makes sure a test file's livedash dies with it: on exit, and on SIGINT/SIGTERM (the test
 * runner's interrupt), even when the file fails half-way. `server()` returns the current
 * { child } or nothing. Returns the function that takes the guard off again.
 */
export function guardProcess(server) {
  const killOnExit = () => {
    const child = server()?.child;
    if (child && child.exitCode === null) child.kill('SIGKILL');
  };
  const killOnSignal = (signal) => {
    killOnExit();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('exit', killOnExit);
  process.once('SIGINT', killOnSignal);
  process.once('SIGTERM', killOnSignal);
  return () => {
    process.off('exit', killOnExit);
    process.off('SIGINT', killOnSignal);
    process.off('SIGTERM', killOnSignal);
  };
}

/** A describe()'s teardown: the browser first, then livedash, then the guard. */
export async function closeAll({ browser, server, unguard }) {
  try {
    await browser?.close();
  } finally {
    await stopLivedash(server?.child);
    unguard?.();
  }
}

/** POST `statement` to an embedded source's SQL endpoint; asserts that it worked. */
export async function postSql(url, source, statement, headers = {}) {
  const res = await fetch(`${url}/api/v1/sources/${source}/sql`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain', ...headers },
    body: statement,
  });
  const body = await res.json();
  assert.equal(res.status, 200, `SQL failed: ${statement}\n${JSON.stringify(body)}`);
  assert.equal(body.success, true, JSON.stringify(body));
  return body;
}
