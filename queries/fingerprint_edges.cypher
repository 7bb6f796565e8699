// Every relationship as (type, from id, to id), to fingerprint the graph.
MATCH (a)-[r]->(b)
RETURN type(r) AS type, a.id AS source, b.id AS target
ORDER BY type, source, target
