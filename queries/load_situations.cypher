// Life situations and agents' jargon (data/situations.yaml): the words people use for a matter.
UNWIND $rows AS r
MERGE (s:Situation {code: r.code})
SET s += r.props
