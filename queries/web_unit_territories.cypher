// Web page of a unit: the territories it serves.
// example: {"id": "meuse:sst-stenay"}
MATCH (:Unit {id: $id})-[e:OPERATES_IN]->(t:Territory)
RETURN t.id AS id, t.name AS name, t.kind AS kind, e.source AS source, e.quote AS quote
ORDER BY t.name
