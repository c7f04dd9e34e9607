MATCH (o:orders)
RETURN o.id AS orderId, o.created_at AS createdAt
ORDER BY o.created_at DESC
LIMIT 2
