// Lookup index: which unit HANDLES which competence, with the quote that says so.
MATCH (u:Unit)-[e:HANDLES]->(c:Competence)
RETURN u.id AS unit, c.code AS code, e.source AS source, e.quote AS quote
ORDER BY unit, code
