// Reference competences (and topics that belong to other levels).
UNWIND $rows AS r
MERGE (c:Competence {code: r.code})
SET c += r.props
