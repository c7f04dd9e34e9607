// The generic dashboard page (/d/{id}): reads the dashboard's config from
// /api/v1/dashboards/{id}, makes a QueryStore per query and a widget per entry, and keeps the
// stores live with one WsClient. Widgets whose options say `period: picker` follow the period
// picker in the header (live, minute, hour, day), which resubscribes their queries.

import { authFetch } from './js/auth.js';
import { h } from './js/dom.js';
import { QueryStore } from './js/query-store.js';
import { WsClient } from './js/ws-client.js';
import { ConnectionStatus } from './js/widgets.js';
import { WIDGETS } from './js/cards/index.js';
import { card, bindStore } from './js/cards/card.js';

const $ = (id) => document.getElementById(id);
const PERIODS = ['live', 'minute', 'hour', 'day'];

/** A row's identity: the `key` fields a widget declares, else the whole row (always correct for
 * a set of rows, since a diff's `before` is the row as it was). */
function keyFunction(fields) {
  if (Array.isArray(fields) && fields.length) return (row) => JSON.stringify(fields.map((f) => row[f]));
  return (row) => JSON.stringify(row);
}

async function loadConfig(id) {
  const res = await authFetch(`api/v1/dashboards/${encodeURIComponent(id)}`, { cache: 'no-store' });
  const body = await res.json().catch(() => null);
  if (!res.ok || !body?.data) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
  return body.data;
}

function periodPicker(initial, onPick) {
  const el = $('period-picker');
  el.hidden = false;
  const buttons = PERIODS.map((p) => h('button', {
    type: 'button',
    text: p.charAt(0).toUpperCase() + p.slice(1),
    dataset: { period: p },
    attrs: { role: 'radio', 'aria-checked': String(p === initial) },
    onclick: () => {
      for (const b of buttons) b.setAttribute('aria-checked', String(b === buttonFor(p)));
      onPick(p);
    },
  }));
  const buttonFor = (p) => buttons[PERIODS.indexOf(p)];
  el.append(...buttons);
}

async function main() {
  const id = decodeURIComponent(location.pathname.split('/').filter(Boolean).pop() ?? '');
  let config;
  try {
    config = await loadConfig(id);
  } catch (err) {
    $('load-error').hidden = false;
    $('load-error').textContent = `Cannot load dashboard “${id}”: ${err.message}`;
    return;
  }
  document.title = config.title || config.id;
  $('dashboard-title').textContent = config.title || config.id;

  const stores = new Map();
  const followers = new Set(); // queries that follow the period picker
  for (const w of config.widgets) {
    if (!w.query) continue;
    if (!stores.has(w.query)) {
      const key = config.widgets.find((o) => o.query === w.query && o.options?.key)?.options.key;
      stores.set(w.query, new QueryStore(w.query, keyFunction(key)));
    }
    if (w.options?.period === 'picker') followers.add(w.query);
  }
  const initialPeriod = new URL(location.href).searchParams.get('period') ?? 'minute';
  const periods = new Map([...followers].map((q) => [q, initialPeriod]));

  const diffListeners = [];
  const ctx = { onDiff: (fn) => diffListeners.push(fn) };
  const grid = $('widgets');
  const widgets = config.widgets.map((w, i) => {
    const Widget = WIDGETS[w.type];
    const frame = card(w, i);
    grid.append(frame.el);
    const widget = new Widget(frame, w, stores.get(w.query), ctx);
    if (w.query) bindStore(widget, stores.get(w.query));
    return widget;
  });

  const status = new ConnectionStatus({
    badge: $('connection-badge'), updated: $('last-updated'), stale: $('stale-warning'), staleText: $('stale-text'),
  });
  const client = new WsClient(stores, periods, {
    onState: (state, info) => status.setState(state, info),
    onTick: (tick) => status.tick(tick),
    onDiff: (diff) => diffListeners.forEach((fn) => fn(diff)),
  });
  if (followers.size) periodPicker(initialPeriod, (p) => client.setPeriod(followers, p));

  // For debugging from the console and for the end-to-end test.
  window.livedash = { client, stores, config, widgets };
  client.start();
}

main();
