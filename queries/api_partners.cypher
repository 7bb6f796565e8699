// Every partner.
MATCH (p:Partner)
RETURN p AS partner
ORDER BY p.id
