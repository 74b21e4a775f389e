// The audit log (docs/adr/0011): one (:AuditLog {id: 'main'}) node holds the log's size, frontier and root and is
// the lock appends serialize on; every AuditEntry carries a unique, gapless sequence (its Merkle leaf index) and its
// leaf hash; (:AuditTreeHead) nodes are the signed tree heads, one per tree size.
// Entries written before this migration get their sequence and leaf hash from the service at start
// (sealUnsequencedAuditEntries): SHA-256 is not a Cypher function, and the canonical bytes are the service's.
CREATE CONSTRAINT audit_log_id IF NOT EXISTS FOR (l:AuditLog) REQUIRE l.id IS UNIQUE;
CREATE CONSTRAINT audit_entry_sequence IF NOT EXISTS FOR (a:AuditEntry) REQUIRE a.sequence IS UNIQUE;
CREATE CONSTRAINT audit_tree_head_size IF NOT EXISTS FOR (h:AuditTreeHead) REQUIRE h.treeSize IS UNIQUE;
CREATE INDEX audit_actor IF NOT EXISTS FOR (a:AuditEntry) ON (a.actor);
CREATE INDEX audit_operation IF NOT EXISTS FOR (a:AuditEntry) ON (a.operation);
