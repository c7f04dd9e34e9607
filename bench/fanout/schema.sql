-- The fan-out benchmark's store: one row that every update rewrites. sent_us is the driver's
-- steady-clock stamp of the write, which the diff carries to each client as `sentUs`.
CREATE TABLE ticks (
  id INTEGER PRIMARY KEY,
  n INTEGER NOT NULL,
  sent_us INTEGER NOT NULL
);
INSERT INTO ticks (id, n, sent_us) VALUES (1, 0, 0);
