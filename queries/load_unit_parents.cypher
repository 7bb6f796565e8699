// REPORTS_TO between units, with the quote that states the attachment.
UNWIND $rows AS r
MATCH (u:Unit {id: r.id})
MATCH (p:Unit {id: r.parent})
MERGE (u)-[e:REPORTS_TO]->(p)
SET e.source = r.source, e.quote = r.quote
