// Lookup index: the bodies a competence may fall to — collectivités holding département or regional
// competences, EPCI, départements and régions (with the collectivité governing each).
MATCH (t:Territory)
WHERE t.kind IN ['collectivite', 'epci', 'departement', 'region']
RETURN t.id AS id, t.code AS code, t.name AS name, t.kind AS kind, t.body_kind AS body_kind,
       t.levels AS levels, t.body AS body, t.epci_kind AS epci_kind, t.region AS region
ORDER BY id
