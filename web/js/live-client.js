// Keeps a set of QueryStores in step with the server: REST snapshots, then one EventSource for
// the diffs of every query, with reconnects, a polling fallback and a staleness watchdog.
//
// Joining snapshot and stream: on every stream open the client reloads all snapshots while it
// buffers the diffs that arrive meanwhile. A diff whose sequence is already in the snapshot is
// dropped; a diff that skips a sequence number reloads that query's snapshot.
//
// Connection states: connecting → live ⇄ reconnecting → polling ⇄ offline. Each stream failure
// counts; the first is left to EventSource's own retry, later ones close it and retry with
// exponential backoff and jitter; after `failuresBeforePolling` the client polls the snapshots
// every `pollMs` and probes the stream now and then, and goes back to live when a probe opens.
//
// EventSource does not show SSE comments (the server's heartbeats) to scripts, so silence alone
// proves nothing. After `verifyAfterMs` of silence the client reloads the snapshots: when they
// moved on without the stream saying so, or cannot be loaded, the stream is restarted. The page
// is called stale when nothing confirmed the data for `staleAfterMs`.

import { authFetch, withToken } from './auth.js';
import { ReconnectingClient, State } from './reconnecting-client.js';

export { State };

const DEFAULTS = {
  streamUrl: 'events', // relative to the page, so the page's origin (and path prefix) is used
  snapshotUrl: (id) => `api/v1/queries/${encodeURIComponent(id)}/results`,
  heartbeatMs: 15000, // the SSE reaction's heartbeat_interval_ms
  // verifyAfterMs (default 1.5 × heartbeat) and staleAfterMs (default 2 × heartbeat)
  pollMs: 5000,
  backoffBaseMs: 600, // retry delays: 0.3–0.6 s, 0.6–1.2 s, 1.2–2.4 s, …
  backoffMaxMs: 10000,
  failuresBeforePolling: 4, // stream failures in a row before polling
  fetchTimeoutMs: 4000,
  probeTimeoutMs: 4000,
  onState: (state, info) => {}, // connection state changed; info: { attempt, retryInMs, reason }
  onDiff: (diff) => {}, // a diff arrived that is news (for the events log)
  onTick: ({ lastActivity, stale, silentFor }) => {}, // every second and whenever data is confirmed
};

export class LiveClient extends ReconnectingClient {
  /**
   * @param {Map<string, import('./query-store.js').QueryStore>} stores by query id
   * @param {Partial<typeof DEFAULTS>} options
   */
  constructor(stores, options = {}) {
    const opts = { ...DEFAULTS, ...options };
    opts.verifyAfterMs ??= Math.round(opts.heartbeatMs * 1.5);
    opts.staleAfterMs ??= opts.heartbeatMs * 2;
    super(opts);
    this.stores = stores;
    this.es = null; // the stream in use (or being retried)
    this.probe = null; // a stream opened while polling, to see whether streaming works again
    this.polling = false; // a poll is in flight
    this.syncing = new Map(); // query id → { buffer, promise } while its snapshot loads
    this.verifying = false;
  }

  // ---------------------------------------------------------------------------- lifecycle

  async start() {
    if (this.started) return;
    this.started = true;
    this.setState(State.CONNECTING);
    this.watchdog = setInterval(() => this.onWatchdog(), 1000);
    this.onOnline = () => this.reconnectNow();
    this.onOffline = () => this.setState(State.OFFLINE, { reason: 'browser is offline' });
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    await this.syncAll();
    if (this.started) this.openStream();
  }

  stop() {
    this.started = false;
    clearInterval(this.watchdog);
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    this.closeStream();
    this.closeProbe();
    this.stopPolling();
    clearTimeout(this.retryTimer);
  }

  /** Test hook: behaves as if the network dropped the current stream. */
  simulateDrop() {
    const es = this.es;
    if (!es) return false;
    es.close();
    this.onStreamError(es);
    return true;
  }

