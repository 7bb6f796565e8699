// Neo4j Browser: the units serving a commune — units operating in the commune itself or in a
// territory containing it (canton, EPCI, département), and units running a site located there.
// Set the commune's INSEE code first, e.g.
//   :param commune => '55502'
// example: {"commune": "55502"}
MATCH served = (:Territory {id: $commune})-[:PART_OF*0..2]->(:Territory)<-[:OPERATES_IN]-(u:Unit)
RETURN nodes(served) AS nodes, relationships(served) AS links, u.name AS unit, 'territoire' AS how
UNION
MATCH site = (:Territory {id: $commune})<-[:LOCATED_IN]-(:Site)<-[:RUNS]-(u:Unit)
RETURN nodes(site) AS nodes, relationships(site) AS links, u.name AS unit, 'site' AS how
