MATCH (o:orders)
WHERE o.status IN ['processing', 'packing']
  AND drasi.trueFor(o.status = o.status, duration({minutes: 1}))
RETURN o.id AS orderId, o.customer_name AS customerName, o.status AS status,
       drasi.changeDateTime(o) AS lastUpdate
