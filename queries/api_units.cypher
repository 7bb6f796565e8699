// Units, optionally of one organisation and of one kind, in id order (pages are cut by the caller).
// example: {"org": "meuse", "kind": "direction"}
MATCH (u:Unit)-[:BELONGS_TO]->(o:Organisation)
WHERE ($org IS NULL OR o.id = $org) AND ($kind IS NULL OR u.kind = $kind)
RETURN u AS unit
ORDER BY u.id
