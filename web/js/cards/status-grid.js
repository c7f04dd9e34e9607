// `status-grid`: a tile per group with its count and sum (the seed's orders by status).
// Options: group (field), count (field), sum (field), sumFormat (default currency), order
// (group values in tile order; others follow alphabetically).

import { h, setText } from '../dom.js';
import { formatValue } from '../columns.js';
import { count as formatCount, label, token } from '../format.js';

export class StatusGrid {
  constructor({ body, meta }, widget) {
    this.o = widget.options ?? {};
    this.meta = meta;
    this.grid = h('div', { class: 'tiles' });
    body.append(this.grid);
    this.tiles = new Map();
  }

  render(rows, highlight) {
    const { group = 'status', count = 'count', sum, sumFormat = 'currency', order = [] } = this.o;
    const byGroup = new Map(rows.map((r) => [String(r[group]), r]));
    const names = [...new Set([...order.map(String), ...[...byGroup.keys()].sort()])];
    let total = 0;
    names.forEach((name, i) => {
      let tile = this.tiles.get(name);
      if (!tile) {
        tile = {
          el: h('div', { class: `tile status-${token(name)}` }),
          count: h('div', { class: 'tile-count' }),
          sum: h('div', { class: 'tile-revenue' }),
        };
        tile.el.append(h('div', { class: 'tile-label' }, h('span', { class: 'dot' }), label(name)), tile.count, tile.sum);
        this.tiles.set(name, tile);
      }
      if (this.grid.children[i] !== tile.el) this.grid.insertBefore(tile.el, this.grid.children[i] ?? null);
      const row = byGroup.get(name);
      const n = row ? Number(row[count]) || 0 : 0;
      total += n;
      tile.el.classList.toggle('is-zero', n === 0);
      setText(tile.count, formatCount(n), highlight);
      if (sum) setText(tile.sum, formatValue(row ? row[sum] : 0, sumFormat), highlight);
    });
    this.meta.textContent = `${formatCount(total)} total`;
  }
}
