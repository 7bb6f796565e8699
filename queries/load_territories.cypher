// Régions, départements, EPCI, cantons and communes (INSEE codes; regions and cantons prefixed).
UNWIND $rows AS r
MERGE (t:Territory {id: r.id})
SET t += r.props
