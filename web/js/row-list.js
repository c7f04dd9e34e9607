// One element per row in a list, kept by the row's key and patched in place: a row whose object
// is the one shown last time is not touched (a store replaces the object when the row changes),
// a new row glows in, and only the elements out of place are moved.

import { flash, h } from './dom.js';
import { count } from './format.js';

/** Rows a list shows at most: a card has room for a few, and thousands of elements cost every frame. */
export const LIST_LIMIT = 100;

/** The "+1,234 more" line after a list (or table) that shows only its first rows. */
export function moreLine(list) {
  const more = h('p', { class: 'more', hidden: true });
  list.after(more);
  return {
    show(hiddenRows) {
      more.hidden = hiddenRows <= 0;
      if (hiddenRows > 0) more.textContent = `+${count(hiddenRows)} more`;
    },
  };
}

/** Moves `items` (elements) into `parent` in this order, touching only those out of place. */
export function placeInOrder(parent, items, before = null) {
  let cursor = parent.firstElementChild;
  for (const el of items) {
    if (el === cursor) {
      cursor = cursor.nextElementSibling;
    } else {
      parent.insertBefore(el, cursor ?? before);
    }
  }
}

export class RowList {
  /**
   * @param {HTMLElement} list the element the rows' elements go in (and nothing else)
   * @param {object} how
   * @param {(row: object) => string} [how.keyOf] the row's identity (or give show() the keys)
   * @param {(row: object, key: string) => {root: HTMLElement}} how.create a new row's item
   * @param {(item: object, row: object, flash: boolean) => void} how.fill writes a row into its item
   */
  constructor(list, { keyOf, create, fill }) {
    this.list = list;
    this.keyOf = keyOf;
    this.create = create;
    this.fill = fill;
    this.items = new Map(); // key → { root, row, … }
  }

  /** Shows exactly `rows`, in this order (`keys`: theirs, when known); `highlight` flashes what changed. */
  show(rows, highlight, keys = rows.map(this.keyOf)) {
    const keep = new Set(keys);
    for (const [key, item] of this.items) {
      if (!keep.has(key)) {
        item.root.remove();
        this.items.delete(key);
      }
    }
    const els = rows.map((row, i) => {
      let item = this.items.get(keys[i]);
      const fresh = !item;
      if (fresh) {
        item = this.create(row, keys[i]);
        this.items.set(keys[i], item);
      }
      if (item.row !== row) {
        this.fill(item, row, highlight && !fresh);
        item.row = row;
      }
      if (fresh && highlight) flash(item.root, 'enter');
      return item.root;
    });
    placeInOrder(this.list, els);
  }
}
