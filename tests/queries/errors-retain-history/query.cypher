MATCH (o:orders)
RETURN o.status AS status,
       retainHistory() AS kept
