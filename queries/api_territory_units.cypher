// Units that cover each given territory (batched).
// example: {"ids": ["55", "92"]}
UNWIND $ids AS id
MATCH (u:Unit)-[:OPERATES_IN]->(:Territory {id: id})
RETURN id, u AS unit
ORDER BY id, u.id
