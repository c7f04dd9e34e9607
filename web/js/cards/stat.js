// `stat`: one number from a column of the query's row (the row matching `where`, or the first),
// big enough to read across a room, and with `trend` its change against the previous period's
// figure in another column of that row (stat-trend.js).
// Options: field, format, where, trend ({field, label, good: up|down}), empty (when there is no
// row, default 0).

import { h, setText } from '../dom.js';
import { formatValue, matches } from '../columns.js';
import { describeTrend } from './stat-trend.js';

export class Stat {
  constructor({ body }, widget) {
    this.o = widget.options ?? {};
    this.value = h('div', { class: 'stat-value', text: '—' });
    this.trend = h('span', { class: 'stat-trend', attrs: { 'aria-live': 'off' } });
    body.append(h('div', { class: 'stat' }, this.value, this.trend));
  }

  render(rows, highlight) {
    const field = this.o.field ?? Object.keys(rows[0] ?? {})[0];
    const row = rows.find((r) => matches(r, this.o.where));
    const raw = row ? row[field] : (this.o.empty ?? 0);
    setText(this.value, formatValue(raw, this.o.format), highlight);
    if (this.o.trend?.field) this.renderTrend(row, raw);
  }

  renderTrend(row, raw) {
    const { text, dir, tone } = describeTrend(row, raw, this.o.trend, this.o.format);
    this.trend.textContent = text;
    this.trend.dataset.dir = dir;
    this.trend.dataset.tone = tone;
    this.trend.title = `previous: ${formatValue(row?.[this.o.trend.field] ?? 0, this.o.format)}`;
  }
}
