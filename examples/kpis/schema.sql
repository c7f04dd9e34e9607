-- Seed 003's KPI readings in SQLite: one row per measurement of a KPI. The demo's generator
-- writes a reading of every KPI each second and deletes readings older than two days.
CREATE TABLE kpi_raw_data (
  id INTEGER PRIMARY KEY,
  kpi_code VARCHAR(40) NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  timestamp TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX kpi_raw_data_by_time ON kpi_raw_data (timestamp);
