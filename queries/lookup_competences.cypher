// Lookup index: the competence reference (wording, level, hint for out-of-scope topics, who is competent
// elsewhere: competent_body, link, exceptions as JSON text).
MATCH (c:Competence)
RETURN c.code AS code, c.label AS label, c.acronyms AS acronyms, c.keywords AS keywords,
       c.phrases AS phrases, c.level AS level, c.also_levels AS also_levels, c.internal AS internal, c.hint AS hint,
       c.competent_body AS competent_body, c.link AS link, c.exceptions AS exceptions, c.legal_basis AS legal_basis
ORDER BY code
