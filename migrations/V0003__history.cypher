// History: (:Revision) copies of an entity per change, valid from validFrom until validTo (null = current).
CREATE INDEX revision_id IF NOT EXISTS FOR (v:Revision) ON (v.id);
CREATE INDEX revision_valid_from IF NOT EXISTS FOR (v:Revision) ON (v.validFrom);
// Baselines: named, immutable, checksummed references to a moment and a scope.
CREATE CONSTRAINT baseline_id IF NOT EXISTS FOR (b:Baseline) REQUIRE b.id IS UNIQUE;
