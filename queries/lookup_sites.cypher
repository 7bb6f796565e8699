// Lookup index: sites each unit runs and the commune they are in (null when unknown).
MATCH (u:Unit)-[e:RUNS]->(s:Site)
OPTIONAL MATCH (s)-[:LOCATED_IN]->(t:Territory)
RETURN u.id AS unit, s.id AS id, s.name AS name, s.kind AS kind, t.id AS territory,
       e.source AS source, e.quote AS quote
ORDER BY unit, id
