// Neo4j Browser: the org chart of a direction (or any unit) — the unit, every unit below it (up to
// 6 levels) and the post heading each. Set the unit first, e.g.
//   :param unit => 'meuse:direction-prevention-accompagnement'
// example: {"unit": "meuse:direction-prevention-accompagnement"}
MATCH chart = (u:Unit)-[:REPORTS_TO*0..6]->(:Unit {id: $unit})
OPTIONAL MATCH (u)-[h:HEADED_BY]->(r:Role)
RETURN nodes(chart) AS units, relationships(chart) AS reports_to, h AS headed_by, r AS head,
       u.name AS unit, u.kind AS kind, length(chart) AS depth
ORDER BY depth, unit
