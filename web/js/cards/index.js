// Widget type (the config's `type:`) → the class that renders it.

import { Alerts } from './alerts.js';
import { Chart } from './chart.js';
import { DiffLog } from './event-log.js';
import { Rows } from './rows.js';
import { Stat } from './stat.js';
import { StatusGrid } from './status-grid.js';

export const WIDGETS = {
  stat: Stat,
  'status-grid': StatusGrid,
  table: Rows,
  list: Rows,
  alerts: Alerts,
  line: Chart,
  bar: Chart,
  'event-log': DiffLog,
};
