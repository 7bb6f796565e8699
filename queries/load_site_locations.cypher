// Site LOCATED_IN commune.
UNWIND $rows AS r
MATCH (s:Site {id: r.site})
MATCH (t:Territory {id: r.territory})
MERGE (s)-[:LOCATED_IN]->(t)
