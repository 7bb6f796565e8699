// Missions by id (batched), with their unit.
// example: {"ids": ["meuse:cabinet#m1", "meuse:cabinet#m2"]}
UNWIND $ids AS id
MATCH (u:Unit)-[:HAS_MISSION]->(m:Mission {id: id})
RETURN id, m AS mission, u.id AS unit
