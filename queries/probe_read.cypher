// Reads probe values back.
MATCH (p:Probe)
WHERE p.id = $id
RETURN p.value AS value
