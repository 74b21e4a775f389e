// Every CI, organization, group and person is an :Entity with a unique id (CIs also carry :CI and their class
// label; organizations, groups and people carry :Party and theirs). Lookups by id use (n:Entity {id: $id}).
CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;
// A CI's (or party's) identifiers are unique within its class: key = "<Class>/<identifier>=<value>".
// Identification during import, and concurrent imports of the same items, rely on this constraint.
CREATE CONSTRAINT identifier_key IF NOT EXISTS FOR (i:Identifier) REQUIRE i.key IS UNIQUE;
// Custom CI classes defined at run time.
CREATE CONSTRAINT ci_class_def_name IF NOT EXISTS FOR (d:CIClassDef) REQUIRE d.name IS UNIQUE;
CREATE CONSTRAINT audit_entry_id IF NOT EXISTS FOR (a:AuditEntry) REQUIRE a.id IS UNIQUE;
