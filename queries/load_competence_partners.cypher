// Partners involved in a competence.
UNWIND $rows AS r
MATCH (c:Competence {code: r.code})
MATCH (p:Partner {id: r.partner})
MERGE (c)-[:INVOLVES]->(p)
