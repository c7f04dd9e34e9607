// The access token of a server with `auth:` on (docs/security.md), for the pages in the binary.
//
// The token is given once in the address, `?token=…` or `#token=…` (a fragment never reaches
// the server or its logs, so it is the better of the two). On load it moves into sessionStorage,
// which lasts as long as the tab and is not shared with other tabs, and it is removed from the
// visible address, so it does not stay on screen, in bookmarks or in the history. REST calls send
// it as `Authorization: Bearer`; EventSource and WebSocket cannot set headers, so their URLs carry
// it as `access_token`.
//
// Reading the address happens when this module is first imported, before any request is made.

const KEY = 'livedash.token';

function takeTokenFromAddress() {
  const url = new URL(location.href);
  const hash = new URLSearchParams(url.hash.slice(1));
  const given = hash.get('token') ?? url.searchParams.get('token');
  if (given === null) return;
  url.searchParams.delete('token');
  hash.delete('token');
  const rest = hash.toString();
  url.hash = rest ? `#${rest}` : '';
  history.replaceState(history.state, '', url.href);
  try {
    if (given) sessionStorage.setItem(KEY, given);
    else sessionStorage.removeItem(KEY); // `?token=` with nothing forgets the token
  } catch {
    memory = given; // storage disabled: keep it for this page at least
  }
}

let memory = null;
takeTokenFromAddress();

// A #token= pasted into the address of the open page changes only the fragment, which loads
// nothing: take the token and reload, so that every request and stream uses it.
window.addEventListener('hashchange', () => {
  if (!new URLSearchParams(location.hash.slice(1)).has('token')) return;
  takeTokenFromAddress();
  location.reload();
});

/** The token, or null when none was given. */
export function token() {
  try {
    return sessionStorage.getItem(KEY) ?? memory;
  } catch {
    return memory;
  }
}

/** `headers` with the Authorization header added when there is a token. */
export function withAuth(headers = {}) {
  const t = token();
  return t ? { ...headers, Authorization: `Bearer ${t}` } : headers;
}

/** A URL (relative or absolute) with `access_token` added, for EventSource and WebSocket. */
export function withToken(url) {
  const t = token();
  if (!t) return url;
  const u = new URL(url, document.baseURI);
  u.searchParams.set('access_token', t);
  return u.href;
}

// ------------------------------------------------------------------------------- refusals

let banner = null;

/**
 * Says on the page why the data is missing when the server refused the token (401: none or
 * unknown; 403: not allowed to read this). Without it the page would sit at "Offline" with
 * empty cards and no hint why. Called by the clients on every refused request; shown once.
 */
export function reportRefusal(status) {
  if (status !== 401 && status !== 403) return;
  const has = Boolean(token());
  let text;
  if (status === 403) {
    text = 'The access token is not allowed to read this dashboard. Ask for a token that may read all of its queries.';
  } else if (has) {
    text = 'The access token was not accepted. Open the page again with a valid one: add #token=… to the address.';
  } else {
    text = 'This server needs an access token. Open the page with #token=… added to the address (it is kept for this tab only).';
  }
  if (!banner) {
    banner = document.createElement('div');
    banner.id = 'auth-error';
    banner.className = 'auth-error';
    banner.setAttribute('role', 'alert');
    const header = document.querySelector('header');
    if (header) header.after(banner);
    else document.body.prepend(banner);
  }
  banner.dataset.status = String(status);
  banner.textContent = text;
  document.documentElement.dataset.auth = status === 401 ? 'missing' : 'forbidden';
}

/** fetch() with the token, reporting a refusal on the page. */
export async function authFetch(url, init = {}) {
  const res = await fetch(url, { ...init, headers: withAuth(init.headers ?? {}) });
  reportRefusal(res.status);
  return res;
}
