// Top units REPORTS_TO their organisation.
UNWIND $rows AS r
MATCH (u:Unit {id: r.id})
MATCH (o:Organisation {id: r.org})
MERGE (u)-[e:REPORTS_TO]->(o)
SET e.source = r.source, e.quote = r.quote
