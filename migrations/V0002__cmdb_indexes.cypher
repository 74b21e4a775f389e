CREATE INDEX ci_class IF NOT EXISTS FOR (c:CI) ON (c.class);
CREATE INDEX ci_status IF NOT EXISTS FOR (c:CI) ON (c.status);
CREATE INDEX ci_name IF NOT EXISTS FOR (c:CI) ON (c.name);
// Case-insensitive name search (CIFilter.nameContains) reads the lower-cased copy.
CREATE TEXT INDEX ci_name_lower IF NOT EXISTS FOR (c:CI) ON (c.nameLower);
CREATE INDEX organization_name IF NOT EXISTS FOR (o:Organization) ON (o.name);
CREATE INDEX group_name IF NOT EXISTS FOR (g:Group) ON (g.name);
CREATE INDEX person_name IF NOT EXISTS FOR (p:Person) ON (p.name);
CREATE INDEX audit_at IF NOT EXISTS FOR (a:AuditEntry) ON (a.at);
CREATE INDEX audit_entity IF NOT EXISTS FOR (a:AuditEntry) ON (a.entityId);
