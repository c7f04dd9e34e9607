// `table` and `list`: the query's rows with declared columns, sorted (click a table header to
// sort by it), at most `limit` (without one, the first 100 and a line saying how many more). A
// row that changes flashes the cells that changed; a new row glows in. Options: columns
// [field | {field,label,format}], sort {by, desc}, limit.
// A list is the compact form: the first column as the label, the others on the right.

import { h, setText } from '../dom.js';
import { columnsOf, compareValues, formatValue } from '../columns.js';
import { LIST_LIMIT, RowList, moreLine } from '../row-list.js';

export class Rows {
  constructor({ body, meta }, widget, store) {
    this.o = widget.options ?? {};
    this.list = widget.type === 'list';
    this.store = store;
    this.meta = meta;
    this.sort = { by: this.o.sort?.by ?? null, desc: Boolean(this.o.sort?.desc) };
    this.columns = null;
    this.empty = h('p', { class: 'empty', text: this.o.emptyText ?? 'Nothing yet.' });
    let block;
    if (this.list) {
      this.container = block = h('ol', { class: 'rows-list' });
    } else {
      this.head = h('tr');
      this.container = h('tbody');
      block = h('div', { class: 'table-wrap' }, h('table', { class: 'rows-table' }, h('thead', {}, this.head), this.container));
    }
    body.append(block, this.empty);
    this.more = moreLine(block);
    this.rows = new RowList(this.container, {
      create: () => this.create(this.columns),
      fill: (item, row, flashIt) => this.columns.forEach((c, i) => setText(item.cells[i], formatValue(row[c.field], c.format), flashIt)),
    });
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
    if (!this.columns && rows.length) this.columns = columnsOf(this.o, rows);
    if (!this.columns) return;
    this.ensureHead(this.columns);
    const keyed = [...this.store.rows.entries()];
    const by = this.sort.by;
    if (by) keyed.sort(([, a], [, b]) => (this.sort.desc ? -1 : 1) * compareValues(a[by], b[by]));
    const shown = keyed.slice(0, Number(this.o.limit) || LIST_LIMIT);
    this.rows.show(shown.map(([, row]) => row), highlight, shown.map(([key]) => key));
    this.empty.hidden = shown.length > 0;
    this.meta.textContent = this.o.limit && keyed.length > shown.length ? `top ${shown.length}` : '';
    this.more.show(this.o.limit ? 0 : keyed.length - shown.length);
  }

  create(columns) {
    if (this.list) {
      const cells = columns.map((c, i) => h('span', { class: i === 0 ? 'li-label' : `li-value${c.format && c.format !== 'text' ? ' num' : ''}` }));
      return { root: h('li', { class: 'rows-item' }, ...cells), cells, row: null };
    }
    const cells = columns.map((c) => h('td', { class: c.format && c.format !== 'text' ? 'num' : '' }));
    return { root: h('tr', {}, ...cells), cells, row: null };
  }
}
