// FalkorDB: range indexes on application ids (FalkorDB has no Neo4j constraint syntax).
CREATE INDEX FOR (n:Organisation) ON (n.id);
CREATE INDEX FOR (n:Unit) ON (n.id);
CREATE INDEX FOR (n:Unit) ON (n.kind);
CREATE INDEX FOR (n:Role) ON (n.id);
CREATE INDEX FOR (n:Mission) ON (n.id);
CREATE INDEX FOR (n:Competence) ON (n.code);
CREATE INDEX FOR (n:Situation) ON (n.code);
CREATE INDEX FOR (n:Territory) ON (n.id);
CREATE INDEX FOR (n:Territory) ON (n.kind);
CREATE INDEX FOR (n:Partner) ON (n.id);
CREATE INDEX FOR (n:Site) ON (n.id);
CREATE INDEX FOR (n:Source) ON (n.id);
CREATE INDEX FOR (n:Meta) ON (n.id)
