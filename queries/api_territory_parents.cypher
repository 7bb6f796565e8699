// Territories each given territory is part of (batched).
// example: {"ids": ["55029", "55"]}
UNWIND $ids AS id
MATCH (:Territory {id: id})-[:PART_OF]->(p:Territory)
RETURN id, p AS territory
ORDER BY id, p.id
