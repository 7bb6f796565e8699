// Territorial nesting: commune PART_OF canton / EPCI / département, département PART_OF région.
UNWIND $rows AS r
MATCH (a:Territory {id: r.from})
MATCH (b:Territory {id: r.to})
MERGE (a)-[:PART_OF]->(b)
