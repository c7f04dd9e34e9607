// `alerts`: rows that need attention (stuck orders, failed payments), each with how long it has
// been so, counted on from a time column every 5 seconds (only those texts change).
// Options: label (field shown first), since (time field), columns (more fields), empty (text).

import { h, flash, setText } from '../dom.js';
import { column, formatValue } from '../columns.js';
import { elapsed, toMillis } from '../format.js';

export class Alerts {
  constructor({ body, meta }, widget, store) {
    this.o = widget.options ?? {};
    this.store = store;
    this.meta = meta;
    this.list = h('ol', { class: 'issues' });
    this.empty = h('p', { class: 'empty ok', text: this.o.empty ?? 'All clear.' });
    body.append(this.list, this.empty);
    this.items = new Map();
    setInterval(() => this.tickAges(), 5000);
  }

  render(_rows, highlight) {
    const since = this.o.since;
    const columns = (this.o.columns ?? []).map(column);
    const entries = [...this.store.rows.entries()];
    if (since) entries.sort(([, a], [, b]) => toMillis(a[since]) - toMillis(b[since])); // oldest first
    const seen = new Set();
    entries.forEach(([key, row], i) => {
      seen.add(key);
      let item = this.items.get(key);
      if (!item) {
        item = { label: h('span', { class: 'issue-order' }), age: h('span', { class: 'issue-age' }), cells: columns.map(() => h('span', { class: 'issue-message' })) };
        item.el = h('li', { class: 'issue stuck' }, h('div', { class: 'issue-head' }, item.label, item.age), h('div', { class: 'issue-body' }, ...item.cells));
        this.items.set(key, item);
        if (highlight) flash(item.el, 'enter');
      }
      item.row = row;
      setText(item.label, formatValue(row[this.o.label ?? Object.keys(row)[0]], 'text'), highlight);
      columns.forEach((c, j) => setText(item.cells[j], `${c.label}: ${formatValue(row[c.field], c.format)}`, highlight));
      if (this.list.children[i] !== item.el) this.list.insertBefore(item.el, this.list.children[i] ?? null);
    });
    for (const [key, item] of this.items) {
      if (!seen.has(key)) {
        item.el.remove();
        this.items.delete(key);
      }
    }
    this.tickAges();
    this.empty.hidden = this.items.size > 0;
    this.meta.textContent = this.items.size ? String(this.items.size) : '';
  }

  tickAges() {
    if (!this.o.since) return;
    for (const item of this.items.values()) setText(item.age, `for ${elapsed(item.row[this.o.since])}`, false);
  }
}
