// Stores a probe value and reads it back (store round-trip tests).
MERGE (p:Probe {id: $id})
SET p.value = $value
RETURN p.value AS value
