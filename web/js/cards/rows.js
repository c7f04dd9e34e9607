// `table` and `list`: the query's rows with declared columns, sorted (click a table header to
// sort by it), at most `limit`. A row that changes flashes the cells that changed; a new row
// glows in. Options: columns [field | {field,label,format}], sort {by, desc}, limit.
// A list is the compact form: the first column as the label, the others on the right.

import { h, flash, setText } from '../dom.js';
import { columnsOf, compareValues, formatValue } from '../columns.js';

export class Rows {
  constructor({ body, meta }, widget, store) {
    this.o = widget.options ?? {};
    this.list = widget.type === 'list';
    this.store = store;
    this.meta = meta;
    this.sort = { by: this.o.sort?.by ?? null, desc: Boolean(this.o.sort?.desc) };
    this.items = new Map(); // store key → { el, cells }
    this.empty = h('p', { class: 'empty', text: this.o.emptyText ?? 'Nothing yet.' });
    if (this.list) {
      this.container = h('ol', { class: 'rows-list' });
      body.append(this.container, this.empty);
    } else {
      this.head = h('tr');
      this.container = h('tbody');
      body.append(h('div', { class: 'table-wrap' }, h('table', { class: 'rows-table' }, h('thead', {}, this.head), this.container)), this.empty);
    }
  }

  ensureHead(columns) {
    if (this.list || this.head.children.length) return;
    for (const c of columns) {
      const th = h('th', { scope: 'col', class: c.format && c.format !== 'text' ? 'num' : '' },
        h('button', { type: 'button', text: c.label, onclick: () => this.sortBy(c.field) }));
      th.dataset.field = c.field;
      this.head.append(th);
    }
  }

  sortBy(field) {
    this.sort = { by: field, desc: this.sort.by === field ? !this.sort.desc : true };
    for (const th of this.head.children) {
      th.setAttribute('aria-sort', th.dataset.field === field ? (this.sort.desc ? 'descending' : 'ascending') : 'none');
    }
    this.render(this.store.values(), false);
  }

  render(rows, highlight) {
    const columns = this.columns ?? (rows.length ? (this.columns = columnsOf(this.o, rows)) : []);
    this.ensureHead(columns);
    let keyed = [...this.store.rows.entries()];
    const by = this.sort.by;
    if (by) keyed.sort(([, a], [, b]) => (this.sort.desc ? -1 : 1) * compareValues(a[by], b[by]));
    if (this.o.limit) keyed = keyed.slice(0, Number(this.o.limit));
    const seen = new Set();
    const ordered = [];
    for (const [key, row] of keyed) {
      seen.add(key);
      let item = this.items.get(key);
      const fresh = !item;
      if (fresh) {
        item = this.create(columns);
        this.items.set(key, item);
        if (highlight) flash(item.el, 'enter');
      }
      columns.forEach((c, i) => setText(item.cells[i], formatValue(row[c.field], c.format), highlight && !fresh));
      ordered.push(item.el);
    }
    for (const [key, item] of this.items) {
      if (!seen.has(key)) {
        item.el.remove();
        this.items.delete(key);
      }
    }
    ordered.forEach((el, i) => {
      if (this.container.children[i] !== el) this.container.insertBefore(el, this.container.children[i] ?? null);
    });
    this.empty.hidden = ordered.length > 0;
    this.meta.textContent = this.o.limit && this.store.rows.size > ordered.length ? `top ${ordered.length}` : '';
  }

  create(columns) {
    if (this.list) {
      const cells = columns.map((c, i) => h('span', { class: i === 0 ? 'li-label' : `li-value${c.format && c.format !== 'text' ? ' num' : ''}` }));
      return { el: h('li', { class: 'rows-item' }, ...cells), cells };
    }
    const cells = columns.map((c) => h('td', { class: c.format && c.format !== 'text' ? 'num' : '' }));
    return { el: h('tr', {}, ...cells), cells };
  }
}
