// Lookup index: organisations, their kind and the territory they cover.
MATCH (o:Organisation)
RETURN o.id AS id, o.name AS name, o.kind AS kind, o.aliases AS aliases, o.territory AS territory
ORDER BY id
