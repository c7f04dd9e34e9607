-- The order dashboard's database in PostgreSQL 15: customers, their orders moving through the
-- fulfilment stages, and the payments for those orders. Loaded into an empty database by
-- ../run-postgres.sh (psql -f). The same tables and sample rows as the Drasi tutorial the
-- dashboard comes from, so its page and its SQL steps work unchanged.

CREATE TABLE customers (
    id    SERIAL PRIMARY KEY,
    name  VARCHAR(100) NOT NULL,
    email VARCHAR(100) NOT NULL
);

CREATE TABLE orders (
    id            SERIAL PRIMARY KEY,
    customer_id   INTEGER REFERENCES customers (id),
    customer_name VARCHAR(100) NOT NULL,
    status        VARCHAR(30) DEFAULT 'pending',  -- pending, processing, packing, shipped, delivered
    total         DECIMAL(10, 2) NOT NULL,
    created_at    TIMESTAMP DEFAULT NOW(),
    updated_at    TIMESTAMP DEFAULT NOW()
);

CREATE TABLE payments (
    id            SERIAL PRIMARY KEY,
    order_id      INTEGER REFERENCES orders (id),
    status        VARCHAR(30) DEFAULT 'pending',  -- pending, completed, failed
    amount        DECIMAL(10, 2) NOT NULL,
    error_message TEXT,
    created_at    TIMESTAMP DEFAULT NOW(),
    updated_at    TIMESTAMP DEFAULT NOW()
);

-- updated_at follows every change to a row.
CREATE OR REPLACE FUNCTION touch_updated_at() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := NOW();
    RETURN NEW;
END;
$$;

CREATE TRIGGER orders_touch_updated_at BEFORE UPDATE ON orders
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER payments_touch_updated_at BEFORE UPDATE ON payments
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- What livedash streams: logical replication (wal_level = logical) of every table through this
-- publication. livedash creates its replication slot itself on first start.
CREATE PUBLICATION drasi_pub FOR ALL TABLES;

-- Sample data: five customers, seven orders spread over the stages, one payment per order (the
-- newest order's still pending).
INSERT INTO customers (name, email) VALUES
    ('Alice Johnson',  'alice@example.com'),
    ('Bob Smith',      'bob@example.com'),
    ('Carol Williams', 'carol@example.com'),
    ('David Brown',    'david@example.com'),
    ('Eve Davis',      'eve@example.com');

INSERT INTO orders (customer_id, customer_name, status, total, created_at) VALUES
    (1, 'Alice Johnson',  'pending',    129.99, NOW() - INTERVAL '10 minutes'),
    (2, 'Bob Smith',      'processing', 249.99, NOW() - INTERVAL '30 minutes'),
    (3, 'Carol Williams', 'processing',  89.99, NOW() - INTERVAL '3 hours'),
    (4, 'David Brown',    'packing',    199.99, NOW() - INTERVAL '1 hour'),
    (5, 'Eve Davis',      'shipped',    159.99, NOW() - INTERVAL '2 hours'),
    (1, 'Alice Johnson',  'delivered',   79.99, NOW() - INTERVAL '1 day'),
    (2, 'Bob Smith',      'delivered',  299.99, NOW() - INTERVAL '2 days');

INSERT INTO payments (order_id, status, amount) VALUES
    (1, 'pending',   129.99),
    (2, 'completed', 249.99),
    (3, 'completed',  89.99),
    (4, 'completed', 199.99),
    (5, 'completed', 159.99),
    (6, 'completed',  79.99),
    (7, 'completed', 299.99);
