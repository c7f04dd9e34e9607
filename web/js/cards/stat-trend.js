// The change of a stat against the previous period's figure, read from another column of the same
// row: "▲ 12 (+8.3%) vs yesterday". The query computes both figures, so the trend is right from
// the first render and after a reload, not only after the page has seen the value move.

import { formatValue } from '../columns.js';
import { toNumber } from '../format.js';

const percentChange = new Intl.NumberFormat('en-US', {
  style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero',
});

/**
 * The trend's text, direction (`up`, `down`, `flat`) and tone (`good`, `bad`, `neutral`).
 * `trend` is the widget's option: {field, label, good: 'up' | 'down'}. Without a previous figure
 * (null or 0) there is no percentage, only the absolute change.
 */
export function describeTrend(row, value, trend, format) {
  const now = toNumber(value);
  const before = toNumber(row?.[trend.field]);
  const suffix = trend.label ? ` ${trend.label}` : '';
  if (now === before) return { text: `=${suffix}`, dir: 'flat', tone: 'neutral' };
  const dir = now > before ? 'up' : 'down';
  const amount = formatValue(Math.abs(now - before), format);
  const percent = before === 0 ? '' : ` (${percentChange.format((now - before) / Math.abs(before))})`;
  const tone = dir === (trend.good ?? 'up') ? 'good' : 'bad';
  return { text: `${dir === 'up' ? '▲' : '▼'} ${amount}${percent}${suffix}`, dir, tone };
}
