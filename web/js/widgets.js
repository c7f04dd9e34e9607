// The dashboard's widgets. Each one owns a piece of the page, renders a QueryStore into it and
// patches the DOM in place: values that change flash, nothing is rebuilt, so nothing jumps.
// Widgets render once per frame, however many diffs arrived (frame.js); the long lists show their
// first LIST_LIMIT rows and say how many more there are (row-list.js).

import { h, setText } from './dom.js';
import * as fmt from './format.js';
import { beforeNextFrame } from './frame.js';
import { LIST_LIMIT, RowList, moreLine } from './row-list.js';
import { SortedRows, orLast } from './sorted-rows.js';

export const STATUSES = ['pending', 'processing', 'packing', 'shipped', 'delivered'];

/** Keeps a widget in step with its store, once per frame; the first render does not flash. */
function bind(widget, store) {
  const render = () => {
    widget.render(store.values(), widget.ready);
    widget.ready = true;
  };
  store.subscribe(() => beforeNextFrame(render));
}

/** Swaps an element's one variant class (e.g. `status-pending`) for another. */
function setVariant(el, variant) {
  if (el.dataset.variant === variant) return;
  if (el.dataset.variant) el.classList.remove(el.dataset.variant);
  el.classList.add(variant);
  el.dataset.variant = variant;
}

/**
 * The order's number as a button: it opens the order's details (order-details.js listens on the
 * lists), and being a button it is reachable with Tab and opened with Enter or Space.
 */
function orderButton(className, orderId) {
  return h('button', {
    class: `${className} order-link`,
    type: 'button',
    attrs: { 'aria-haspopup': 'dialog', 'aria-label': `Order #${orderId ?? '?'} details` },
  });
}

// ------------------------------------------------------------------------------- header

const STATE_TEXT = {
  connecting: 'Connecting',
  live: 'Live',
  reconnecting: 'Reconnecting',
  polling: 'Polling',
  offline: 'Offline',
};

const STATE_HINT = {
  connecting: 'Loading the dashboard',
  live: 'Streaming changes as they happen',
  reconnecting: 'The live stream dropped; reconnecting',
  polling: 'The live stream is unavailable; refreshing every 5 seconds',
  offline: 'The server cannot be reached',
};

export class ConnectionStatus {
  constructor({ badge, updated, stale, staleText }) {
    this.badge = badge;
    this.badgeText = badge.querySelector('.badge-text');
    this.updated = updated;
    this.stale = stale;
    this.staleText = staleText;
  }

  setState(state, info = {}) {
    this.badge.dataset.state = state;
    this.badgeText.textContent = STATE_TEXT[state] ?? state;
    let hint = STATE_HINT[state] ?? '';
    if (state === 'reconnecting' && info.attempt) hint += ` (attempt ${info.attempt})`;
    this.badge.title = hint;
    document.documentElement.dataset.connection = state;
  }

  /** The data was confirmed (every message, and every second): shown once per frame. */
  tick(tick) {
    this.latest = tick;
    beforeNextFrame(this.renderTick ??= () => this.showTick(this.latest));
  }

  showTick({ lastActivity, stale, silentFor }) {
    if (lastActivity) {
      setText(this.updated, fmt.clock(new Date(lastActivity)), false);
      this.updated.dateTime = new Date(lastActivity).toISOString();
    }
    this.stale.hidden = !stale;
    if (stale) {
      this.staleText.textContent = lastActivity
        ? `No update for ${fmt.duration(silentFor)}. The figures below may be out of date.`
        : 'The dashboard has not loaded yet. The figures below may be missing.';
    }
  }
}

// ------------------------------------------------------------------------------- orders by status

export class StatusTiles {
  constructor(container, totals, store) {
    this.container = container;
    this.totals = totals;
    this.tiles = new Map();
    this.ready = false;
    for (const status of STATUSES) this.tile(status);
    bind(this, store);
  }

  tile(status) {
    let tile = this.tiles.get(status);
    if (tile) return tile;
    const name = h('h3', { class: 'tile-label' }, h('span', { class: 'dot', attrs: { 'aria-hidden': 'true' } }), fmt.label(status));
    const countEl = h('p', { class: 'tile-count', text: '0' });
    const revenueEl = h('p', { class: 'tile-revenue', text: fmt.currency(0) });
    const bar = h('span', { class: 'tile-bar-fill' });
    const root = h('article', {
      class: `tile status-${fmt.token(status)}`,
      dataset: { status },
      attrs: { 'aria-label': fmt.label(status) },
    }, name, countEl, revenueEl, h('span', { class: 'tile-bar', attrs: { 'aria-hidden': 'true' } }, bar));
    tile = { root, countEl, revenueEl, bar };
    this.tiles.set(status, tile);
    this.container.append(root);
    return tile;
  }

