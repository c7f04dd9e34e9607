// `line` and `bar`: a uPlot chart of the query's rows. Options: x (field), y (field or list),
// series (a field whose values each get a line, for long-format rows such as kpi-by-minute),
// yFormat, height; for a time axis, window (seconds shown) and step (seconds per bucket). An x of
// dates is a time axis; any other x is categories, sorted by the first y, largest first (top-N).
// Rows are re-read on each change and uPlot redraws in place.

import uPlot from '../../vendor/uplot/uPlot.esm.js';
import { h } from '../dom.js';
import { formatValue, words } from '../columns.js';
import { toMillis, toNumber } from '../format.js';

const PALETTE = ['#58a6ff', '#3fb950', '#f2b84b', '#b392f0', '#ff6b61', '#39c5cf', '#f0883e', '#8e9aab'];
const DATE_LIKE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;
const BAR_GROUP = 0.7; // of the space between two x values
const BAR_MAX_PX = 80;

export class Chart {
  constructor({ body, meta }, widget) {
    this.o = widget.options ?? {};
    this.bar = widget.type === 'bar';
    this.meta = meta;
    this.box = h('div', { class: 'chart' });
    this.empty = h('p', { class: 'empty', text: 'No data yet.' });
    body.append(this.box, this.empty);
    this.plot = null;
    this.shape = '';
    new ResizeObserver(() => this.plot?.setSize(this.size())).observe(this.box);
  }

  size() {
    return { width: Math.max(200, this.box.clientWidth), height: Number(this.o.height ?? 240) };
  }

  /** Columns for uPlot: [xs, ys…], and the series names and x labels. */
  table(rows) {
    const x = this.o.x ?? Object.keys(rows[0] ?? {})[0];
    const ys = [].concat(this.o.y ?? Object.keys(rows[0] ?? {}).filter((k) => k !== x && typeof rows[0][k] === 'number'));
    const time = this.o.xFormat === 'time' || (this.o.xFormat == null && rows.length > 0 && DATE_LIKE.test(String(rows[0][x])));
    let names;
    let pick;
    if (this.o.series) {
      names = [...new Set(rows.map((r) => String(r[this.o.series])))].sort();
      pick = (bucket, name) => bucket.get(name)?.[ys[0]];
    } else {
      names = ys;
      pick = (bucket, name) => bucket.get('')?.[name];
    }
    const buckets = new Map(); // x value → series name → row
    for (const r of rows) {
      const key = time ? toMillis(r[x]) / 1000 : String(r[x]);
      if (!buckets.has(key)) buckets.set(key, new Map());
      buckets.get(key).set(this.o.series ? String(r[this.o.series]) : '', r);
    }
    let keys = [...buckets.keys()];
    if (time) keys.sort((a, b) => a - b);
    else keys.sort((a, b) => toNumber(pick(buckets.get(b), names[0])) - toNumber(pick(buckets.get(a), names[0])));
    const data = [time ? keys : keys.map((_, i) => i)];
    for (const name of names) data.push(keys.map((k) => { const v = pick(buckets.get(k), name); return v == null ? null : toNumber(v); }));
    return { data, names: this.o.series ? names : names.map(words), labels: time ? null : keys, time };
  }

  render(rows) {
    const t = this.table(rows);
    this.empty.hidden = rows.length > 0;
    const shape = `${t.time}|${t.names.join(',')}`;
    this.labels = t.labels;
    if (this.plot && shape === this.shape) {
      this.plot.setData(t.data);
    } else {
      this.plot?.destroy();
      this.shape = shape;
      this.plot = new uPlot(this.options(t), t.data, this.box);
    }
    this.meta.textContent = t.labels ? `${t.labels.length} items` : '';
  }

  /** A time axis spans `window` seconds (when declared) up to the newest bucket, half a bucket
   * of margin either side, so one bucket is a bar, not the whole width. */
  timeRange(u, min, max) {
    const xs = u.data[0];
    // From the data: for a single point uPlot proposes a range of a thousand days.
    if (xs.length) [min, max] = [xs[0], xs[xs.length - 1]];
    const step = this.step(xs);
    const from = this.o.window ? Math.min(min, max - Number(this.o.window) + step) : min;
    return [from - step / 2, max + step / 2];
  }

  /** The x distance between two buckets: 1 for categories; for time, `step` or the data's. */
  step(xs) {
    if (this.labels) return 1;
    let step = Number(this.o.step ?? 0);
    for (let i = 1; !step && i < xs.length; i++) step = xs[i] - xs[i - 1];
    return step || 60;
  }

  /**
   * Bars of series `index` of `count`, side by side: each x gets a group 70% of a step wide (at
   * most 80 px a bar), centred on it, and each series its own slice of the group, in series
   * order. uPlot's bars all centre on x, so several series would be drawn over each other.
   */
  bars(index, count) {
    const layout = (u) => {
      const xs = u.data[0];
      const step = this.step(xs);
      const pxPerStep = Math.abs(u.valToPos(xs[0] + step, 'x') - u.valToPos(xs[0], 'x')) || 1;
      const group = Math.min(BAR_GROUP, (BAR_MAX_PX * count) / pxPerStep) * step;
      const bar = group / count;
      return { x0: xs.map((x) => x - group / 2 + index * bar), bar };
    };
    return uPlot.paths.bars({
      size: [1, Infinity],
      disp: {
        x0: { unit: 1, values: (u) => layout(u).x0 },
        size: { unit: 1, values: (u) => [layout(u).bar] },
      },
    });
  }

  options(t) {
    const css = getComputedStyle(document.documentElement);
    const muted = css.getPropertyValue('--muted').trim() || '#8e9aab';
    const grid = css.getPropertyValue('--border').trim() || '#2a3341';
    const axis = { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
    const yFormat = this.o.yFormat;
    const many = t.names.length;
    return {
      ...this.size(),
      legend: { show: many > 1 || !t.labels },
      scales: {
        x: { time: t.time, range: t.labels ? (u, min, max) => [min - 0.5, max + 0.5] : (u, min, max) => this.timeRange(u, min, max) },
        // Counts and amounts read from zero, so a bar's height means something.
        y: { range: (u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] },
      },
      axes: [
        { ...axis, ...(t.labels ? { values: (u, splits) => splits.map((i) => (Number.isInteger(i) ? this.labels?.[i] ?? '' : '')) } : {}) },
        { ...axis, size: 60, values: (u, splits) => splits.map((v) => formatValue(v, yFormat ?? 'number')) },
      ],
      series: [
        { label: words(this.o.x ?? 'x'), value: (u, v) => (t.labels ? this.labels?.[v] ?? '' : v == null ? '' : formatValue(v * 1000, 'datetime')) },
        ...t.names.map((name, i) => {
          const color = PALETTE[i % PALETTE.length];
          return {
            label: name,
            stroke: color,
            width: 2,
            fill: this.bar ? `${color}b0` : `${color}18`,
            points: { show: !this.bar && t.data[0].length < 40 },
            value: (u, v) => (v == null ? '—' : formatValue(v, yFormat)),
            ...(this.bar ? { paths: this.bars(i, many) } : {}),
          };
        }),
      ],
    };
  }
}
