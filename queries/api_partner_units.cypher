// Units working with each given partner (batched).
// example: {"ids": ["france-travail", "etat"]}
UNWIND $ids AS id
MATCH (u:Unit)-[e:PARTNERS_WITH]->(:Partner {id: id})
RETURN id, u AS unit
ORDER BY id, u.id
