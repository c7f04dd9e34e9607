// What the SSE and WebSocket clients share: the connection state the badge shows, the
// freshness tick, retries with jittered exponential backoff, and the fall-back to polling the
// snapshots once the retries keep failing. A subclass says how to close its transport
// (closeTransport) and how to poll once (pollOnce).

export const State = Object.freeze({
  CONNECTING: 'connecting',
  LIVE: 'live',
  RECONNECTING: 'reconnecting',
  POLLING: 'polling',
  OFFLINE: 'offline',
});

export class ReconnectingClient {
  /** @param {{ onState, onTick, staleAfterMs, pollMs, backoffBaseMs, backoffMaxMs, failuresBeforePolling }} options */
  constructor(options) {
    this.opts = options;
    this.state = null;
    this.failures = 0; // transport failures since the last successful open
    this.retryTimer = null;
    this.pollTimer = null;
    this.pollTicks = 0;
    this.lastActivity = 0; // when the data was last confirmed current (ms since epoch)
    this.watchdog = null;
    this.started = false;
  }

  setState(state, info = {}) {
    const changed = state !== this.state;
    this.state = state;
    if (changed || info.attempt !== undefined) this.opts.onState(state, info);
  }

  touch() {
    this.lastActivity = Date.now();
    this.emitTick();
  }

  emitTick() {
    const silentFor = this.lastActivity ? Date.now() - this.lastActivity : 0;
    this.opts.onTick({ lastActivity: this.lastActivity, stale: silentFor > this.opts.staleAfterMs, silentFor });
    return silentFor;
  }

  /** Exponential backoff with "equal jitter": between half and all of base·2^(n-1). */
  backoff(n) {
    const ceiling = Math.min(this.opts.backoffMaxMs, this.opts.backoffBaseMs * 2 ** Math.max(0, n - 1));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  /** After a failure: `reopen` later, or poll once the failures in a row reach the limit. */
  retryOrPoll(reopen) {
    clearTimeout(this.retryTimer);
    if (this.failures >= this.opts.failuresBeforePolling) {
      this.startPolling();
      return;
    }
    const delay = this.backoff(this.failures);
    this.setState(State.RECONNECTING, { attempt: this.failures, retryInMs: delay });
    this.retryTimer = setTimeout(reopen, delay);
  }

  startPolling() {
    this.closeTransport();
    this.stopPolling();
    this.setState(State.POLLING);
    this.pollTicks = 0;
    this.pollOnce();
    this.pollTimer = setInterval(() => this.pollOnce(), this.opts.pollMs);
  }

  stopPolling() {
    clearInterval(this.pollTimer);
    this.pollTimer = null;
  }
}
