/** CI history, point-in-time snapshots, baselines (create, verify) and diffs between moments. */
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db, Tx } from '../../shared/db';
import { BadUserInputError, NotFoundError } from '../../shared/errors';
import { write, type Actor } from '../../shared/write';
import {
  findRevisionHistory,
  parseInput,
  snapshotCIs,
  type SnapshotCI,
  type CIListFilter,
  type EntityRecord,
  type RegistryStore,
} from '../cmdb';
import type { AnalysisService } from '../analysis';
import * as repo from './history.repository';

export interface FieldChangeRecord {
  field: string;
  before: unknown;
  after: unknown;
}

export interface RevisionView {
  revision: number;
  validFrom: string;
  validTo: string | null;
  actor: string | null;
  operation: string | null;
  changeId: string | null;
  unauthorized: boolean;
  entity: EntityRecord;
  changes: FieldChangeRecord[];
}

export interface SnapshotCIView {
  id: string;
  class: string;
  name: string;
  status: string;
}

export interface DiffRecord {
  fromAt: string;
  toAt: string;
  addedCIs: SnapshotCIView[];
  removedCIs: SnapshotCIView[];
  changedCIs: Array<{ ci: SnapshotCIView; changes: FieldChangeRecord[] }>;
  addedRelationships: Array<{ type: string; from: SnapshotCIView; to: SnapshotCIView }>;
  removedRelationships: Array<{ type: string; from: SnapshotCIView; to: SnapshotCIView }>;
  counts: {
    addedCIs: number;
    removedCIs: number;
    changedCIs: number;
    addedRelationships: number;
    removedRelationships: number;
  };
}

export interface BaselineView extends Omit<repo.BaselineRow, 'scope'> {
  scope: Scope;
}

type Scope = { all: true } | { serviceId: string } | { filter: CIListFilter };

const scopeSchema = z
  .object({
    all: z.boolean().nullish(),
    serviceId: z.string().min(1).nullish(),
    filter: z
      .object({
        classes: z.array(z.string()).nullish(),
        statuses: z.array(z.string()).nullish(),
        nameContains: z.string().nullish(),
        attributes: z.record(z.string(), z.unknown()).nullish(),
        relatedTo: z.unknown().nullish(),
      })
      .nullish(),
  })
  .refine((s) => [s.all === true, !!s.serviceId, !!s.filter].filter(Boolean).length === 1, {
    message: 'give exactly one of all: true, serviceId, or filter',
  })
  .refine((s) => !s.filter?.relatedTo, {
    message: 'relatedTo is not supported in a baseline scope',
    path: ['filter', 'relatedTo'],
  });

const createSchema = z.object({ name: z.string().trim().min(1, 'must not be empty').max(200), scope: scopeSchema });
const sideSchema = z.object({
  baselineId: z.string().min(1).nullish(),
  at: z
    .string()
    .refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO-8601 date-time')
    .nullish(),
});

interface Snapshot {
  at: string;
  cis: Map<string, SnapshotCI>;
  /** Relationships with both ends in scope. */
  relationships: repo.SnapshotRelationship[];
  /** Ids of in-scope CIs with at least one relationship to any CI (in scope or not). */
  related: Set<string>;
}

export interface HealthRecord {
  ciCount: number;
  relationshipCount: number;
  missingRequired: Finding;
  isolated: Finding;
  stale: Finding;
  duplicates: Array<{ key: string; cis: SnapshotCIView[] }>;
  forbiddenRelationships: Array<{ type: string; from: SnapshotCIView; to: SnapshotCIView; reason: string }>;
  forbiddenRelationshipCount: number;
  /** CIs edited without a change record in implementation (ITIL: every CMDB change goes through change management). */
  unauthorizedChanges: Finding;
  drift: DiffRecord['counts'] | null;
}

interface Finding {
  count: number;
  cis: Array<{ ci: SnapshotCIView; detail: string }>;
}

/** lon-web01.csm.local, LON_WEB01 and lon-web-01 all become "lonweb01". */
export function duplicateKey(name: string): string {
  return name
    .toLowerCase()
    .split('.')[0]!
    .replace(/[^a-z0-9]/g, '');
}

