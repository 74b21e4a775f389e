// History keeps superseded states only: a record's current state, and who wrote it, live on the record itself
// (an update copies the state it replaces into a (:Revision) valid until then). Indexes for the history reads of
// live records: CIs written in an interval (baseline diffs), edits without a change record (CMDB health) and records
// written under a change. The last two properties are stored only when set, so a bulk import indexes none of them.
CREATE INDEX ci_updated_at IF NOT EXISTS FOR (c:CI) ON (c.updatedAt);
CREATE INDEX entity_unauthorized IF NOT EXISTS FOR (n:Entity) ON (n.unauthorized);
CREATE INDEX entity_change IF NOT EXISTS FOR (n:Entity) ON (n.changeId);
// Existing databases: move each current revision's writer onto its record, then drop the copy.
MATCH (v:Revision) WHERE v.validTo IS NULL
MATCH (n:Entity {id: v.id})
SET n.actor = v.actor, n.operation = v.operation, n.changeId = v.changeId, n.unauthorized = v.unauthorized
DELETE v;
