// Partners each given unit works with (batched).
// example: {"ids": ["meuse:service-acces-aux-droits", "meuse:cabinet", "meuse:service-accompagnement-rsa", "meuse:nope"]}
UNWIND $ids AS id
MATCH (:Unit {id: id})-[e:PARTNERS_WITH]->(p:Partner)
RETURN id, p AS partner, e.source AS source, e.quote AS quote
ORDER BY id, p.id
