// Removes probe values.
MATCH (p:Probe)
DETACH DELETE p
