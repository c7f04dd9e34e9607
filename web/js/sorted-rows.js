// A store's rows in a widget's order, kept up to date incrementally. Re-sorting thousands of
// rows (3.6k stuck orders at 10k orders) on every change cost more than a frame, and so did
// comparing the whole store with what was sorted last time (and the garbage of it): the store
// says which keys each diff touched, and only those rows move, placed by binary search.

/** A time to sort by, with none (NaN) after every other: NaN would make the order inconsistent. */
export function orLast(ms) {
  return Number.isNaN(ms) ? Infinity : ms;
}

export class SortedRows {
  /**
   * @param {import('./query-store.js').QueryStore} store
   * @param {(a: object, b: object) => number} compare the order; ties broken, so that it is total
   */
  constructor(store, compare) {
    this.store = store;
    this.compare = compare;
    this.rows = []; // in order
    this.placed = new Map(); // key → the row object in `rows`
    this.touched = new Set(); // keys changed since the last update()
    this.resort = true; // everything changed (a snapshot)
    store.subscribe((_, change) => {
      if (change.type === 'diff' && change.keys) for (const key of change.keys) this.touched.add(key);
      else this.resort = true;
    });
  }

  /** The store's rows now, in order (do not modify the array). */
  update() {
    const now = this.store.rows;
    if (this.resort || this.touched.size > 64 + this.rows.length / 8) {
      // A snapshot, or a burst: one sort is cheaper than placing each row.
      this.rows = [...now.values()].sort(this.compare);
      this.placed = new Map(now);
    } else {
      for (const key of this.touched) {
        const was = this.placed.get(key);
        const row = now.get(key);
        if (was === row) continue;
        if (was !== undefined) this.remove(was);
        if (row === undefined) {
          this.placed.delete(key);
        } else {
          this.rows.splice(this.insertionPoint(row), 0, row);
          this.placed.set(key, row);
        }
      }
    }
    this.resort = false;
    this.touched.clear();
    return this.rows;
  }

  /** The first index whose row does not come before `row`. */
  insertionPoint(row) {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(this.rows[mid], row) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  remove(row) {
    let i = this.insertionPoint(row);
    while (i < this.rows.length && this.rows[i] !== row && this.compare(this.rows[i], row) === 0) i++;
    if (this.rows[i] !== row) i = this.rows.indexOf(row); // a comparator that is not total
    if (i >= 0) this.rows.splice(i, 1);
  }
}
