// Which kind of node carries an application id (for node(id)); competences are found by code too.
// example: {"id": "meuse:cabinet"}
MATCH (n)
WHERE n.id = $id
RETURN labels(n)[0] AS label
