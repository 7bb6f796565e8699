// Roles by id (batched), with the unit they head.
// example: {"ids": ["meuse:cabinet#head"]}
UNWIND $ids AS id
MATCH (u:Unit)-[:HEADED_BY]->(r:Role {id: id})
RETURN id, r AS role, u.id AS unit
