// Org chart of an organisation: every unit with its parent (null for top units) and head.
// example: {"id": "meuse"}
MATCH (u:Unit)-[:BELONGS_TO]->(:Organisation {id: $id})
OPTIONAL MATCH (u)-[:HEADED_BY]->(r:Role)
RETURN u.id AS id, u.name AS name, u.kind AS kind, u.parent AS parent, r.title AS head
ORDER BY u.name
