// Web page of a unit: the unit, its organisation and the post heading it.
// example: {"id": "meuse:sst-stenay"}
MATCH (u:Unit {id: $id})-[:BELONGS_TO]->(o:Organisation)
OPTIONAL MATCH (u)-[:HEADED_BY]->(r:Role)
RETURN u.id AS id, u.name AS name, u.kind AS kind, u.aliases AS aliases, u.parent AS parent,
       u.source AS source, u.quote AS quote, u.note AS note,
       o.id AS org_id, o.name AS org_name, r.title AS head
