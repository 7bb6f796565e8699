// Competences each given partner is involved in (batched).
// example: {"ids": ["caf", "france-travail"]}
UNWIND $ids AS id
MATCH (c:Competence)-[:INVOLVES]->(:Partner {id: id})
RETURN id, c AS competence
ORDER BY id, c.code
