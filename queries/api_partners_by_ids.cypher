// Partners by id (batched).
// example: {"ids": ["caf", "nope"]}
UNWIND $ids AS id
MATCH (p:Partner {id: id})
RETURN id, p AS partner
