-- The order dashboard's store, in SQLite: customers, orders moving through a fulfilment
-- pipeline, and their payments. updated_at follows every change.
CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  email VARCHAR(100) NOT NULL
);

CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER REFERENCES customers(id),
  customer_name VARCHAR(100) NOT NULL,
  status VARCHAR(30) DEFAULT 'pending',
  total DECIMAL(10,2) NOT NULL,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE payments (
  id INTEGER PRIMARY KEY,
  order_id INTEGER REFERENCES orders(id),
  status VARCHAR(30) DEFAULT 'pending',
  amount DECIMAL(10,2) NOT NULL,
  error_message TEXT,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);

CREATE TRIGGER orders_touch AFTER UPDATE ON orders
BEGIN
  UPDATE orders SET updated_at = NOW() WHERE id = NEW.id;
END;

CREATE TRIGGER payments_touch AFTER UPDATE ON payments
BEGIN
  UPDATE payments SET updated_at = NOW() WHERE id = NEW.id;
END;

INSERT INTO customers (name, email) VALUES
  ('Alice Johnson', 'alice@example.com'),
  ('Bob Smith', 'bob@example.com'),
  ('Carol Williams', 'carol@example.com'),
  ('David Brown', 'david@example.com'),
  ('Eve Davis', 'eve@example.com');

INSERT INTO orders (customer_id, customer_name, status, total, created_at) VALUES
  (1, 'Alice Johnson', 'pending', 129.99, datetime('now', '-10 minutes')),
  (2, 'Bob Smith', 'processing', 249.99, datetime('now', '-30 minutes')),
  (3, 'Carol Williams', 'processing', 89.99, datetime('now', '-3 hours')),
  (4, 'David Brown', 'packing', 199.99, datetime('now', '-1 hour')),
  (5, 'Eve Davis', 'shipped', 159.99, datetime('now', '-2 hours')),
  (1, 'Alice Johnson', 'delivered', 79.99, datetime('now', '-1 day')),
  (2, 'Bob Smith', 'delivered', 299.99, datetime('now', '-2 days'));

INSERT INTO payments (order_id, status, amount) VALUES
  (1, 'pending', 129.99),
  (2, 'completed', 249.99),
  (3, 'completed', 89.99),
  (4, 'completed', 199.99),
  (5, 'completed', 159.99),
  (6, 'completed', 79.99),
  (7, 'completed', 299.99);
