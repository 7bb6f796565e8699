// Every passage quoted from one source document, with the unit it establishes (the /source/{id} page):
// the units' own quotes, their missions and the competences they handle.
// example: {"id": "003"}
MATCH (u:Unit)
WHERE u.source = $id AND u.quote IS NOT NULL
RETURN u.quote AS quote, u.id AS unit, u.name AS name
UNION
MATCH (u:Unit)-[:HAS_MISSION]->(m:Mission)
WHERE m.source = $id
RETURN m.text AS quote, u.id AS unit, u.name AS name
UNION
MATCH (u:Unit)-[h:HANDLES]->(:Competence)
WHERE h.source = $id AND h.quote IS NOT NULL
RETURN h.quote AS quote, u.id AS unit, u.name AS name
