// Web page of a unit: the chain of command from the unit up to its top unit (depth 0 = the unit).
// example: {"id": "meuse:sst-stenay"}
MATCH p = (:Unit {id: $id})-[:REPORTS_TO*0..12]->(a:Unit)
RETURN a.id AS id, a.name AS name, a.kind AS kind, length(p) AS depth
ORDER BY depth DESC