  /** Drops every timer and retries the stream at once (e.g. the browser came back online). */
  reconnectNow() {
    if (!this.started || this.state === State.LIVE) return;
    clearTimeout(this.retryTimer);
    this.closeProbe();
    this.stopPolling();
    this.closeStream();
    this.failures = 0;
    this.setState(State.RECONNECTING, { attempt: 0 });
    this.openStream();
  }

  // ---------------------------------------------------------------------------- stream

  openStream() {
    clearTimeout(this.retryTimer);
    this.closeStream();
    const es = new EventSource(withToken(this.opts.streamUrl));
    this.es = es;
    es.onopen = () => this.es === es && this.onStreamOpen();
    es.onmessage = (ev) => this.es === es && this.onStreamMessage(ev);
    es.onerror = () => this.es === es && this.onStreamError(es);
  }

  closeStream() {
    if (!this.es) return;
    this.es.onopen = this.es.onmessage = this.es.onerror = null;
    this.es.close();
    this.es = null;
  }

  onStreamOpen() {
    this.failures = 0;
    clearTimeout(this.retryTimer);
    this.closeProbe();
    this.stopPolling();
    this.touch();
    this.setState(State.LIVE);
    // The stream is subscribed now: reload the snapshots so that nothing between the last
    // snapshot and this subscription is lost (and a restarted server is noticed).
    this.syncAll();
  }

  onStreamMessage(ev) {
    this.touch();
    let msg;
    try {
      msg = JSON.parse(ev.data);
    } catch {
      console.warn('[livedash] ignoring a message that is not JSON', ev.data);
      return;
    }
    if (msg?.type === 'must-refetch') {
      this.syncAll();
    } else if (msg && typeof msg.queryId === 'string') {
      // Report every diff that is news (not one a snapshot already holds), then apply it.
      const store = this.stores.get(msg.queryId);
      if (store && store.classify(msg) !== 'duplicate') this.opts.onDiff(msg);
      this.handleDiff(msg);
    }
  }

  onStreamError(es) {
    if (this.state === State.LIVE || this.state === State.CONNECTING) {
      this.setState(State.RECONNECTING, { attempt: this.failures + 1 });
    }
    this.failures += 1;
    // EventSource reconnects by itself (sending Last-Event-ID) unless the failure was fatal.
    // Give it one go; when it fails again, take over.
    if (es.readyState === EventSource.CONNECTING && this.failures < 2) return;
    this.closeStream();
    this.retryOrPoll(() => this.openStream());
  }

  closeTransport() {
    this.closeStream();
  }

  // ---------------------------------------------------------------------------- polling

  async pollOnce() {
    if (this.polling) return;
    this.polling = true;
    try {
      const { ok } = await this.syncAll();
      if (!this.pollTimer) return; // streaming again
      this.setState(ok ? State.POLLING : State.OFFLINE);
      this.pollTicks += 1;
      // Probe the stream on each of the first polls, then every third one.
      if (this.pollTicks > 1 && (this.pollTicks <= 7 || this.pollTicks % 3 === 0)) this.probeStream();
    } finally {
      this.polling = false;
    }
  }

  probeStream() {
    if (this.probe) return;
    const es = new EventSource(withToken(this.opts.streamUrl));
    this.probe = es;
    const timer = setTimeout(() => this.closeProbe(), this.opts.probeTimeoutMs);
    es.onerror = () => {
      clearTimeout(timer);
      if (this.probe === es) this.closeProbe();
    };
    es.onopen = () => {
      clearTimeout(timer);
      if (this.probe !== es) return;
      // Streaming works again: adopt the probe as the stream.
      this.probe = null;
      this.stopPolling();
      this.closeStream();
      this.es = es;
      es.onmessage = (ev) => this.es === es && this.onStreamMessage(ev);
      es.onerror = () => this.es === es && this.onStreamError(es);
      this.onStreamOpen();
    };
  }

  closeProbe() {
    if (!this.probe) return;
    this.probe.onopen = this.probe.onerror = null;
    this.probe.close();
    this.probe = null;
  }

