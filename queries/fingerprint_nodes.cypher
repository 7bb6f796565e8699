// Every node's label and id, to fingerprint the graph (durability and idempotency checks).
MATCH (n)
RETURN labels(n)[0] AS label, n.id AS id
ORDER BY label, id
