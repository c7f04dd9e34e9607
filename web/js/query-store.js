// The current result of one continuous query: its rows keyed by a column, and the sequence of
// the last diff they include. Snapshots replace the rows; diffs patch them in order.

export class QueryStore {
  /**
   * @param {string} id query id, e.g. `order-stats`
   * @param {(row: object) => unknown} keyOf the row's identity within the result
   */
  constructor(id, keyOf) {
    this.id = id;
    this.keyOf = keyOf;
    this.rows = new Map();
    this.sequence = null; // null: no snapshot loaded yet
    this.listeners = new Set();
  }

  get loaded() {
    return this.sequence !== null;
  }

  /**
   * Calls `fn(store, change)` after each change; change is {type:'snapshot'} or
   * {type:'diff', diff, keys}, `keys` being those of the rows the diff added, changed or removed.
   */
  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  values() {
    return [...this.rows.values()];
  }

  /** Replaces every row with a snapshot that reflects diffs up to `sequence`. */
  replace(rows, sequence) {
    this.rows = new Map();
    for (const row of rows ?? []) this.rows.set(this.keyOf(row), row);
    this.sequence = Number.isFinite(sequence) ? sequence : 0;
    this.emit({ type: 'snapshot' });
  }

  /**
   * Classifies a diff against what the store holds: `duplicate` (already included), `next`
   * (applies now) or `gap` (diffs are missing in between; reload the snapshot).
   */
  classify(diff) {
    const seq = diff.sequence;
    if (!this.loaded || !Number.isFinite(seq)) return this.loaded ? 'next' : 'gap';
    if (seq <= this.sequence) return 'duplicate';
    return seq === this.sequence + 1 ? 'next' : 'gap';
  }

  /** Applies a diff that `classify` called `next`. */
  apply(diff) {
    const keys = [];
    const set = (row) => {
      const key = this.keyOf(row);
      this.rows.set(key, row);
      keys.push(key);
    };
    const remove = (key) => {
      this.rows.delete(key);
      keys.push(key);
    };
    for (const row of diff.added ?? []) set(row);
    for (const pair of diff.updated ?? []) {
      const before = pair?.before;
      const after = pair?.after ?? pair;
      if (before) {
        const oldKey = this.keyOf(before);
        if (oldKey !== this.keyOf(after)) remove(oldKey);
      }
      set(after);
    }
    for (const row of diff.deleted ?? []) remove(this.keyOf(row?.before ?? row));
    if (Number.isFinite(diff.sequence)) this.sequence = diff.sequence;
    this.emit({ type: 'diff', diff, keys });
  }

  emit(change) {
    for (const fn of this.listeners) {
      try {
        fn(this, change);
      } catch (err) {
        console.error(`[livedash] ${this.id} listener failed`, err);
      }
    }
  }
}