  // ---------------------------------------------------------------------------- diffs

  handleDiff(diff) {
    const store = this.stores.get(diff.queryId);
    if (!store) return;
    const sync = this.syncing.get(diff.queryId);
    if (sync) {
      sync.buffer.push(diff);
      return;
    }
    this.applyDiff(store, diff);
  }

  applyDiff(store, diff) {
    switch (store.classify(diff)) {
      case 'duplicate':
        return;
      case 'next':
        store.apply(diff);
        return;
      default: // gap: reload the snapshot; this diff is applied after it if it is newer
        this.syncQuery(store.id);
        this.syncing.get(store.id)?.buffer.push(diff);
    }
  }

  // ---------------------------------------------------------------------------- snapshots

  /**
   * Reloads every query's snapshot; diffs that arrive meanwhile wait and are applied on top.
   * Resolves to { ok, advanced }: whether every snapshot loaded, and whether one was ahead of
   * the store while no diff arrived for it (the stream missed something).
   */
  async syncAll() {
    const results = await Promise.all([...this.stores.keys()].map((id) => this.syncQuery(id)));
    const ok = results.every((r) => r.ok);
    if (ok) this.touch();
    return { ok, advanced: results.some((r) => r.advanced) };
  }

  /** Reloads one query's snapshot (or joins the reload in flight). */
  syncQuery(id) {
    const running = this.syncing.get(id);
    if (running) return running.promise;
    const entry = { buffer: [], promise: null };
    this.syncing.set(id, entry);
    entry.promise = this.loadSnapshot(id, entry).finally(() => {
      if (this.syncing.get(id) === entry) this.syncing.delete(id);
      // Diffs that arrived while the snapshot loaded, oldest first; those it holds are dropped.
      entry.buffer.sort((a, b) => (a.sequence ?? 0) - (b.sequence ?? 0));
      for (const diff of entry.buffer) this.handleDiff(diff);
    });
    return entry.promise;
  }

  async loadSnapshot(id, entry) {
    const store = this.stores.get(id);
    const before = store.sequence;
    try {
      const body = await this.fetchJson(this.opts.snapshotUrl(id));
      if (!body || body.success === false || !Array.isArray(body.data)) {
        throw new Error(body?.error?.message ?? 'unexpected snapshot');
      }
      const sequence = Number(body.sequence);
      const advanced = before !== null && sequence > before && entry.buffer.length === 0;
      if (sequence !== before || !sameRows(store, body.data)) store.replace(body.data, sequence);
      return { ok: true, advanced };
    } catch (err) {
      console.warn(`[livedash] could not load ${id}:`, err.message ?? err);
      return { ok: false, advanced: false };
    }
  }

  async fetchJson(url) {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), this.opts.fetchTimeoutMs);
    try {
      const res = await authFetch(url, { cache: 'no-store', signal: ctl.signal, headers: { Accept: 'application/json' } });
      if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { status: res.status });
      return await res.json();
    } finally {
      clearTimeout(timer);
    }
  }

  // ---------------------------------------------------------------------------- watchdog

  async onWatchdog() {
    const silentFor = this.emitTick();
    if (this.state !== State.LIVE || this.verifying || silentFor < this.opts.verifyAfterMs) return;
    this.verifying = true;
    try {
      const es = this.es;
      const { ok, advanced } = await this.syncAll();
      if (this.es !== es || this.state !== State.LIVE) return;
      if (!ok || advanced) {
        console.warn('[livedash] the stream went quiet while data changed; reconnecting');
        es.close();
        this.onStreamError(es);
      }
    } finally {
      this.verifying = false;
    }
  }
}

/** Whether a snapshot holds exactly the rows a store has (so replacing it would change nothing). */
function sameRows(store, rows) {
  if (rows.length !== store.rows.size) return false;
  for (const row of rows) {
    const have = store.rows.get(store.keyOf(row));
    if (!have || JSON.stringify(have) !== JSON.stringify(row)) return false;
  }
  return true;
}
