// Formatting of values that come from the database. Every function accepts anything (null,
// strings, numbers) and returns a plain string: callers put it in the page with textContent.

const currencyFormat = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const countFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const clockFormat = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
});
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** A number from a JSON value: numbers as is, numeric strings parsed, anything else 0. */
export function toNumber(value) {
  if (typeof value === 'number') return Number.isFinite(value) ? value : 0;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : 0;
  }
  return 0;
}

/** `$1,234.50`; missing values are `$0.00`. */
export function currency(value) {
  return currencyFormat.format(toNumber(value));
}

/** `1,234`; missing values are `0`. */
export function count(value) {
  return countFormat.format(toNumber(value));
}

// Parsed date strings. Sorting and ages parse the same few timestamps again and again (rows
// changed in the same second share one), and parsing is most of a comparison's cost.
const millisOf = new Map();
const MILLIS_CACHED = 10_000;

/** Milliseconds since the epoch from a number (ms) or a date string; NaN when unknown. */
export function toMillis(value) {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || value === '') return NaN;
  let ms = millisOf.get(value);
  if (ms !== undefined) return ms;
  // SQLite's "YYYY-MM-DD HH:MM:SS" is UTC; make it ISO so every browser parses it alike.
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(value) ? `${value.replace(' ', 'T')}Z` : value;
  ms = Date.parse(iso);
  if (millisOf.size >= MILLIS_CACHED) millisOf.clear();
  millisOf.set(value, ms);
  return ms;
}

/** `17:04:09` in the viewer's time zone. */
export function clock(value) {
  const ms = value instanceof Date ? value.getTime() : toMillis(value);
  return Number.isNaN(ms) ? '—' : clockFormat.format(ms);
}

/** A full date and time, for tooltips. */
export function dateTime(value) {
  const ms = toMillis(value);
  return Number.isNaN(ms) ? '' : dateTimeFormat.format(ms);
}

/** `just now`, `5 min ago`, `3 h ago`, `2 d ago`. */
export function ago(value, now = Date.now()) {
  const ms = toMillis(value);
  if (Number.isNaN(ms)) return '—';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

/** How long ago an instant was, coarsely: `12 s`, `3 min`, `2 h 5 min`, `3 d 4 h`; `—` when unknown. */
export function elapsed(value, now = Date.now()) {
  const ms = toMillis(value);
  if (Number.isNaN(ms)) return '—';
  const s = Math.max(0, Math.floor((now - ms) / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** `12 s`, `3 min 5 s`: a short duration for the stale warning. */
export function duration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** `processing` → `Processing`; missing values → `Unknown`. */
export function label(value) {
  const text = value == null || value === '' ? 'unknown' : String(value);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A value made safe to use as a CSS class suffix (status names come from the database). */
export function token(value) {
  return String(value ?? 'unknown').toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 32);
}
