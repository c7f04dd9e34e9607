// The /dashboards page: a link to each dashboard the caller may read.

import { authFetch } from './auth.js';
import { h } from './dom.js';

const list = document.getElementById('dashboard-list');
const res = await authFetch('api/v1/dashboards', { cache: 'no-store' });
const body = await res.json();
const dashboards = res.ok ? body.data : [];
for (const d of dashboards) {
  list.append(h('li', {}, h('a', { href: `d/${encodeURIComponent(d.id)}`, text: d.title || d.id }),
    h('span', { class: 'card-meta', text: ` ${d.queries.length} queries` })));
}
document.getElementById('dashboard-empty').hidden = dashboards.length > 0;
