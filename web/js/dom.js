// Small DOM helpers. Text only ever goes in through textContent, so values from the database
// cannot inject markup.

/**
 * Creates an element. `props` may hold `class`, `text`, `dataset`, `attrs` (set with
 * setAttribute) and other DOM properties; `children` are nodes or strings (as text).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value == null) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'attrs') for (const [k, v] of Object.entries(value)) el.setAttribute(k, v);
    else el[key] = value;
  }
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

const restarting = new WeakSet();

/**
 * Replays the highlight animation on an element. Restarting one still running takes the class
 * off for a frame rather than reading offsetWidth: that read forces a synchronous layout of the
 * whole document, once per changed cell, which is what made a page with thousands of rows fall
 * behind a busy stream (bench/page_trace.mjs).
 */
export function flash(el, className = 'flash') {
  if (!el.classList.contains(className)) {
    el.classList.add(className);
    return;
  }
  el.classList.remove(className);
  if (restarting.has(el)) return;
  restarting.add(el);
  // Two frames: the removal must reach a style recalculation before the class comes back.
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      restarting.delete(el);
      el.classList.add(className);
    }),
  );
}

/**
 * Sets an element's text; when it changes (and `highlight` is true) the element flashes.
 * Returns whether the text changed.
 */
export function setText(el, text, highlight = true) {
  if (el.textContent === text) return false;
  el.textContent = text;
  if (highlight) flash(el);
  return true;
}

document.addEventListener('animationend', (e) => {
  if (e.animationName === 'flash' || e.animationName === 'enter') {
    e.target.classList.remove('flash', 'enter');
  }
});
