// Lookup index: territories (communes, cantons, EPCI, départements, régions) and what they are part of.
MATCH (t:Territory)
OPTIONAL MATCH (t)-[:PART_OF]->(p:Territory)
RETURN t.id AS id, t.name AS name, t.kind AS kind, t.code AS code, t.population AS population,
       collect(p.id) AS parents
ORDER BY id
