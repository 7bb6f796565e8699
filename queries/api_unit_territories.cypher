// Territories each given unit covers (batched).
// example: {"ids": ["meuse:service-acces-aux-droits", "meuse:cabinet", "meuse:service-accompagnement-rsa", "meuse:equipe-musee-de-la-biere", "meuse:service-territorial-ase-nord", "meuse:nope"]}
UNWIND $ids AS id
MATCH (:Unit {id: id})-[e:OPERATES_IN]->(t:Territory)
RETURN id, t AS territory, e.source AS source, e.quote AS quote
ORDER BY id, t.id