  render(rows, highlight) {
    const byStatus = new Map(rows.map((r) => [String(r.status ?? 'unknown'), r]));
    for (const status of byStatus.keys()) this.tile(status); // a status we did not expect
    let orders = 0;
    let revenue = 0;
    for (const r of rows) {
      orders += fmt.toNumber(r.orderCount);
      revenue += fmt.toNumber(r.totalValue);
    }
    for (const [status, tile] of this.tiles) {
      const row = byStatus.get(status);
      const n = fmt.toNumber(row?.orderCount);
      setText(tile.countEl, fmt.count(n), highlight);
      setText(tile.revenueEl, fmt.currency(row?.totalValue), highlight);
      tile.root.classList.toggle('is-zero', n === 0);
      tile.bar.style.width = `${orders ? (100 * n) / orders : 0}%`;
    }
    setText(this.totals, `${fmt.count(orders)} ${orders === 1 ? 'order' : 'orders'} · ${fmt.currency(revenue)}`, highlight);
  }
}

// ------------------------------------------------------------------------------- recent orders

export class RecentOrders {
  constructor(list, empty, store, limit = 10) {
    this.empty = empty;
    this.limit = limit;
    this.rows = new RowList(list, { keyOf: (row) => String(row.orderId), create: RecentOrders.create, fill: RecentOrders.fill });
    this.ready = false;
    bind(this, store);
    setInterval(() => this.refreshAges(), 15000);
  }

  static newestFirst(a, b) {
    const ta = fmt.toMillis(a.createdAt);
    const tb = fmt.toMillis(b.createdAt);
    if (ta !== tb) return (Number.isNaN(tb) ? -Infinity : tb) - (Number.isNaN(ta) ? -Infinity : ta);
    return fmt.toNumber(b.orderId) - fmt.toNumber(a.orderId);
  }

  static create(row, key) {
    const fields = {
      id: orderButton('order-id', key),
      customer: h('span', { class: 'order-customer' }),
      status: h('span', { class: 'chip' }),
      total: h('span', { class: 'order-total' }),
      age: h('time', { class: 'order-age' }),
    };
    const root = h('li', { class: 'order', dataset: { orderId: key } },
      h('span', { class: 'order-main' }, fields.id, fields.customer),
      fields.status, fields.total, fields.age);
    return { root, fields, row: null };
  }

  static fill({ fields: f }, row, flashIt) {
    setText(f.id, `#${row.orderId}`, false);
    setText(f.customer, String(row.customerName ?? '—'), flashIt);
    setVariant(f.status, `status-${fmt.token(row.status)}`);
    setText(f.status, fmt.label(row.status), flashIt);
    setText(f.total, fmt.currency(row.total), flashIt);
    f.age.dateTime = String(row.createdAt ?? '');
    f.age.title = fmt.dateTime(row.createdAt);
    setText(f.age, fmt.ago(row.createdAt), false);
  }

  render(rows, highlight) {
    const shown = rows.slice().sort(RecentOrders.newestFirst).slice(0, this.limit);
    this.rows.show(shown, highlight);
    this.empty.hidden = shown.length > 0;
  }

  refreshAges() {
    const now = Date.now();
    for (const item of this.rows.items.values()) setText(item.fields.age, fmt.ago(item.row?.createdAt, now), false);
  }
}

// ------------------------------------------------------------------------------- stuck orders

export class StuckOrders {
  constructor(list, empty, summary, store, refreshMs = 5000) {
    this.empty = empty;
    this.summary = summary;
    const keyOf = (row) => String(row.orderId);
    this.sorted = new SortedRows(store, StuckOrders.longestFirst);
    this.rows = new RowList(list, { keyOf, create: StuckOrders.create, fill: StuckOrders.fill });
    this.more = moreLine(list);
    this.ready = false;
    bind(this, store);
    // Only the "stuck for" texts move with the clock; the rows stay as they are.
    setInterval(() => this.refreshAges(), refreshMs);
  }

