// Units reporting directly to each given unit (batched).
// example: {"ids": ["meuse:service-acces-aux-droits", "meuse:cabinet", "meuse:service-accompagnement-rsa", "meuse:nope"]}
UNWIND $ids AS id
MATCH (c:Unit)-[:REPORTS_TO]->(:Unit {id: id})
RETURN id, c AS unit
ORDER BY id, c.name, c.id
