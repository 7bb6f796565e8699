// Missions listed by the document, in document order.
UNWIND $rows AS r
MATCH (u:Unit {id: r.unit})
MERGE (m:Mission {id: r.id})
SET m.text = r.text, m.position = r.position, m.source = r.source, m.quote = r.text
MERGE (u)-[:HAS_MISSION]->(m)
