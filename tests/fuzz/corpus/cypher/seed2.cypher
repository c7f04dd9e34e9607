MATCH (p:payments)-[:FOR_ORDER]->(o:orders)
WHERE p.status IN ['pending', 'failed']
RETURN o.id AS orderId, o.customer_name AS customerName, p.status AS paymentStatus,
       p.amount AS amount, p.error_message AS errorMessage
