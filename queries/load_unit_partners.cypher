// Unit PARTNERS_WITH partner.
UNWIND $rows AS r
MATCH (u:Unit {id: r.unit})
MATCH (p:Partner {id: r.partner})
MERGE (u)-[e:PARTNERS_WITH]->(p)
SET e.source = r.source, e.quote = r.quote
