CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer_name TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  total DECIMAL(10,2) NOT NULL CHECK (total >= 0)
);
INSERT INTO orders (customer_name, status, total) VALUES
  ('Alice', 'pending', 10.50), ('Bob', 'pending', 20.25), ('Carol', 'shipped', 5);
