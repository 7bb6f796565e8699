// Every reference competence.
MATCH (c:Competence)
RETURN c AS competence
ORDER BY c.code
