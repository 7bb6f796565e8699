// Lookup index: territories a unit operates in.
MATCH (u:Unit)-[e:OPERATES_IN]->(t:Territory)
RETURN u.id AS unit, t.id AS territory, t.kind AS kind, e.source AS source, e.quote AS quote
ORDER BY unit, territory
