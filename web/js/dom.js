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

/** Replays the highlight animation on an element. */
export function flash(el, className = 'flash') {
  el.classList.remove(className);
  void el.offsetWidth; // restart the CSS animation
  el.classList.add(className);
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
