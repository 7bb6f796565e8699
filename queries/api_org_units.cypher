// Every unit of one organisation (the org chart is assembled from the parent ids).
// example: {"org": "haute-loire"}
MATCH (u:Unit)-[:BELONGS_TO]->(:Organisation {id: $org})
RETURN u AS unit
ORDER BY u.name, u.id
