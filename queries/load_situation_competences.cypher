// The competences that answer each situation.
UNWIND $rows AS r
MATCH (s:Situation {code: r.situation})
MATCH (c:Competence {code: r.competence})
MERGE (s)-[:CONCERNS]->(c)
