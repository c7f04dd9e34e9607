// `event-log`: the latest diffs as they arrive (of the widget's query, or of every query when it
// names none), reusing the order page's log.

import { h } from '../dom.js';
import { EventLog } from '../widgets.js';

export class DiffLog {
  constructor({ body }, widget, _store, ctx) {
    const list = h('ol', { class: 'events' });
    const empty = h('p', { class: 'empty', text: 'Waiting for changes…' });
    body.append(list, empty);
    const log = new EventLog(list, empty, Number(widget.options?.limit ?? 50));
    ctx.onDiff((diff) => {
      if (!widget.query || diff.queryId === widget.query) log.add(diff);
    });
  }

  render() {}
}
