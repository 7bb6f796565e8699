// Organisations, where they operate and which documents describe them.
UNWIND $rows AS r
MERGE (o:Organisation {id: r.id})
SET o += r.props
WITH o, r
MATCH (t:Territory {id: r.territory})
MERGE (o)-[:OPERATES_IN]->(t)
WITH o, r
UNWIND r.sources AS sid
MATCH (s:Source {id: sid})
MERGE (o)-[:DESCRIBED_IN]->(s)
