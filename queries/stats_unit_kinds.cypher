// Unit counts by kind per organisation.
MATCH (u:Unit)-[:BELONGS_TO]->(o:Organisation)
RETURN o.id AS organisation, u.kind AS kind, count(*) AS count
ORDER BY organisation, kind
