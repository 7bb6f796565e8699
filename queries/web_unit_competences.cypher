// Web page of a unit: the competences it handles, with the quote that says so.
// example: {"id": "meuse:sst-stenay"}
MATCH (:Unit {id: $id})-[e:HANDLES]->(c:Competence)
RETURN c.code AS code, c.label AS label, c.level AS level, e.source AS source, e.quote AS quote
ORDER BY c.label
