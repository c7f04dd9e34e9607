-- Product analytics (seed 001) in SQLite: one row per tracked event, for several organisations.
-- The demo's generator inserts events and deletes those older than two days, so the store
-- (and what livedash keeps of it) stays the size of its window, not of its history.
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  org_id VARCHAR(40) NOT NULL,
  event_type VARCHAR(30) NOT NULL,
  event_name VARCHAR(100) NOT NULL,
  user_id VARCHAR(40) NOT NULL,
  session_id VARCHAR(40) NOT NULL,
  timestamp TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX events_by_time ON events (timestamp);
