// Web page of a unit: its missions, in document order.
// example: {"id": "meuse:sst-stenay"}
MATCH (:Unit {id: $id})-[:HAS_MISSION]->(m:Mission)
RETURN m.id AS id, m.text AS text, m.position AS position, m.source AS source
ORDER BY m.position
