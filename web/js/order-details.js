// Seed 002's order details: a click on an order (recent, stuck or payment issue) opens a modal
// <dialog> with the order's fields and every one of its payments.
//
// The data comes from the server each time the dialog opens, from the `order-details` query
// (orders OPTIONAL MATCH their payments), not from the page's stores: those hold only the ten
// newest orders and the open payments, while the details must show any order and all of its
// payments. A native <dialog> opened with showModal() gives the modal semantics, focus trapping
// and Escape for free; focus goes back to whatever opened it.

import { h } from './dom.js';
import * as fmt from './format.js';

const DETAILS_URL = 'api/v1/queries/order-details/results';

export class OrderDetails {
  /**
   * @param {HTMLDialogElement} dialog the (empty) dialog in the page
   * @param {(url: string) => Promise<any>} fetchJson GETs JSON, throwing on an HTTP error
   */
  constructor(dialog, fetchJson) {
    this.dialog = dialog;
    this.fetchJson = fetchJson;
    this.opener = null;
    this.request = 0; // the latest open(); an older answer arriving late is dropped
    this.title = h('h2', { id: 'order-details-title' });
    this.body = h('div', { class: 'details-body' });
    const close = h('button', { class: 'details-close', type: 'button', text: '×', attrs: { 'aria-label': 'Close' } });
    close.addEventListener('click', () => this.dialog.close());
    dialog.setAttribute('aria-labelledby', this.title.id);
    dialog.append(h('div', { class: 'details-head' }, this.title, close), this.body);
    // A click on the backdrop (outside the dialog's box) closes it too.
    dialog.addEventListener('click', (e) => {
      if (e.target === dialog && !insideBox(dialog, e)) dialog.close();
    });
    dialog.addEventListener('close', () => {
      this.request += 1;
      if (this.opener?.isConnected) this.opener.focus();
      this.opener = null;
    });
  }

  /** Makes a click (or Enter on the order's button) anywhere in `list` open that order. */
  watch(list) {
    list.addEventListener('click', (e) => {
      const item = e.target.closest('[data-order-id]');
      if (!item || !list.contains(item)) return;
      this.open(item.dataset.orderId, item.querySelector('button') ?? item);
    });
  }

  async open(orderId, opener = document.activeElement) {
    const request = ++this.request;
    this.opener = opener;
    this.dialog.dataset.orderId = orderId;
    this.title.textContent = `Order #${orderId}`;
    this.body.replaceChildren(h('p', { class: 'details-note', text: 'Loading…' }));
    if (!this.dialog.open) this.dialog.showModal();
    let rows;
    try {
      const body = await this.fetchJson(DETAILS_URL);
      if (!body || body.success === false || !Array.isArray(body.data)) throw new Error(body?.error?.message ?? 'unexpected answer');
      rows = body.data.filter((r) => String(r.orderId) === String(orderId));
    } catch (err) {
      if (request === this.request) this.showError(err);
      return;
    }
    if (request !== this.request) return;
    if (rows.length === 0) {
      this.body.replaceChildren(h('p', { class: 'details-note', text: `Order #${orderId} no longer exists.` }));
      return;
    }
    this.render(rows);
  }

  showError(err) {
    const status = err?.status;
    const text = status === 401 || status === 403
      ? 'Not allowed to read order details with this token.'
      : `Could not load the order: ${err?.message ?? err}`;
    this.body.replaceChildren(h('p', { class: 'details-note is-error', attrs: { role: 'alert' }, text }));
  }

  render(rows) {
    const o = rows[0];
    const field = (name, value) => [h('dt', { text: name }), h('dd', { text: value })];
    const fields = h('dl', { class: 'details-fields' },
      field('Customer', `${o.customerName ?? '—'}${o.customerId != null ? ` (customer #${o.customerId})` : ''}`),
      field('Status', fmt.label(o.status)),
      field('Total', fmt.currency(o.total)),
      field('Placed', fmt.dateTime(o.createdAt) || '—'),
      field('Last change', fmt.dateTime(o.updatedAt) || '—'));

    // Without payments the OPTIONAL MATCH still gives the order one row, with no payment.
    const payments = rows.filter((r) => r.paymentId != null)
      .sort((a, b) => fmt.toNumber(a.paymentId) - fmt.toNumber(b.paymentId));
    const heading = h('h3', { id: 'order-details-payments', text: 'Payments' });
    let list;
    if (payments.length === 0) {
      list = h('p', { class: 'details-note', text: 'No payments.' });
    } else {
      const cell = (text) => h('td', { text });
      list = h('table', { class: 'details-payments', attrs: { 'aria-labelledby': heading.id } },
        h('thead', {}, h('tr', {}, ['Payment', 'Status', 'Amount', 'Note'].map((t) => h('th', { text: t, attrs: { scope: 'col' } })))),
        h('tbody', {}, payments.map((p) => h('tr', { dataset: { paymentId: String(p.paymentId) } },
          cell(`#${p.paymentId}`),
          cell(fmt.label(p.paymentStatus)),
          cell(fmt.currency(p.amount)),
          cell(p.errorMessage ? String(p.errorMessage) : '')))));
    }
    this.body.replaceChildren(fields, heading, list);
  }
}

function insideBox(el, e) {
  const r = el.getBoundingClientRect();
  return e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom;
}