function toScope(input: z.infer<typeof scopeSchema>): Scope {
  if (input.all) return { all: true };
  if (input.serviceId) return { serviceId: input.serviceId };
  const f = input.filter ?? {};
  const filter: CIListFilter = {};
  if (f.classes) filter.classes = f.classes;
  if (f.statuses) filter.statuses = f.statuses;
  if (f.nameContains) filter.nameContains = f.nameContains;
  if (f.attributes) filter.attributes = f.attributes;
  return { filter };
}

/** The fields of a snapshot CI that a diff compares, as `field → value`. */
function fieldsOf(ci: SnapshotCI): Map<string, unknown> {
  const fields = new Map<string, unknown>([
    ['name', ci.name],
    ['status', ci.status],
    ['version', ci.version ?? null],
  ]);
  for (const key of Object.keys(ci.props)
    .filter((k) => k.startsWith('a_'))
    .sort())
    fields.set(`attributes.${key.slice(2)}`, ci.props[key]);
  for (const entry of [...(ci.identifiers ?? [])].sort()) {
    const eq = entry.indexOf('=');
    fields.set(`identifiers.${entry.slice(0, eq)}`, entry.slice(eq + 1));
  }
  return fields;
}

function diffFields(before: Map<string, unknown>, after: Map<string, unknown>): FieldChangeRecord[] {
  const changes: FieldChangeRecord[] = [];
  for (const field of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const b = before.get(field) ?? null;
    const a = after.get(field) ?? null;
    if (JSON.stringify(b) !== JSON.stringify(a)) changes.push({ field, before: b, after: a });
  }
  return changes;
}

export function checksumOf(snapshot: Snapshot): string {
  const lines: string[] = [];
  for (const ci of snapshot.cis.values()) lines.push(`ci\t${ci.id}\t${ci.class}\t${JSON.stringify([...fieldsOf(ci)])}`);
  for (const r of snapshot.relationships) lines.push(`rel\t${r.type}\t${r.fromId}\t${r.toId}`);
  lines.sort();
  // The digest of the lines joined by newlines, fed line by line: a 1M-CI snapshot joined is longer than a V8 string
  // may be (measured: RangeError at 1,000,589 records), and the digest must stay what existing baselines recorded.
  const hash = createHash('sha256');
  lines.forEach((line, i) => hash.update(i ? `\n${line}` : line));
  return hash.digest('hex');
}

const view = (ci: SnapshotCI): SnapshotCIView => ({
  id: ci.id,
  class: ci.class,
  name: ci.name,
  status: ci.status,
});

export class HistoryService {
  constructor(
    private readonly db: Db,
    private readonly analysis: AnalysisService,
    private readonly registries: RegistryStore,
  ) {}

  /** Revisions of a CI written without a change record in implementation. */
  async unauthorizedChanges(id: string): Promise<RevisionView[]> {
    return (await this.ciHistory(id)).filter((r) => r.unauthorized);
  }

  async ciHistory(id: string): Promise<RevisionView[]> {
    const revisions = await this.db.readTx((tx) => findRevisionHistory(tx, id), { operation: 'ciHistory' });
    if (!revisions.length) throw new NotFoundError('CI', id);
    let previous = new Map<string, unknown>();
    return revisions.map((r) => {
      const fields = new Map<string, unknown>([
        ['name', r.entity.name],
        ['status', r.entity.status],
        ['version', r.entity.version],
        ...Object.entries(r.entity.attributes).map(([k, v]) => [`attributes.${k}`, v] as [string, unknown]),
        ...Object.entries(r.entity.identifiers).map(([k, v]) => [`identifiers.${k}`, v] as [string, unknown]),
      ]);
      const changes = diffFields(previous, fields);
      previous = fields;
      return {
        revision: r.entity.revision,
        validFrom: r.validFrom,
        validTo: r.validTo,
        actor: r.actor,
        operation: r.operation,
        changeId: r.changeId,
        unauthorized: r.unauthorized,
        entity: { ...r.entity, asOf: r.validFrom },
        changes,
      };
    });
  }

