// Sites by id (batched), with the unit running them and their commune.
// example: {"ids": ["meuse:musee-de-la-biere-stenay", "meuse:nope"]}
UNWIND $ids AS id
MATCH (s:Site {id: id})
OPTIONAL MATCH (u:Unit)-[:RUNS]->(s)
OPTIONAL MATCH (s)-[:LOCATED_IN]->(t:Territory)
RETURN id, s AS site, u.id AS unit, t.id AS territory
