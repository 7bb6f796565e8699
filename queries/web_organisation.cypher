// Web page of an organisation.
// example: {"id": "meuse"}
MATCH (o:Organisation {id: $id})
OPTIONAL MATCH (o)-[:OPERATES_IN]->(t:Territory)
OPTIONAL MATCH (o)-[:DESCRIBED_IN]->(s:Source)
RETURN o.id AS id, o.name AS name, o.kind AS kind, o.aliases AS aliases, t.id AS territory_id, t.name AS territory,
       collect(DISTINCT {id: s.id, title: s.title}) AS sources