  private async snapshot(tx: Tx, at: string, scope: Scope): Promise<Snapshot> {
    let cis: SnapshotCI[];
    if ('all' in scope) cis = await snapshotCIs(tx, at);
    else if ('serviceId' in scope) {
      const deps = await this.analysis.dependencies(scope.serviceId, 25, at);
      cis = await snapshotCIs(tx, at, { ids: [scope.serviceId, ...deps.map((d) => d.ciId)] });
    } else cis = await snapshotCIs(tx, at, { filter: scope.filter });
    const byId = new Map(cis.map((c) => [c.id, c]));
    const all = await repo.snapshotRelationships(tx, at);
    const related = new Set<string>();
    for (const r of all) {
      if (byId.has(r.fromId)) related.add(r.fromId);
      if (byId.has(r.toId)) related.add(r.toId);
    }
    const relationships = all.filter((r) => byId.has(r.fromId) && byId.has(r.toId));
    return { at, cis: byId, relationships, related };
  }

  private toView(row: repo.BaselineRow): BaselineView {
    return { ...row, scope: JSON.parse(row.scope) as Scope };
  }

  async createBaseline(actor: Actor | null, raw: unknown): Promise<BaselineView> {
    const input = parseInput(createSchema, raw);
    const scope = toScope(input.scope);
    const row = await write(this.db, actor, { name: 'createBaseline', permission: 'cmdb.write' }, async (tx) => {
      const takenAt = await repo.now(tx);
      const snapshot = await this.snapshot(tx, takenAt, scope).catch((error: unknown) => {
        // An unknown service is the caller's input, not the dependencies query's.
        if (error instanceof BadUserInputError && 'serviceId' in scope)
          throw new BadUserInputError(`no CI has id ${scope.serviceId}`, 'input.scope.serviceId');
        throw error;
      });
      const baseline: repo.BaselineRow = {
        id: randomUUID(),
        name: input.name,
        takenAt,
        checksum: checksumOf(snapshot),
        ciCount: snapshot.cis.size,
        relationshipCount: snapshot.relationships.length,
        scope: JSON.stringify(scope),
        createdBy: tx.actor.id,
      };
      await repo.createBaseline(tx, baseline);
      tx.audit({ entityType: 'Baseline', entityId: baseline.id, action: 'create', after: { ...baseline, scope } });
      return baseline;
    });
    return this.toView(row);
  }

  async baselines(ids?: readonly string[]): Promise<BaselineView[]> {
    return (await this.db.readTx((tx) => repo.findBaselines(tx, ids), { operation: 'baselines' })).map((b) =>
      this.toView(b),
    );
  }

  private async requireBaseline(id: string, field: string): Promise<BaselineView> {
    const [baseline] = await this.baselines([id]);
    if (!baseline) throw new BadUserInputError(`no baseline has id ${id}`, field);
    return baseline;
  }

  async verify(id: string): Promise<{
    valid: boolean;
    baseline: BaselineView;
    actualChecksum: string;
    actualCiCount: number;
    actualRelationshipCount: number;
  }> {
    const baseline = await this.requireBaseline(id, 'id');
    const snapshot = await this.db.readTx((tx) => this.snapshot(tx, baseline.takenAt, baseline.scope), {
      operation: 'verifyBaseline',
    });
    const actualChecksum = checksumOf(snapshot);
    return {
      valid: actualChecksum === baseline.checksum,
      baseline,
      actualChecksum,
      actualCiCount: snapshot.cis.size,
      actualRelationshipCount: snapshot.relationships.length,
    };
  }

