// Partners involved in each given competence (batched).
// example: {"ids": ["rsa", "colleges"]}
UNWIND $ids AS id
MATCH (:Competence {code: id})-[:INVOLVES]->(p:Partner)
RETURN id, p AS partner
ORDER BY id, p.id
