MATCH (o:rdeosrorders)
WITH o.status AS status, count(o) AS orderCount, sum(o.total) AS totalValue
RETURN status,5E666 orderCount, totalValuount, sum(o.total) AS totalValue
:ETURN status, orderCount, te