  async diff(rawFrom: unknown, rawTo: unknown): Promise<DiffRecord> {
    const from = parseInput(sideSchema, rawFrom, 'from');
    const to = parseInput(sideSchema, rawTo, 'to');
    const fromBaseline = from.baselineId ? await this.requireBaseline(from.baselineId, 'from.baselineId') : undefined;
    const toBaseline = to.baselineId ? await this.requireBaseline(to.baselineId, 'to.baselineId') : undefined;
    const scope: Scope = fromBaseline?.scope ?? toBaseline?.scope ?? { all: true };
    return this.db.readTx(
      async (tx) => {
        const clock = await repo.now(tx);
        const at = (side: typeof from, baseline?: BaselineView): string =>
          baseline?.takenAt ?? (side.at ? new Date(side.at).toISOString() : clock);
        const fromAt = at(from, fromBaseline);
        const toAt = at(to, toBaseline);
        // Everything, forwards in time: read only what changed in between, not two whole snapshots.
        if ('all' in scope && Date.parse(fromAt) <= Date.parse(toAt)) return this.incrementalDiff(tx, fromAt, toAt);
        const a = await this.snapshot(tx, fromAt, scope);
        const b = await this.snapshot(tx, toAt, scope);
        return compare(a.at, b.at, a.cis, b.cis, a.relationships, b.relationships);
      },
      { operation: 'baselineDiff' },
    );
  }

  async health(
    rawScope: unknown,
    staleDays: number | null | undefined,
    baselineId: string | null | undefined,
    sample: number | null | undefined,
  ): Promise<HealthRecord> {
    const scope = rawScope ? toScope(parseInput(scopeSchema, rawScope, 'scope')) : ({ all: true } as Scope);
    const days = parseInput(z.number().int().min(1).max(36500).nullish(), staleDays, 'staleDays') ?? 90;
    const limit = parseInput(z.number().int().min(0).max(10000).nullish(), sample, 'sample') ?? 100;
    const registry = await this.registries.current();
    const { snapshot, unauthorizedRows } = await this.db.readTx(
      async (tx) => ({
        snapshot: await this.snapshot(tx, await repo.now(tx), scope),
        unauthorizedRows: await repo.unauthorizedRevisions(tx),
      }),
      { operation: 'cmdbHealth' },
    );
    const finding = (items: Array<{ ci: SnapshotCI; detail: string }>): Finding => ({
      count: items.length,
      cis: items.slice(0, limit).map((i) => ({ ci: view(i.ci), detail: i.detail })),
    });
    const cis = [...snapshot.cis.values()].filter((c) => c.status !== 'RETIRED');
    const missing = cis.flatMap((ci) => {
      const absent = registry
        .attributesOf(ci.class)
        .filter((a) => a.required && ci.props[`a_${a.name}`] === undefined)
        .map((a) => a.name);
      return absent.length ? [{ ci, detail: `missing ${absent.join(', ')}` }] : [];
    });
    const isolated = cis
      .filter((ci) => !snapshot.related.has(ci.id))
      .map((ci) => ({ ci, detail: 'no relationship to any CI' }));
    const cutoff = Date.parse(snapshot.at) - days * 24 * 3600 * 1000;
    const stale = cis
      .filter((ci) => Date.parse(ci.props.updatedAt as string) < cutoff)
      .map((ci) => ({ ci, detail: `last updated ${ci.props.updatedAt as string}` }));
    const groups = new Map<string, SnapshotCI[]>();
    for (const ci of cis) groups.set(duplicateKey(ci.name), [...(groups.get(duplicateKey(ci.name)) ?? []), ci]);
    const duplicates = [...groups.entries()]
      .filter(([, g]) => g.length > 1)
      .map(([key, g]) => ({ key, cis: g.map(view) }));
    const forbidden = snapshot.relationships.flatMap((r) => {
      const from = snapshot.cis.get(r.fromId) as SnapshotCI;
      const to = snapshot.cis.get(r.toId) as SnapshotCI;
      const reason = registry.relationshipViolation(r.type, from.class, to.class);
      return reason ? [{ type: r.type, from: view(from), to: view(to), reason }] : [];
    });
    const unauthorizedByCI = new Map<string, repo.UnauthorizedRevisionRow[]>();
    for (const row of unauthorizedRows)
      if (snapshot.cis.has(row.id)) unauthorizedByCI.set(row.id, [...(unauthorizedByCI.get(row.id) ?? []), row]);
    const unauthorized = [...unauthorizedByCI.entries()].map(([id, rows]) => ({
      ci: snapshot.cis.get(id) as SnapshotCI,
      detail: `${rows.length} edit(s) without a change record, latest ${rows[0]?.operation ?? 'edit'} by ${rows[0]?.actor ?? 'unknown'} at ${rows[0]?.at ?? '?'}`,
    }));
    const drift = baselineId ? (await this.diff({ baselineId }, {})).counts : null;
    return {
      unauthorizedChanges: finding(unauthorized),
      ciCount: snapshot.cis.size,
      relationshipCount: snapshot.relationships.length,
      missingRequired: finding(missing),
      isolated: finding(isolated),
      stale: finding(stale),
      duplicates: duplicates.slice(0, limit),
      forbiddenRelationships: forbidden.slice(0, limit),
      forbiddenRelationshipCount: forbidden.length,
      drift,
    };
  }

