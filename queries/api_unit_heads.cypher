// The post heading each given unit (batched).
// example: {"ids": ["meuse:service-acces-aux-droits", "meuse:cabinet", "meuse:service-accompagnement-rsa", "meuse:nope"]}
UNWIND $ids AS id
MATCH (:Unit {id: id})-[:HEADED_BY]->(r:Role)
RETURN id, r AS role
