MATCH (o:orders)
WITH o.status AS status, count(o) AS orderCount, sum(o.total) AS totalValue
RETURN status, orderCount, totalValue
