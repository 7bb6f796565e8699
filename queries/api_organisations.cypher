// Every organisation with the territory it operates in.
MATCH (o:Organisation)
OPTIONAL MATCH (o)-[:OPERATES_IN]->(t:Territory)
RETURN o AS organisation, t.id AS territory
ORDER BY o.id
