// Keeps a set of QueryStores in step with the server over ONE WebSocket (`/ws`, see
// docs/websocket.md), whatever the number of widgets. The generic dashboard page uses it rather
// than the SSE stream because any query can be watched on it (an SSE reaction carries only the
// queries its config lists) and because it is the only transport with periods, which the KPI
// period picker needs.
//
// Joining snapshot and stream: the first rows come over REST (`/results` with its sequence); the
// socket then subscribes with `since` = that sequence, so the server either replays the diffs
// after it (`resumed`) or sends a fresh snapshot. A diff that skips a sequence resubscribes its
// query with `since`. A query on a period (minute, hour, day) gets whole `value`s instead.
//
// Connection states and the badge are those of LiveClient (live-client.js): connecting → live ⇄
// reconnecting → polling ⇄ offline, with exponential backoff and jitter, a polling fallback over
// REST that probes the socket now and then, and `must-refetch` (close 1013) resubscribing. The
// server's pings are invisible to scripts, so the client pings every `pingMs` itself: a pong (or
// any message) confirms the data, and `deadAfterMs` of silence closes and reopens the socket.

import { ReconnectingClient, State } from './reconnecting-client.js';
import { authFetch, withToken } from './auth.js';

const DEFAULTS = {
  socketUrl: () => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${new URL('ws', document.baseURI).pathname}`,
  snapshotUrl: (id) => `api/v1/queries/${encodeURIComponent(id)}/results`,
  pingMs: 10000,
  deadAfterMs: 25000,
  staleAfterMs: 25000,
  pollMs: 5000,
  backoffBaseMs: 600,
  backoffMaxMs: 10000,
  failuresBeforePolling: 4,
  fetchTimeoutMs: 4000,
  onState: (state, info) => {},
  onDiff: (diff) => {},
  onTick: ({ lastActivity, stale, silentFor }) => {},
};

export class WsClient extends ReconnectingClient {
  /**
   * @param {Map<string, import('./query-store.js').QueryStore>} stores by query id
   * @param {Map<string, string>} periods query id → 'live' | 'minute' | 'hour' | 'day' (default live)
   */
  constructor(stores, periods = new Map(), options = {}) {
    super({ ...DEFAULTS, ...options });
    this.stores = stores;
    this.periods = periods;
    this.ws = null;
    this.lastMessage = 0;
  }

  periodOf(id) {
    return this.periods.get(id) ?? 'live';
  }

  // ---------------------------------------------------------------------------- lifecycle

  async start() {
    if (this.started) return;
    this.started = true;
    this.setState(State.CONNECTING);
    this.watchdog = setInterval(() => this.onWatchdog(), 1000);
    window.addEventListener('online', () => this.reconnectNow());
    window.addEventListener('offline', () => this.setState(State.OFFLINE, { reason: 'browser is offline' }));
    await this.loadSnapshots();
    if (this.started) this.open();
  }

  stop() {
    this.started = false;
    clearInterval(this.watchdog);
    clearTimeout(this.retryTimer);
    this.stopPolling();
    this.close();
  }

  /** Test hook: behaves as if the network dropped the socket. */
  simulateDrop() {
    if (!this.ws) return false;
    const ws = this.ws;
    this.close();
    this.onClose(ws, { code: 1006 });
    return true;
  }

  reconnectNow() {
    if (!this.started || this.state === State.LIVE) return;
    clearTimeout(this.retryTimer);
    this.stopPolling();
    this.failures = 0;
    this.setState(State.RECONNECTING, { attempt: 0 });
    this.open();
  }

  /** Moves queries to another period (the period picker): unsubscribes and subscribes again. */
  setPeriod(ids, period) {
    for (const id of ids) {
      const old = this.periodOf(id);
      if (old === period) continue;
      this.periods.set(id, period);
      if (this.state !== State.LIVE) continue;
      this.send({ op: 'unsubscribe', query: id, period: old });
      this.send({ op: 'subscribe', query: id, period });
    }
  }

  // ---------------------------------------------------------------------------- socket

  open(probe = false) {
    clearTimeout(this.retryTimer);
    this.close();
    // Set before constructing: a constructor that throws calls onClose, which must know whether
    // this was a probe (a failed probe keeps polling; counting it would restart the polling).
    this.probing = probe;
    let ws;
    try {
      ws = new WebSocket(withToken(this.opts.socketUrl()));
    } catch (err) {
      console.warn('[livedash] cannot open the socket', err);
      this.onClose(null, { code: 1006 });
      return;
    }
    this.ws = ws;
    ws.onopen = () => this.ws === ws && this.onOpen();
    ws.onmessage = (ev) => this.ws === ws && this.onMessage(ev);
    ws.onclose = (ev) => this.ws === ws && this.onClose(ws, ev);
  }

  close() {
    if (!this.ws) return;
    const ws = this.ws;
    this.ws = null;
    ws.onopen = ws.onmessage = ws.onclose = null;
    if (ws.readyState <= WebSocket.OPEN) ws.close();
  }

  send(msg) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  subscribe(id) {
    const period = this.periodOf(id);
    const sequence = this.stores.get(id).sequence;
    const msg = { op: 'subscribe', query: id, period };
    if (period === 'live' && sequence !== null) msg.since = sequence;
    this.send(msg);
  }

  onOpen() {
    this.probing = false;
    this.failures = 0;
    this.stopPolling();
    this.lastMessage = Date.now();
    this.touch();
    this.setState(State.LIVE);
    for (const id of this.stores.keys()) this.subscribe(id);
  }

  onMessage(ev) {
    this.lastMessage = Date.now();
    this.touch();
    let msg;
    try {
      msg = JSON.parse(ev.data);
    } catch {
      return;
    }
    const store = this.stores.get(msg.query ?? msg.queryId);
    switch (msg.op) {
      case 'snapshot':
      case 'value':
        // A value for a period the picker has already left is dropped.
        if (store && (msg.period ?? 'live') === this.periodOf(store.id)) store.replace(msg.data, Number(msg.sequence));
        break;
      case 'diff':
        if (store) this.applyDiff(store, msg);
        break;
      case 'error':
        console.warn(`[livedash] ${msg.query ?? ''}: ${msg.code}: ${msg.message}`);
        break;
      default: // pong, resumed
    }
  }

  applyDiff(store, diff) {
    if (this.periodOf(store.id) !== 'live') return;
    switch (store.classify(diff)) {
      case 'duplicate':
        return;
      case 'next':
        this.opts.onDiff(diff);
        store.apply(diff);
        return;
      default: // gap: ask again from what the store holds
        this.send({ op: 'unsubscribe', query: store.id, period: 'live' });
        this.subscribe(store.id);
    }
  }

  onClose(ws, ev) {
    this.ws = null;
    if (!this.started || this.probing) return; // a probe that failed: keep polling
    if (ev.code === 1013) {
      // must-refetch: we fell behind; resubscribing with `since` resumes or resnapshots.
      this.setState(State.RECONNECTING, { attempt: 1, reason: 'must-refetch' });
      this.open();
      return;
    }
    this.failures += 1;
    this.retryOrPoll(() => this.open());
  }

  closeTransport() {
    this.close();
  }

  // ---------------------------------------------------------------------------- polling

  async pollOnce() {
    const ok = await this.loadSnapshots();
    if (!this.pollTimer) return;
    this.setState(ok ? State.POLLING : State.OFFLINE);
    this.pollTicks += 1;
    // Probe the socket on each of the first polls, then every third one; an open probe is
    // adopted (onOpen stops polling).
    if (!this.ws && (this.pollTicks <= 6 || this.pollTicks % 3 === 0)) this.open(true);
  }

  // ---------------------------------------------------------------------------- snapshots

  async loadSnapshots() {
    const results = await Promise.all([...this.stores.keys()].map((id) => this.loadSnapshot(id)));
    const ok = results.every(Boolean);
    if (ok) this.touch();
    return ok;
  }

  async loadSnapshot(id) {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), this.opts.fetchTimeoutMs);
    try {
      const res = await authFetch(this.opts.snapshotUrl(id), { cache: 'no-store', signal: ctl.signal });
      const body = await res.json();
      if (!res.ok || !Array.isArray(body?.data)) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
      const store = this.stores.get(id);
      const sequence = Number(body.sequence);
      if (sequence !== store.sequence) store.replace(body.data, sequence);
      return true;
    } catch (err) {
      console.warn(`[livedash] could not load ${id}:`, err.message ?? err);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  // ---------------------------------------------------------------------------- watchdog

  onWatchdog() {
    this.emitTick();
    if (this.state !== State.LIVE || !this.ws) return;
    const quiet = Date.now() - this.lastMessage;
    if (quiet > this.opts.deadAfterMs) {
      console.warn('[livedash] the socket went quiet; reconnecting');
      this.simulateDrop();
    } else if (quiet > this.opts.pingMs) {
      this.send({ op: 'ping' });
    }
  }
}
