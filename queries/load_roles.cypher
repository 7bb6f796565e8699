// The post heading each unit.
UNWIND $rows AS r
MATCH (u:Unit {id: r.unit})
MERGE (x:Role {id: r.id})
SET x.title = r.title, x.source = r.source, x.quote = r.quote
MERGE (u)-[:HEADED_BY]->(x)
