// Territories by id (batched; regions and cantons carry a prefix, the rest INSEE/SIREN codes).
// example: {"ids": ["55", "55029", "region-44"]}
UNWIND $ids AS id
MATCH (t:Territory {id: id})
RETURN id, t AS territory