  /** Longest stuck first: the oldest last change, then the oldest order. */
  static longestFirst(a, b) {
    const ta = orLast(fmt.toMillis(a.lastUpdate));
    const tb = orLast(fmt.toMillis(b.lastUpdate));
    if (ta !== tb) return ta < tb ? -1 : 1;
    return fmt.toNumber(a.orderId) - fmt.toNumber(b.orderId);
  }

  static age(row, now) {
    return `stuck for ${fmt.elapsed(row?.lastUpdate, now)}`;
  }

  static create(row, key) {
    const fields = {
      order: orderButton('issue-order', key),
      customer: h('span', { class: 'issue-customer-name' }),
      amount: h('span', { class: 'issue-amount' }),
      status: h('span', { class: 'chip' }),
      age: h('time', { class: 'issue-age' }),
    };
    // "Order #4 — David Brown"; on a narrow card the name goes on a line of its own, without the dash.
    const customer = h('span', { class: 'issue-customer' }, h('span', { class: 'issue-dash', text: '— ' }), fields.customer);
    const root = h('li', { class: 'issue stuck', dataset: { orderId: key } },
      h('div', { class: 'issue-head' }, fields.order, customer, fields.amount),
      h('div', { class: 'issue-body' }, fields.status, fields.age));
    return { root, fields, row: null };
  }

  static fill({ fields: f }, row, flashIt) {
    setText(f.order, `Order #${row.orderId ?? '?'}`, false);
    setText(f.customer, String(row.customerName ?? '—'), flashIt);
    setText(f.amount, fmt.currency(row.total), flashIt);
    setVariant(f.status, `status-${fmt.token(row.status)}`);
    setText(f.status, fmt.label(row.status), flashIt);
    f.age.dateTime = String(row.lastUpdate ?? '');
    f.age.title = row.lastUpdate ? `In ${String(row.status ?? 'this stage')} since ${fmt.dateTime(row.lastUpdate)}` : '';
    setText(f.age, StuckOrders.age(row, Date.now()), false);
  }

  render(_rows, highlight) {
    const sorted = this.sorted.update();
    this.rows.show(sorted.slice(0, LIST_LIMIT), highlight);
    this.more.show(sorted.length - LIST_LIMIT);
    this.empty.hidden = sorted.length > 0;
    this.summary.textContent = `${fmt.count(sorted.length)} stuck`;
    this.summary.hidden = sorted.length === 0;
  }

  refreshAges() {
    const now = Date.now();
    for (const item of this.rows.items.values()) setText(item.fields.age, StuckOrders.age(item.row, now), false);
  }
}

// ------------------------------------------------------------------------------- payment issues

const PAYMENT_RANK = { failed: 0, pending: 1 };

export class PaymentIssues {
  constructor(list, empty, summary, store, refreshMs = 5000) {
    this.empty = empty;
    this.summary = summary;
    const keyOf = (row) => String(row.paymentId);
    this.sorted = new SortedRows(store, PaymentIssues.failedFirst);
    this.rows = new RowList(list, { keyOf, create: PaymentIssues.create, fill: PaymentIssues.fill });
    this.more = moreLine(list);
    this.ready = false;
    bind(this, store);
    // How long each payment has been failed or pending moves with the clock, like the stuck orders.
    setInterval(() => this.refreshAges(), refreshMs);
  }

  /** "for 3 min" since the payment's last change (open-payments' lastUpdate), or nothing without one. */
  static age(row, now) {
    return row?.lastUpdate ? `for ${fmt.elapsed(row.lastUpdate, now)}` : '';
  }

  refreshAges() {
    const now = Date.now();
    for (const item of this.rows.items.values()) setText(item.fields.age, PaymentIssues.age(item.row, now), false);
  }

  static failedFirst(a, b) {
    const ra = PAYMENT_RANK[a.paymentStatus] ?? 2;
    const rb = PAYMENT_RANK[b.paymentStatus] ?? 2;
    if (ra !== rb) return ra - rb;
    return fmt.toNumber(b.paymentId) - fmt.toNumber(a.paymentId);
  }

  static statusOf(row) {
    return String(row.paymentStatus ?? 'unknown');
  }

