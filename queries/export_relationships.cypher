// Export: every relationship with the label and application id of both ends, and its properties.
MATCH (a)-[r]->(b)
RETURN type(r) AS type, labels(a)[0] AS from_label, a.id AS from_id, labels(b)[0] AS to_label, b.id AS to_id,
       properties(r) AS props
ORDER BY type, from_id, to_id
