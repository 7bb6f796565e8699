// Neo4j Browser: a commune, its mairie, and the bodies it belongs to (EPCI, canton, département, the
// collectivité holding département competences there, région and its collectivité).
// example: {"commune": "55502"}
MATCH (c:Territory {id: $commune})
OPTIONAL MATCH m = (c)<-[:LOCATED_IN]-(:Site {kind: 'mairie'})
OPTIONAL MATCH up = (c)-[:PART_OF*1..3]->(:Territory)
RETURN c, m, up
