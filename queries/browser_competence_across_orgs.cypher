// Neo4j Browser: who handles a competence, across every organisation — the competence, the units
// that HANDLE it, their organisation and the quote that says so. Set the competence code first, e.g.
//   :param code => 'action_sociale'
// example: {"code": "action_sociale"}
MATCH (c:Competence {code: $code})<-[h:HANDLES]-(u:Unit)-[b:BELONGS_TO]->(o:Organisation)
RETURN c, h, u, b, o, o.name AS organisation, u.name AS unit, h.quote AS quote
ORDER BY organisation, unit
