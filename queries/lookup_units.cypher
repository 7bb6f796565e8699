// Lookup index: every unit with its organisation and parent id (application ids only).
MATCH (u:Unit)-[:BELONGS_TO]->(o:Organisation)
RETURN u.id AS id, u.org AS org, u.name AS name, u.kind AS kind, u.aliases AS aliases, u.head AS head,
       u.parent AS parent, u.source AS source, u.quote AS quote, u.section AS section
ORDER BY id
