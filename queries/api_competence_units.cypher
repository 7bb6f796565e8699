// Units handling each given competence, all organisations (batched).
// example: {"ids": ["rsa", "communication"]}
UNWIND $ids AS id
MATCH (u:Unit)-[e:HANDLES]->(:Competence {code: id})
RETURN id, u AS unit, e.source AS source, e.quote AS quote
ORDER BY id, u.org, u.name
