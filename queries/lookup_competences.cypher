// Lookup index: the competence reference (wording, level, hint for out-of-scope topics).
MATCH (c:Competence)
RETURN c.code AS code, c.label AS label, c.acronyms AS acronyms, c.keywords AS keywords,
       c.phrases AS phrases, c.level AS level, c.also_levels AS also_levels, c.hint AS hint
ORDER BY code
