// Web page of a unit: the sites it runs and the commune of each.
// example: {"id": "meuse:service-conservation-valorisation-patrimoine-musees"}
MATCH (:Unit {id: $id})-[e:RUNS]->(s:Site)
OPTIONAL MATCH (s)-[:LOCATED_IN]->(t:Territory)
RETURN s.id AS id, s.name AS name, s.kind AS kind, s.managed_by AS managed_by,
       t.id AS commune_id, t.name AS commune, e.source AS source, e.quote AS quote
ORDER BY s.name
