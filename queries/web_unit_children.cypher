// Web page of a unit: the units reporting to it.
// example: {"id": "meuse:sst-stenay"}
MATCH (c:Unit)-[:REPORTS_TO]->(:Unit {id: $id})
OPTIONAL MATCH (c)-[:HEADED_BY]->(r:Role)
RETURN c.id AS id, c.name AS name, c.kind AS kind, r.title AS head
ORDER BY c.name
