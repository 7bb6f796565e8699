// Competences by code (batched).
// example: {"ids": ["rsa", "nope"]}
UNWIND $ids AS id
MATCH (c:Competence {code: id})
RETURN id, c AS competence
