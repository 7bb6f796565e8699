// Which data version the graph holds.
UNWIND $rows AS r
MERGE (m:Meta {id: 'meta'})
SET m += r.props
