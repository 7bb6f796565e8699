// Web page of a unit: the partners it works with.
// example: {"id": "meuse:sst-stenay"}
MATCH (:Unit {id: $id})-[e:PARTNERS_WITH]->(p:Partner)
RETURN p.id AS id, p.name AS name, p.kind AS kind, e.source AS source, e.quote AS quote
ORDER BY p.name
