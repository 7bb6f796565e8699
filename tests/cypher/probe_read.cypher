// Reads probe values back.
// example: {"id": "hostile"}
MATCH (p:Probe)
WHERE p.id = $id
RETURN p.value AS value
