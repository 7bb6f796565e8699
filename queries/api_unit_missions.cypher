// Missions of each given unit, in document order (batched).
// example: {"ids": ["meuse:service-acces-aux-droits", "meuse:cabinet", "meuse:service-accompagnement-rsa", "meuse:nope"]}
UNWIND $ids AS id
MATCH (:Unit {id: id})-[:HAS_MISSION]->(m:Mission)
RETURN id, m AS mission
ORDER BY id, m.position
