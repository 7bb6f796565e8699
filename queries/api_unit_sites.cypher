// Sites each given unit runs (batched), with the commune each is in and the quote saying the unit runs it.
// example: {"ids": ["meuse:service-acces-aux-droits", "meuse:cabinet", "meuse:service-accompagnement-rsa", "meuse:equipe-musee-de-la-biere", "meuse:service-territorial-ase-nord", "meuse:nope"]}
UNWIND $ids AS id
MATCH (:Unit {id: id})-[e:RUNS]->(s:Site)
OPTIONAL MATCH (s)-[:LOCATED_IN]->(t:Territory)
RETURN id, s AS site, t.id AS commune_id, t.name AS commune, e.source AS source, e.quote AS quote
ORDER BY id, s.name
