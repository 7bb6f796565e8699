// Units with their organisation.
UNWIND $rows AS r
MATCH (o:Organisation {id: r.org})
MERGE (u:Unit {id: r.id})
SET u += r.props
MERGE (u)-[:BELONGS_TO]->(o)
