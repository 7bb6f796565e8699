// Export: every node with its (single) label and all its properties.
MATCH (n)
RETURN labels(n)[0] AS label, properties(n) AS props
ORDER BY label, n.id
