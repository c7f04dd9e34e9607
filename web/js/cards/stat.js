// `stat`: one number from a column of the query's row (the row matching `where`, or the first),
// big enough to read across a room, with an arrow against the value before it when `trend` is on.
// Options: field, format, where, trend (true), empty (text when there is no row, default 0).

import { h, setText } from '../dom.js';
import { formatValue, matches } from '../columns.js';
import { toNumber } from '../format.js';

export class Stat {
  constructor({ body }, widget) {
    this.o = widget.options ?? {};
    this.value = h('div', { class: 'stat-value', text: '—' });
    this.trend = h('span', { class: 'stat-trend', attrs: { 'aria-live': 'off' } });
    body.append(h('div', { class: 'stat' }, this.value, this.trend));
    this.previous = null;
  }

  render(rows, highlight) {
    const field = this.o.field ?? Object.keys(rows[0] ?? {})[0];
    const row = rows.find((r) => matches(r, this.o.where));
    const raw = row ? row[field] : (this.o.empty ?? 0);
    const text = formatValue(raw, this.o.format);
    if (!setText(this.value, text, highlight)) return;
    const n = toNumber(raw);
    if (this.o.trend !== false && this.previous !== null && n !== this.previous) {
      const up = n > this.previous;
      this.trend.dataset.dir = up ? 'up' : 'down';
      this.trend.textContent = `${up ? '▲' : '▼'} ${formatValue(Math.abs(n - this.previous), this.o.format)}`;
      this.trend.title = `was ${formatValue(this.previous, this.o.format)}`;
    }
    this.previous = n;
  }
}
