// Empties the graph before a full load (Neo4j: inside the load's transaction).
MATCH (n) DETACH DELETE n
