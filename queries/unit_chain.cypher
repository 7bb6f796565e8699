// A unit's chain of command, nearest first, up to its top unit.
// example: {"id": "meuse:service-acces-aux-droits"}
MATCH path = (u:Unit {id: $id})-[:REPORTS_TO*1..12]->(p:Unit)
RETURN p.id AS id, p.name AS name, p.kind AS kind, length(path) AS distance
ORDER BY distance
