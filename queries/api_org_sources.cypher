// Documents describing each organisation, batched by organisation id.
// example: {"ids": ["meuse", "cacem"]}
UNWIND $ids AS id
MATCH (:Organisation {id: id})-[:DESCRIBED_IN]->(s:Source)
RETURN id, s AS source
ORDER BY id, s.id
