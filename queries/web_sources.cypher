// Source documents, to name the document a quote comes from.
MATCH (s:Source)
RETURN s.id AS id, s.title AS title, s.file AS file
ORDER BY s.id
