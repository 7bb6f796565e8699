// Communes, optionally only those of one organisation's territory, in code order.
// example: {"org": "cacem"}
OPTIONAL MATCH (o:Organisation {id: $org})-[:OPERATES_IN]->(t:Territory)
WITH t
MATCH (c:Territory {kind: 'commune'})
WHERE $org IS NULL OR c = t OR (c)-[:PART_OF]->(t)
RETURN DISTINCT c AS territory
ORDER BY c.id
