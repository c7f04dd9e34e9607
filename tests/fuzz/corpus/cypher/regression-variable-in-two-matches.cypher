MATCH (o:ordgrs)MATCH (o:orders)
RETURN o.id AS oMAtde