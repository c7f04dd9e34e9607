// `alerts`: rows that need attention (stuck orders, failed payments), each with how long it has
// been so, counted on from a time column every 5 seconds (only those texts change). The first
// `limit` rows are shown, oldest first, with a line saying how many more there are.
// Options: label (field shown first), since (time field), columns (more fields), empty (text),
// limit (default 100).

import { h, setText } from '../dom.js';
import { column, formatValue } from '../columns.js';
import { elapsed, toMillis, toNumber } from '../format.js';
import { LIST_LIMIT, RowList, moreLine } from '../row-list.js';
import { SortedRows, orLast } from '../sorted-rows.js';

export class Alerts {
  constructor({ body, meta }, widget, store) {
    this.o = widget.options ?? {};
    this.store = store;
    this.meta = meta;
    this.limit = toNumber(this.o.limit) || LIST_LIMIT;
    this.columns = (this.o.columns ?? []).map(column);
    const list = h('ol', { class: 'issues' });
    this.empty = h('p', { class: 'empty ok', text: this.o.empty ?? 'All clear.' });
    body.append(list, this.empty);
    this.more = moreLine(list);
    this.sorted = this.o.since ? new SortedRows(store, (a, b) => this.oldestFirst(a, b)) : null;
    this.rows = new RowList(list, {
      keyOf: store.keyOf,
      create: () => this.create(),
      fill: (item, row, flashIt) => this.fill(item, row, flashIt),
    });
    setInterval(() => this.tickAges(), 5000);
  }

  /** Oldest `since` first, rows without one last; ties in the store's key order. */
  oldestFirst(a, b) {
    const ta = orLast(toMillis(a[this.o.since]));
    const tb = orLast(toMillis(b[this.o.since]));
    if (ta !== tb) return ta < tb ? -1 : 1;
    const ka = this.store.keyOf(a);
    const kb = this.store.keyOf(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  }

  create() {
    const item = {
      label: h('span', { class: 'issue-order' }),
      age: h('span', { class: 'issue-age' }),
      cells: this.columns.map(() => h('span', { class: 'issue-message' })),
      row: null,
    };
    item.root = h('li', { class: 'issue stuck' }, h('div', { class: 'issue-head' }, item.label, item.age), h('div', { class: 'issue-body' }, ...item.cells));
    return item;
  }

  fill(item, row, flashIt) {
    setText(item.label, formatValue(row[this.o.label ?? Object.keys(row)[0]], 'text'), flashIt);
    this.columns.forEach((c, j) => setText(item.cells[j], `${c.label}: ${formatValue(row[c.field], c.format)}`, flashIt));
    if (this.o.since) setText(item.age, `for ${elapsed(row[this.o.since])}`, false);
  }

  render(rows, highlight) {
    const all = this.sorted ? this.sorted.update() : rows;
    this.rows.show(all.slice(0, this.limit), highlight);
    this.more.show(all.length - this.limit);
    this.empty.hidden = all.length > 0;
    this.meta.textContent = all.length ? String(all.length) : '';
  }

  tickAges() {
    if (!this.o.since) return;
    for (const item of this.rows.items.values()) setText(item.age, `for ${elapsed(item.row[this.o.since])}`, false);
  }
}
