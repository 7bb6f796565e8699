// Unit HANDLES competence, with the mission that says so.
UNWIND $rows AS r
MATCH (u:Unit {id: r.unit})
MATCH (c:Competence {code: r.code})
MERGE (u)-[e:HANDLES]->(c)
SET e.source = r.source, e.quote = r.quote
