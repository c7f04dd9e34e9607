MATCH (o:orders) RETURN o.id AS id
