// The organisations, for the search form and the home page.
MATCH (o:Organisation)
OPTIONAL MATCH (o)-[:OPERATES_IN]->(t:Territory)
RETURN o.id AS id, o.name AS name, o.kind AS kind, o.aliases AS aliases, t.id AS territory_id, t.name AS territory
ORDER BY o.name
