// Lookup index: mission texts of each unit, in document order.
MATCH (u:Unit)-[:HAS_MISSION]->(m:Mission)
RETURN u.id AS unit, m.text AS text, m.position AS position, m.source AS source
ORDER BY unit, position