  /** The whole-CMDB diff from `fromAt` to a later `toAt`, reading only revisions and relationships changed between. */
  private async incrementalDiff(tx: Tx, fromAt: string, toAt: string): Promise<DiffRecord> {
    const changedIds = await repo.ciIdsChangedBetween(tx, fromAt, toAt);
    const relChanges = await repo.relationshipsChangedBetween(tx, fromAt, toAt);
    const ids = [...new Set([...changedIds, ...relChanges.flatMap((r) => [r.fromId, r.toId])])];
    const before = new Map((await snapshotCIs(tx, fromAt, { ids })).map((c) => [c.id, c]));
    const after = new Map((await snapshotCIs(tx, toAt, { ids })).map((c) => [c.id, c]));
    // CIs touched only through a relationship are unchanged themselves: compare only the changed ones.
    const changed = new Set(changedIds);
    const only = (m: Map<string, SnapshotCI>) => new Map([...m].filter(([id]) => changed.has(id)));
    return compare(
      fromAt,
      toAt,
      only(before),
      only(after),
      relChanges.filter((r) => r.atFrom),
      relChanges.filter((r) => r.atTo),
      before,
      after,
    );
  }
}

/**
 * The differences between two sets of CIs and relationships. `lookupA` / `lookupB` resolve relationship ends that
 * are not among the compared CIs (incremental diffs compare only changed CIs).
 */
function compare(
  fromAt: string,
  toAt: string,
  aCis: Map<string, SnapshotCI>,
  bCis: Map<string, SnapshotCI>,
  aRels: repo.SnapshotRelationship[],
  bRels: repo.SnapshotRelationship[],
  lookupA: Map<string, SnapshotCI> = aCis,
  lookupB: Map<string, SnapshotCI> = bCis,
): DiffRecord {
  const addedCIs = [...bCis.values()].filter((c) => !aCis.has(c.id));
  const removedCIs = [...aCis.values()].filter((c) => !bCis.has(c.id));
  const changedCIs = [...bCis.values()]
    .filter((c) => aCis.has(c.id))
    .map((c) => ({ ci: view(c), changes: diffFields(fieldsOf(aCis.get(c.id) as SnapshotCI), fieldsOf(c)) }))
    .filter((c) => c.changes.length);
  const key = (r: repo.SnapshotRelationship): string => `${r.fromId}|${r.type}|${r.toId}`;
  const aKeys = new Set(aRels.map(key));
  const bKeys = new Set(bRels.map(key));
  const relView = (r: repo.SnapshotRelationship, cis: Map<string, SnapshotCI>) => ({
    type: r.type,
    from: view(cis.get(r.fromId) as SnapshotCI),
    to: view(cis.get(r.toId) as SnapshotCI),
  });
  const addedRelationships = bRels.filter((r) => !aKeys.has(key(r))).map((r) => relView(r, lookupB));
  const removedRelationships = aRels.filter((r) => !bKeys.has(key(r))).map((r) => relView(r, lookupA));
  return {
    fromAt,
    toAt,
    addedCIs: addedCIs.map(view),
    removedCIs: removedCIs.map(view),
    changedCIs,
    addedRelationships,
    removedRelationships,
    counts: {
      addedCIs: addedCIs.length,
      removedCIs: removedCIs.length,
      changedCIs: changedCIs.length,
      addedRelationships: addedRelationships.length,
      removedRelationships: removedRelationships.length,
    },
  };
}
