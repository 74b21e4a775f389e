/** Domain records the CMDB module hands to resolvers (GraphQL types map onto these). */
import type { CIStatus, ClassKind } from './registry';

/** A CI or a party (organization, group, person) as stored. */
export interface EntityRecord {
  id: string;
  kind: ClassKind;
  class: string;
  name: string;
  /** CIs only; parties have none. */
  status: CIStatus | null;
  version: string | null;
  attributes: Record<string, unknown>;
  identifiers: Record<string, string>;
  /** Attribute name → the import source that last set it (precedence). */
  attributeSources: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  revision: number;
  /** Set when the record shows the CI as it stood at that moment (its relationships are read as of then too). */
  asOf?: string;
}

/** A relationship seen from one end (`selfId`). */
export interface RelationshipView {
  type: string;
  selfId: string;
  fromId: string;
  toId: string;
  attributes: Record<string, unknown>;
  createdAt: string;
  /** As-of reads: the ends resolve as they stood then. */
  asOf?: string;
  /** The other end's record, when the reader already loaded it (answers `ci`, `from` or `to` without a loader). */
  other?: EntityRecord;
}

/** A relationship seen from one end, with the other end's record (full, or a summary: see `summaryEntity`). */
export interface RelationshipRow extends RelationshipView {
  other: EntityRecord;
}

/** Filters of a CI list; every value travels to Cypher as a parameter. */
export interface CIListFilter {
  classes?: string[];
  statuses?: string[];
  nameContains?: string;
  attributes?: Record<string, unknown>;
  relatedTo?: { ciId: string; types?: string[]; direction: 'OUTGOING' | 'INCOMING' | 'BOTH' };
}

/** A keyset page of CIs ordered by (name, id). */
export interface PageRequest {
  limit: number;
  after?: { name: string; id: string };
}

export interface CIConnectionRecord {
  nodes: EntityRecord[];
  cursors: string[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  /** Re-runs the filter as a count, only when a client asks for totalCount. */
  count: () => Promise<number>;
}
