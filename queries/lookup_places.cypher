// Lookup index: every place a question may name (communes, and the arrondissements of Paris, Lyon and
// Marseille resolving to their commune), with the memberships that decide who is competent there.
MATCH (t:Territory)
WHERE t.kind IN ['commune', 'arrondissement']
RETURN t.id AS id, t.name AS name, t.kind AS kind, t.departement AS departement, t.epci AS epci,
       t.canton AS canton, t.region AS region, t.dep_body AS dep_body, t.commune AS commune,
       t.postal_codes AS postal_codes, t.lat AS lat, t.lon AS lon, t.population AS population
ORDER BY id
