// Partners.
UNWIND $rows AS r
MERGE (p:Partner {id: r.id})
SET p += r.props
