// Lookup index: partners each unit works with.
MATCH (u:Unit)-[e:PARTNERS_WITH]->(p:Partner)
RETURN u.id AS unit, p.id AS id, p.name AS name, p.aliases AS aliases, e.source AS source, e.quote AS quote
ORDER BY unit, id
