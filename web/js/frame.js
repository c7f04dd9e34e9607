// Rendering at most once per frame. A busy stream delivers several diffs between two frames (at
// 10k orders and 50 changes/s, about two per frame); the stores take each one as it comes, but a
// widget only has to show where they ended up, so it renders once, just before the next paint.
// Rendering per diff is what kept the order page over 16 ms of scripting per frame
// (bench/page_trace.mjs, docs/performance.md).

const due = new Set();
let schedules = 0;
let pending = 0; // the schedule whose callbacks will run the due jobs; 0 when none is pending
const HIDDEN_PAGE_MS = 500;

function runDue() {
  pending = 0;
  const jobs = [...due];
  due.clear();
  for (const job of jobs) {
    try {
      job();
    } catch (err) {
      console.error('[livedash] render failed', err);
    }
  }
}

/** Runs `job` before the next frame is painted; a job already waiting is not queued twice. */
export function beforeNextFrame(job) {
  due.add(job);
  if (pending) return;
  const mine = (pending = ++schedules);
  requestAnimationFrame(() => pending === mine && runDue());
  // A hidden page gets no frames; its widgets still keep up, at the pace of its timers.
  setTimeout(() => pending === mine && runDue(), HIDDEN_PAGE_MS);
}
