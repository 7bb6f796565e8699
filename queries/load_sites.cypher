// Sites a unit runs, and where they are.
UNWIND $rows AS r
MATCH (u:Unit {id: r.unit})
MERGE (s:Site {id: r.id})
SET s += r.props
MERGE (u)-[e:RUNS]->(s)
SET e.source = r.source, e.quote = r.quote
