// Competences each given unit handles, with the quote that says so (batched).
// example: {"ids": ["meuse:service-acces-aux-droits", "meuse:cabinet", "meuse:service-accompagnement-rsa", "meuse:nope"]}
UNWIND $ids AS id
MATCH (:Unit {id: id})-[e:HANDLES]->(c:Competence)
RETURN id, c AS competence, e.source AS source, e.quote AS quote
ORDER BY id, c.code
