// Lookup index: the situations with their words and the competences they concern.
MATCH (s:Situation)-[:CONCERNS]->(c:Competence)
WITH s, c ORDER BY c.code
RETURN s.code AS code, s.label AS label, s.audience AS audience, s.words AS words, s.phrases AS phrases,
       collect(c.code) AS competences
ORDER BY code