  static create(row, key) {
    const fields = {
      status: h('span', { class: 'chip' }),
      order: orderButton('issue-order', row.orderId),
      payment: h('span', { class: 'issue-payment' }),
      amount: h('span', { class: 'issue-amount' }),
      message: h('span', { class: 'issue-message' }),
      age: h('time', { class: 'issue-age' }),
    };
    const root = h('li', { class: 'issue', dataset: { paymentId: key } },
      h('div', { class: 'issue-head' }, fields.order, fields.payment, fields.amount),
      h('div', { class: 'issue-body' }, fields.status, fields.age, fields.message));
    return { root, fields, row: null };
  }

  static fill({ root, fields: f }, row, flashIt) {
    const status = PaymentIssues.statusOf(row);
    root.dataset.status = fmt.token(status);
    root.dataset.orderId = String(row.orderId ?? '');
    f.order.setAttribute('aria-label', `Order #${row.orderId ?? '?'} details`);
    setVariant(f.status, `payment-${fmt.token(status)}`);
    setText(f.status, fmt.label(status), flashIt);
    setText(f.order, `Order #${row.orderId ?? '?'}`, flashIt);
    setText(f.payment, `payment #${row.paymentId}`, false);
    setText(f.amount, fmt.currency(row.amount), flashIt);
    let message = '';
    if (row.errorMessage != null && row.errorMessage !== '') message = String(row.errorMessage);
    else if (status === 'failed') message = 'No reason given';
    else if (status === 'pending') message = 'Awaiting payment';
    setText(f.message, message, flashIt);
    f.age.dateTime = String(row.lastUpdate ?? '');
    f.age.title = row.lastUpdate ? `${fmt.label(status)} since ${fmt.dateTime(row.lastUpdate)}` : '';
    setText(f.age, PaymentIssues.age(row, Date.now()), false);
  }

  render(_rows, highlight) {
    const sorted = this.sorted.update();
    this.rows.show(sorted.slice(0, LIST_LIMIT), highlight);
    this.more.show(sorted.length - LIST_LIMIT);
    this.empty.hidden = sorted.length > 0;
    let failed = 0;
    for (const row of sorted) if (PaymentIssues.statusOf(row) === 'failed') failed += 1;
    const pending = sorted.length - failed;
    const parts = [];
    if (failed) parts.push(`${fmt.count(failed)} failed`);
    if (pending) parts.push(`${fmt.count(pending)} pending`);
    this.summary.textContent = parts.join(' · ');
    this.summary.hidden = parts.length === 0;
    this.summary.classList.toggle('has-failed', failed > 0);
  }
}

// ------------------------------------------------------------------------------- live events

export class EventLog {
  constructor(list, empty, limit = 50) {
    this.list = list;
    this.empty = empty;
    this.limit = limit;
    this.waiting = []; // diffs not shown yet, oldest first
    this.showWaiting = () => this.flush();
  }

  /** Logs a diff; the diffs that arrive before the next frame are added together. */
  add(diff) {
    this.waiting.push(diff);
    if (this.waiting.length > this.limit) this.waiting.splice(0, this.waiting.length - this.limit);
    beforeNextFrame(this.showWaiting);
  }

  flush() {
    const newestFirst = this.waiting.reverse().map((diff) => EventLog.entry(diff));
    this.waiting = [];
    this.list.prepend(...newestFirst);
    while (this.list.children.length > this.limit) this.list.lastElementChild.remove();
    this.empty.hidden = true;
  }

  static entry(diff) {
    const added = diff.added?.length ?? 0;
    const updated = diff.updated?.length ?? 0;
    const deleted = diff.deleted?.length ?? 0;
    const when = Number.isFinite(diff.timestamp) ? new Date(diff.timestamp) : new Date();
    const count = (cls, sign, n, word) => h('span', {
      class: `ev-count ${cls}${n ? '' : ' is-zero'}`,
      title: `${n} ${word}`,
      text: `${sign}${n}`,
    });
    const li = h('li', { class: 'event enter' },
      h('time', { class: 'ev-time', dateTime: when.toISOString(), text: fmt.clock(when) }),
      h('span', { class: 'ev-query', text: String(diff.queryId) }),
      h('span', { class: 'ev-counts' },
        count('ev-added', '+', added, 'added'),
        count('ev-updated', '~', updated, 'updated'),
        count('ev-deleted', '−', deleted, 'deleted')));
    li.dataset.sequence = String(diff.sequence ?? '');
    return li;
  }
}
