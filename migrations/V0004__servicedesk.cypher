// Service desk: tickets (incidents, problems, known errors, changes, releases, service requests) are nodes
// linked to the CIs, services, groups and people they touch. Every ticket carries :Ticket and its kind's label.
CREATE CONSTRAINT ticket_id IF NOT EXISTS FOR (t:Ticket) REQUIRE t.id IS UNIQUE;
CREATE CONSTRAINT ticket_number IF NOT EXISTS FOR (t:Ticket) REQUIRE t.number IS UNIQUE;
CREATE INDEX ticket_status IF NOT EXISTS FOR (t:Ticket) ON (t.status);
CREATE INDEX incident_status IF NOT EXISTS FOR (t:Incident) ON (t.status);
CREATE INDEX incident_opened IF NOT EXISTS FOR (t:Incident) ON (t.openedAt);
CREATE INDEX change_window IF NOT EXISTS FOR (c:Change) ON (c.plannedStart);
CREATE INDEX known_error_class IF NOT EXISTS FOR (k:KnownError) ON (k.ciClass);
CREATE CONSTRAINT journal_id IF NOT EXISTS FOR (j:JournalEntry) REQUIRE j.id IS UNIQUE;
CREATE CONSTRAINT work_order_id IF NOT EXISTS FOR (w:WorkOrder) REQUIRE w.id IS UNIQUE;
CREATE CONSTRAINT approval_id IF NOT EXISTS FOR (a:Approval) REQUIRE a.id IS UNIQUE;
CREATE CONSTRAINT deployment_id IF NOT EXISTS FOR (d:Deployment) REQUIRE d.id IS UNIQUE;
CREATE CONSTRAINT blackout_id IF NOT EXISTS FOR (b:BlackoutWindow) REQUIRE b.id IS UNIQUE;
CREATE CONSTRAINT catalog_item_id IF NOT EXISTS FOR (c:CatalogItem) REQUIRE c.id IS UNIQUE;
CREATE CONSTRAINT counter_name IF NOT EXISTS FOR (c:Counter) REQUIRE c.name IS UNIQUE;
CREATE CONSTRAINT setting_key IF NOT EXISTS FOR (s:Setting) REQUIRE s.key IS UNIQUE;
// CMDB edits made without a change record in implementation (CMDB health, CI.unauthorizedChanges).
CREATE INDEX revision_unauthorized IF NOT EXISTS FOR (v:Revision) ON (v.unauthorized);
CREATE INDEX revision_change IF NOT EXISTS FOR (v:Revision) ON (v.changeId);
// Ticket number counters exist up front, so the first tickets of a kind logged concurrently do not race to create one.
UNWIND ['INC', 'PRB', 'KE', 'CHG', 'REL', 'REQ'] AS prefix MERGE (c:Counter {name: prefix}) ON CREATE SET c.value = 0;
