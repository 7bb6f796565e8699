// Source documents by id (batched).
// example: {"ids": ["003", "001"]}
UNWIND $ids AS id
MATCH (s:Source {id: id})
RETURN id, s AS source
