// Wires the order operations page: four query stores, their widgets, and the live client that
// keeps the stores current. Everything is same-origin and relative to the page.

import { QueryStore } from './js/query-store.js';
import { LiveClient } from './js/live-client.js';
import { OrderDetails } from './js/order-details.js';
import { ConnectionStatus, StatusTiles, RecentOrders, StuckOrders, PaymentIssues, EventLog } from './js/widgets.js';

const $ = (id) => document.getElementById(id);

const stores = new Map([
  ['order-stats', new QueryStore('order-stats', (row) => String(row.status))],
  ['recent-orders', new QueryStore('recent-orders', (row) => String(row.orderId))],
  ['stuck-orders', new QueryStore('stuck-orders', (row) => String(row.orderId))],
  ['open-payments', new QueryStore('open-payments', (row) => String(row.paymentId))],
]);

const status = new ConnectionStatus({
  badge: $('connection-badge'),
  updated: $('last-updated'),
  stale: $('stale-warning'),
  staleText: $('stale-text'),
});
new StatusTiles($('status-tiles'), $('stats-totals'), stores.get('order-stats'));
new RecentOrders($('recent-orders'), $('recent-empty'), stores.get('recent-orders'));
new StuckOrders($('stuck-orders'), $('stuck-empty'), $('stuck-summary'), stores.get('stuck-orders'));
new PaymentIssues($('payment-issues'), $('payments-empty'), $('payments-summary'), stores.get('open-payments'));
const events = new EventLog($('event-log'), $('events-empty'));

const client = new LiveClient(stores, {
  heartbeatMs: 15000, // the dashboard-stream reaction's heartbeat_interval_ms
  onState: (state, info) => status.setState(state, info),
  onDiff: (diff) => events.add(diff),
  onTick: (tick) => status.tick(tick),
});

// A click on an order, wherever it is listed, shows its details.
const details = new OrderDetails($('order-details'), (url) => client.fetchJson(url));
for (const list of ['recent-orders', 'stuck-orders', 'payment-issues']) details.watch($(list));

// For debugging from the console and for the end-to-end test.
window.livedash = { client, stores, details };

client.start();
