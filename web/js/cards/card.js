// The frame every widget of the generic dashboard sits in: a titled card in the grid. Widgets
// fill `body` and may write a summary into `meta`.

import { h } from '../dom.js';
import { beforeNextFrame } from '../frame.js';

export function card(widget, index) {
  const title = h('h2', { text: widget.title || widget.query || widget.type, id: `w${index}-title` });
  const meta = h('span', { class: 'card-meta' });
  const body = h('div', { class: 'card-body' });
  const span = widget.options?.span;
  const el = h('section', {
    class: `card w-${widget.type}`,
    dataset: { widget: String(index), type: widget.type, query: widget.query ?? '' },
    attrs: { 'aria-labelledby': `w${index}-title`, ...(span ? { style: `grid-column: span ${Number(span)}` } : {}) },
  }, h('div', { class: 'card-head' }, title, meta), body);
  return { el, body, meta };
}

/** Renders a store into a widget after its changes, once per frame; the first render does not flash. */
export function bindStore(widget, store) {
  let ready = false;
  const render = () => {
    widget.render(store.values(), ready);
    ready = true;
  };
  store.subscribe(() => beforeNextFrame(render));
  if (store.loaded) beforeNextFrame(render);
}
