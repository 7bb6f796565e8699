// Unit OPERATES_IN territory, where the document says so.
UNWIND $rows AS r
MATCH (u:Unit {id: r.unit})
MATCH (t:Territory {id: r.territory})
MERGE (u)-[e:OPERATES_IN]->(t)
SET e.source = r.source, e.quote = r.quote
