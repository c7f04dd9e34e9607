// Reads the flagship seed (Drasi's "Live Order Dashboard" tutorial) at test time, so that the
// tests run its own files and SQL steps without any of its text living in this repository.
// The seeds folder is ../shared/seeds relative to the repository (SEEDS_DIR overrides it); when it
// is absent, `seedMissingReason()` says so and the tests skip.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const SEEDS_DIR = process.env.SEEDS_DIR ?? resolve(repo, '../shared/seeds');
export const SEED_PATH = resolve(SEEDS_DIR, '000_7329c02a07155a4a.txt');

/** Why the seed cannot be read, or undefined when it can. */
export function seedMissingReason() {
  return existsSync(SEED_PATH) ? undefined : `the flagship seed is not there (${SEED_PATH}); seed tests skipped`;
}

/**
 * The fenced code blocks of the seed, in order: { lang, text, heading } where heading is the last
 * `## ` heading above the block.
 */
export function seedBlocks(path = SEED_PATH) {
  const blocks = [];
  let heading = '';
  let open;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (open) {
      if (/^```\s*$/.test(line)) {
        blocks.push({ lang: open.lang, text: open.lines.join('\n') + '\n', heading: open.heading });
        open = undefined;
      } else {
        open.lines.push(line);
      }
      continue;
    }
    const fence = line.match(/^```(\S*)\s*$/);
    if (fence) {
      open = { lang: fence[1], lines: [], heading };
    } else if (line.startsWith('## ')) {
      heading = line.slice(3).trim();
    }
  }
  if (open) throw new Error(`${path}: a code block after "${open.heading}" is never closed`);
  return blocks;
}

function only(blocks, what) {
  if (blocks.length !== 1) throw new Error(`the seed should have exactly one ${what}, found ${blocks.length}`);
  return blocks[0].text;
}

/** The tutorial's config/server.yaml: the yaml block that starts with `id: order-dashboard`. */
export function seedServerYaml() {
  return only(seedBlocks().filter((b) => b.lang === 'yaml' && b.text.startsWith('id: order-dashboard')), 'server.yaml block');
}

/** The tutorial's public/index.html: its html block. */
export function seedIndexHtml() {
  return only(seedBlocks().filter((b) => b.lang === 'html'), 'html block');
}

/** The tutorial's scripts/init.sql: the sql block under "Step 3". */
export function seedInitSql() {
  return only(seedBlocks().filter((b) => b.lang === 'sql' && b.heading.startsWith('Step 3')), 'sql block under Step 3');
}

/** The SQL statements of the sql blocks under the `## Step N` heading, in order. */
export function seedStepStatements(step) {
  const blocks = seedBlocks().filter((b) => b.lang === 'sql' && new RegExp(`^Step ${step}\\b`).test(b.heading));
  if (blocks.length === 0) throw new Error(`the seed has no sql block under "## Step ${step}"`);
  return blocks.flatMap((b) => splitStatements(b.text));
}

/**
 * Splits simple SQL (no semicolons inside literals, no dollar quoting) into statements, dropping
 * `--` comment lines. Each statement keeps its trailing semicolon.
 */
export function splitStatements(sql) {
  const body = sql.split('\n').filter((line) => !line.trim().startsWith('--')).join('\n');
  return body.split(/;\s*(?:\n|$)/).map((s) => s.trim()).filter(Boolean).map((s) => `${s};`);
}
