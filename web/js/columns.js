// Column declarations of the generic dashboard's widgets, and the formats they name. In the
// config a column is either a field name or {field, label, format}; formats are `currency`,
// `number`, `percent` (a 0–1 ratio), `decimal` (two places), `time` (a clock time), `datetime`,
// `ago` and `text` (the default for strings).

import * as fmt from './format.js';

const decimalFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const percentFormat = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

/** `{field, label, format}` from a config column; the label defaults to the field in words. */
export function column(spec) {
  const c = typeof spec === 'string' ? { field: spec } : { ...spec };
  c.label ??= words(c.field);
  return c;
}

/** The columns a widget declares, or every field of its first row. */
export function columnsOf(options, rows) {
  if (Array.isArray(options.columns) && options.columns.length) return options.columns.map(column);
  return Object.keys(rows[0] ?? {}).map((field) => column(field));
}

/** `activeUsers` → `Active users`, `org_id` → `Org id`. */
export function words(field) {
  const text = String(field ?? '').replace(/[_-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A value as text in `format`; without one, numbers get digit grouping and the rest is as is. */
export function formatValue(value, format) {
  switch (format) {
    case 'currency': return fmt.currency(value);
    case 'number': return fmt.count(value);
    case 'decimal': return decimalFormat.format(fmt.toNumber(value));
    case 'percent': return percentFormat.format(fmt.toNumber(value));
    case 'time': return fmt.clock(value);
    case 'datetime': return fmt.dateTime(value) || '—';
    case 'ago': return fmt.ago(value);
    case 'text': return value == null ? '—' : String(value);
    default:
      if (typeof value === 'number') return Number.isInteger(value) ? fmt.count(value) : decimalFormat.format(value);
      return value == null ? '—' : String(value);
  }
}

/** Whether `row` matches `where` ({field: value, …}); every row matches no `where`. */
export function matches(row, where) {
  if (!where) return true;
  return Object.entries(where).every(([k, v]) => String(row[k]) === String(v));
}

// localeCompare with options builds a collator on every call; a sort makes thousands of them.
const textOrder = new Intl.Collator(undefined, { numeric: true });

/** Compares two cell values for sorting: numbers as numbers, the rest as text. */
export function compareValues(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return textOrder.compare(String(a ?? ''), String(b ?? ''));
}
