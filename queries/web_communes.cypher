// Commune suggestions: communes whose name starts with $prefix (case-insensitive), with the
// organisations serving their département or EPCI; $org = '' for all, else only that organisation's.
// example: {"prefix": "Ste", "org": "", "limit": 30}
MATCH (t:Territory {kind: 'commune'})
WHERE toLower(t.name) STARTS WITH toLower($prefix)
OPTIONAL MATCH (t)-[:PART_OF]->(:Territory)<-[:OPERATES_IN]-(o:Organisation)
WITH t, collect(o.id) AS orgs
WHERE $org = '' OR $org IN orgs
RETURN t.id AS id, t.name AS name, t.departement AS departement, orgs
ORDER BY name, id
LIMIT $limit
