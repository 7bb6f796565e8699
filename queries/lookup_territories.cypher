// Lookup index: territories other than communes (cantons, EPCI, départements, régions, collectivités) and
// what they are part of; communes and arrondissements come with their memberships from lookup_places.
MATCH (t:Territory)
WHERE NOT t.kind IN ['commune', 'arrondissement']
OPTIONAL MATCH (t)-[:PART_OF]->(p:Territory)
RETURN t.id AS id, t.name AS name, t.kind AS kind, t.code AS code, t.population AS population,
       collect(p.id) AS parents
ORDER BY id
