// Every unit above each given unit, nearest first (batched).
// example: {"ids": ["meuse:service-acces-aux-droits", "meuse:cabinet", "meuse:service-accompagnement-rsa", "meuse:nope"]}
UNWIND $ids AS id
MATCH p = (:Unit {id: id})-[:REPORTS_TO*1..30]->(a:Unit)
RETURN id, a AS unit, length(p) AS distance
ORDER BY id, distance
