// `livedash check` accepts the flagship seed's own config/server.yaml, unchanged: the yaml block
// of the tutorial that starts with `id: order-dashboard`, extracted from the seed at test time.
// Skips when the seeds folder (../shared/seeds next to the repository) is absent.
//
// Run: tests/e2e/run.sh seed_server_yaml.test.mjs     (LIVEDASH_BIN overrides the binary)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedMissingReason, seedServerYaml, SEED_PATH } from './lib/seed.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = process.env.LIVEDASH_BIN ?? resolve(here, '../../build/release/livedash');

const skip = seedMissingReason();

/** Runs livedash; resolves with { code, stdout, stderr } whatever the exit code. */
function livedash(args) {
  return new Promise((resolvePromise) => {
    execFile(BIN, args, { timeout: 20_000 }, (err, stdout, stderr) => {
      resolvePromise({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

test("livedash check accepts the seed's server.yaml unchanged", { skip, timeout: 30_000 }, async () => {
  assert.ok(existsSync(BIN), `no livedash binary at ${BIN}: build it first (cmake --build build/release --target livedash)`);
  const yaml = seedServerYaml();
  assert.match(yaml, /^sources:/m, `the block taken from ${SEED_PATH} does not look like server.yaml`);
  const dir = mkdtempSync(join(tmpdir(), 'livedash-seed-'));
  try {
    const file = join(dir, 'server.yaml');
    writeFileSync(file, yaml);
    const { code, stdout, stderr } = await livedash(['check', '-c', file]);
    assert.equal(code, 0, `livedash check exited with ${code}:\n${stdout}${stderr}`);
    assert.match(stdout + stderr, /server\.yaml: ok \(1 sources, 4 queries, 2 reactions\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('livedash check accepts the PostgreSQL order dashboard example', { timeout: 30_000 }, async () => {
  assert.ok(existsSync(BIN), `no livedash binary at ${BIN}`);
  const file = resolve(here, '../../examples/order-dashboard/postgres/livedash.yaml');
  const { code, stdout, stderr } = await livedash(['check', '-c', file]);
  assert.equal(code, 0, `livedash check exited with ${code}:\n${stdout}${stderr}`);
  assert.match(stdout + stderr, /livedash\.yaml: ok \(1 sources, 4 queries, 2 reactions\)/);
});
