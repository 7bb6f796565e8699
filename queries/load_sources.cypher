// Source documents.
UNWIND $rows AS r
MERGE (s:Source {id: r.id})
SET s.file = r.file, s.title = r.title
