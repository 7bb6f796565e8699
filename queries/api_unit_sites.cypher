// Sites each given unit runs (batched).
// example: {"ids": ["meuse:service-acces-aux-droits", "meuse:cabinet", "meuse:service-accompagnement-rsa", "meuse:equipe-musee-de-la-biere", "meuse:service-territorial-ase-nord", "meuse:nope"]}
UNWIND $ids AS id
MATCH (:Unit {id: id})-[:RUNS]->(s:Site)
RETURN id, s AS site
ORDER BY id, s.name
