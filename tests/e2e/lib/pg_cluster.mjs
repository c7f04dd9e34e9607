// A throwaway PostgreSQL 15 cluster for the end-to-end tests, like tests/support/postgres_cluster
// does for the C++ ones: initdb in a fresh temp dir, a free loopback port, wal_level = logical,
// trust authentication, fsync off. As root the server runs as the `postgres` OS user (through
// runuser). stop() shuts it down and removes the directory; a watchdog process does the same if
// the test process dies first (a crash, SIGKILL, a ctest timeout), so no server is left behind.
//
//   const cluster = await PostgresCluster.start();
//   await cluster.psql('CREATE DATABASE shop');
//   const rows = await cluster.query('SELECT 1', { database: 'shop' });   // [['1']]
//   await cluster.stop();

import { execFile, spawn } from 'node:child_process';
import { accessSync, appendFileSync, chmodSync, chownSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const PG_BIN_DIR = process.env.PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin';
const START_ATTEMPTS = 8;

const isRoot = () => process.getuid?.() === 0;

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function runuserPath() {
  return ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser'].find(executable);
}

/** The postgres OS user's uid and gid, from /etc/passwd. */
function postgresUser() {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** A loopback port nobody listens on right now (the server may still lose a race for it). */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Why a cluster cannot be started here, or undefined when it can. */
export function unavailableReason() {
  for (const tool of ['initdb', 'pg_ctl', 'postgres']) {
    if (!executable(join(PG_BIN_DIR, tool))) return `PostgreSQL 15 is not installed (${PG_BIN_DIR}/${tool} is missing; scripts/install-deps.sh --test installs it)`;
  }
  if (!executable('/usr/bin/psql')) return 'psql is not installed';
  if (isRoot()) {
    if (!postgresUser()) return 'running as root, but there is no `postgres` OS user to run the server';
    if (!runuserPath()) return 'running as root, but runuser is not installed';
  }
  return undefined;
}

// Waits for its stdin to close (this process is gone, or stop() is done), then stops the server
// and removes the directory if they are still there.
const WATCHDOG = `
dir=$1; shift
read -r _
if [ -d "$dir" ]; then
  if ! "$@" >/dev/null 2>&1; then
    pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null)
    [ -n "$pid" ] && kill -9 "$pid"
  fi
  rm -rf "$dir"
fi
`;

export class PostgresCluster {
  host = '127.0.0.1';
  port = 0;
  dir = '';
  #running = false;
  #watchdog;

  /** initdb, then start on a free port; resolves once the server accepts connections. */
  static async start() {
    const reason = unavailableReason();
    if (reason) throw new Error(reason);
    const cluster = new PostgresCluster();
    try {
      await cluster.#initialize();
      for (let attempt = 0; attempt < START_ATTEMPTS; ++attempt) {
        if (await cluster.#tryStart()) return cluster;
      }
      throw cluster.#failure(`PostgreSQL could not bind a port in ${START_ATTEMPTS} attempts`);
    } catch (err) {
      await cluster.stop();
      throw err;
    }
  }

  get dataDir() { return join(this.dir, 'data'); }
  get logPath() { return join(this.dir, 'server.log'); }

  /** Environment for libpq clients (psql, livedash's config) to reach `database`. */
  env(database = 'postgres') {
    return { PGHOST: this.host, PGPORT: String(this.port), PGUSER: 'postgres', PGDATABASE: database };
  }

  /** Runs SQL through psql (several statements are fine); rejects with psql's message. */
  async psql(sql, { database = 'postgres', file } = {}) {
    const args = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', this.host, '-p', String(this.port), '-U', 'postgres', '-d', database];
    args.push(...(file ? ['-f', file] : ['-c', sql]));
    try {
      const { stdout } = await run('psql', args, { env: { ...process.env, PGCONNECT_TIMEOUT: '10' } });
      return stdout;
    } catch (err) {
      throw new Error(`psql failed: ${(err.stderr || err.message).trim()}\n  in SQL: ${file ?? sql}`);
    }
  }

  /** Rows of a query, each an array of texts (null for NULL). */
  async query(sql, { database = 'postgres' } = {}) {
    const args = ['-X', '-A', '-t', '-F', '\x1f', '-P', 'null=\x1e', '-v', 'ON_ERROR_STOP=1',
      '-h', this.host, '-p', String(this.port), '-U', 'postgres', '-d', database, '-c', sql];
    try {
      const { stdout } = await run('psql', args);
      return stdout.split('\n').filter((line) => line !== '')
        .map((line) => line.split('\x1f').map((v) => (v === '\x1e' ? null : v)));
    } catch (err) {
      throw new Error(`psql failed: ${(err.stderr || err.message).trim()}\n  in SQL: ${sql}`);
    }
  }

  /** The last lines of the server log. */
  logTail(lines = 40) {
    try {
      return readFileSync(this.logPath, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  /** Stops the server (immediate mode) and removes the directory. Safe to call twice. */
  async stop() {
    if (this.#running && existsSync(join(this.dataDir, 'postmaster.pid'))) {
      this.#running = false;
      try {
        await this.#tool(['pg_ctl', '-D', this.dataDir, '-m', 'immediate', '-w', '-t', '30', '-s', 'stop']);
      } catch {
        try {
          const pid = Number(readFileSync(join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
          if (pid > 0) process.kill(pid, 'SIGKILL');
        } catch { /* already gone */ }
      }
    }
    this.#running = false;
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.#watchdog?.stdin.end();
    this.#watchdog = undefined;
  }

  async #initialize() {
    // As root the server runs as `postgres`, which must reach the directory: stay out of $TMPDIR.
    this.dir = mkdtempSync(join(isRoot() ? '/tmp' : tmpdir(), 'livedash-pg-'));
    this.#startWatchdog();
    if (isRoot()) {
      const { uid, gid } = postgresUser();
      chownSync(this.dir, uid, gid);
    }
    try {
      await this.#tool(['initdb', '-D', this.dataDir, '-U', 'postgres', '--auth=trust', '--no-locale', '-E', 'UTF8', '--no-sync']);
    } catch (err) {
      throw this.#failure(`initdb failed: ${err.message}`);
    }
    appendFileSync(join(this.dataDir, 'postgresql.conf'), [
      '', '# livedash e2e test cluster',
      "listen_addresses = '127.0.0.1'",
      "unix_socket_directories = ''",
      'wal_level = logical',
      'max_replication_slots = 8',
      'max_wal_senders = 8',
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
      "datestyle = 'iso, ymd'",
      "timezone = 'UTC'",
      "include 'livedash_port.conf'", ''].join('\n'));
  }

  async #tryStart() {
    this.port = await freePort(this.host);
    const portConf = join(this.dataDir, 'livedash_port.conf');
    writeFileSync(portConf, `port = ${this.port}\n`);
    chmodSync(portConf, 0o644);
    const logSize = existsSync(this.logPath) ? readFileSync(this.logPath).length : 0;
    this.#running = true; // from here on, stop() must try even if pg_ctl says it failed
    try {
      await this.#tool(['pg_ctl', '-D', this.dataDir, '-l', this.logPath, '-w', '-t', '60', '-s', 'start']);
      return true;
    } catch (err) {
      const log = existsSync(this.logPath) ? readFileSync(this.logPath, 'utf8').slice(logSize) : '';
      if (!/could not bind|could not create any TCP\/IP sockets/.test(log)) throw this.#failure(`pg_ctl start failed: ${err.message}`);
      await this.stopServerOnly();
      return false;
    }
  }

  /** Stops the server but keeps the directory (a start attempt that lost its port). */
  async stopServerOnly() {
    if (!existsSync(join(this.dataDir, 'postmaster.pid'))) return;
    await this.#tool(['pg_ctl', '-D', this.dataDir, '-m', 'immediate', '-w', '-s', 'stop']).catch(() => {});
  }

  #startWatchdog() {
    const stop = [join(PG_BIN_DIR, 'pg_ctl'), '-D', this.dataDir, '-m', 'immediate', '-w', '-s', 'stop'];
    const args = ['-c', WATCHDOG, 'sh', this.dir, ...(isRoot() ? [runuserPath(), '-u', 'postgres', '--'] : []), ...stop];
    // Its own session, so that a signal for the test's process group does not reach it.
    const child = spawn('/bin/sh', args, { cwd: '/', detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    child.unref();
    child.stdin.unref?.(); // the pipe must not keep this process alive
    child.stdin.on('error', () => {});
    this.#watchdog = child;
  }

  /** Runs a PostgreSQL program, as `postgres` when root. */
  async #tool([name, ...args]) {
    const program = join(PG_BIN_DIR, name);
    const [file, argv] = isRoot() ? [runuserPath(), ['-u', 'postgres', '--', program, ...args]] : [program, args];
    try {
      await run(file, argv, { cwd: this.dir });
    } catch (err) {
      throw new Error(`${name} ${args.join(' ')}: ${(err.stderr || err.stdout || err.message).trim()}`);
    }
  }

  #failure(what) {
    return new Error(`PostgreSQL test cluster in ${this.dir}: ${what}\n--- server log ---\n${this.logTail()}`);
  }
}
