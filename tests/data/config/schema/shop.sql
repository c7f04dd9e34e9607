-- Schema for tests/data/config/complete.yaml: a small shop.
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, tier TEXT);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  state TEXT NOT NULL,
  amount REAL NOT NULL,
  placed_at TEXT NOT NULL
);
CREATE TABLE shipments (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL, carrier TEXT);
