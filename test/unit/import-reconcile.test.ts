import { relationKey, type RecordRef, type RelationRow } from '../../src/modules/cmdb/cmdb.rows';
import type { EntityRecord } from '../../src/modules/cmdb/cmdb.types';
import {
  identifyItems,
  planItems,
  relationLookups,
  relationsToCheck,
  relationWrites,
  resolveRelations,
  sourceRank,
  updateFor,
  type ReconcileContext,
} from '../../src/modules/cmdb/import.reconcile';
import {
  itemPreparer,
  relationPreparer,
  type ImportRejection,
  type PreparedItem,
  type PreparedRelation,
} from '../../src/modules/cmdb/import.validation';
import { Registry } from '../../src/modules/cmdb/registry';

const registry = new Registry();
const PRECEDENCE = ['manual', 'discovery', 'import'];
const ctx = (source: string): ReconcileContext => ({ registry, source, precedence: PRECEDENCE });

/** Items through validation, as the runner prepares them; fails the test on a rejection. */
function items(...raw: unknown[]): PreparedItem[] {
  const rejected: ImportRejection[] = [];
  const out = itemPreparer(registry, raw, (r) => rejected.push(r)).slice(0, raw.length);
  expect(rejected).toEqual([]);
  return out;
}

function relations(...raw: unknown[]): PreparedRelation[] {
  const rejected: ImportRejection[] = [];
  const out = relationPreparer(registry, raw, (r) => rejected.push(r)).slice(0, raw.length);
  expect(rejected).toEqual([]);
  return out;
}

function server(id: string, over: Partial<EntityRecord> = {}): EntityRecord {
  return {
    id,
    kind: 'ci',
    class: 'Server',
    name: 'lon-sql01',
    status: 'LIVE',
    version: null,
    attributes: { hostname: 'lon-sql01', cpuCores: 8 },
    identifiers: { name: 'lon-sql01', hostname: 'lon-sql01' },
    attributeSources: { hostname: 'discovery', cpuCores: 'discovery' },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    revision: 1,
    ...over,
  };
}

let ids = 0;
const newId = (): string => `new-${++ids}`;

/** identify + plan for one batch against a graph holding `records` (their identifiers own their keys). */
function plan(source: string, batch: PreparedItem[], records: EntityRecord[], claims = new Map<string, number>()) {
  const owners = new Map<string, string>();
  for (const r of records)
    for (const [name, value] of Object.entries(r.identifiers)) owners.set(key(r.class, name, value), r.id);
  const identified = identifyItems(batch, owners);
  const existing = new Map(records.filter((r) => identified.matchedIds.includes(r.id)).map((r) => [r.id, r]));
  return planItems(ctx(source), identified, existing, claims, newId);
}

const key = (cls: string, name: string, value: string): string => `${cls}/${name}=${value.toLowerCase()}`;

describe('source precedence', () => {
  it('ranks configured sources in order and unknown ones below them all', () => {
    expect(sourceRank(PRECEDENCE, 'manual')).toBe(0);
    expect(sourceRank(PRECEDENCE, 'import')).toBe(2);
    expect(sourceRank(PRECEDENCE, 'spreadsheet')).toBe(3);
    expect(sourceRank(PRECEDENCE, undefined)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('keeps, per attribute, a value set by a stronger source and takes the rest', () => {
    const current = server('s1', {
      attributes: { hostname: 'lon-sql01', cpuCores: 8, os: 'linux' },
      attributeSources: { hostname: 'discovery', cpuCores: 'manual', os: 'import' },
    });
    const [item] = items({
      class: 'Server',
      name: 'lon-sql01',
      attributes: { hostname: 'lon-sql01', cpuCores: 16, os: 'windows', rack: 'R1' },
    });
    const update = updateFor(ctx('discovery'), item as PreparedItem, current);
    // cpuCores was set by manual (stronger): kept; os by import (weaker) and rack (unset): taken.
    expect(update?.set).toEqual({ a_os: 'windows', a_rack: 'R1' });
    expect(JSON.parse(update?.attrSources ?? '{}')).toEqual({
      hostname: 'discovery',
      cpuCores: 'manual',
      os: 'discovery',
      rack: 'discovery',
    });
  });

  it('lets a source overwrite its own values and those of equal rank', () => {
    const [item] = items({ class: 'Server', name: 'lon-sql01', attributes: { cpuCores: 16 } });
    expect(updateFor(ctx('discovery'), item as PreparedItem, server('s1'))?.set).toEqual({ a_cpuCores: 16 });
  });

  it('clears an attribute given as null unless a stronger source set it', () => {
    const [item] = items({ class: 'Server', name: 'lon-sql01', attributes: { cpuCores: null } });
    const byWeaker = server('s1', { attributeSources: { hostname: 'discovery', cpuCores: 'manual' } });
    expect(updateFor(ctx('import'), item as PreparedItem, byWeaker)).toBeUndefined();
    const update = updateFor(ctx('manual'), item as PreparedItem, server('s1'));
    expect(update?.set).toEqual({ a_cpuCores: null });
    expect(JSON.parse(update?.attrSources ?? '{}')).toEqual({ hostname: 'discovery' });
  });

  it('an unconfigured source never overrides a configured one', () => {
    const [item] = items({ class: 'Server', name: 'lon-sql01', attributes: { cpuCores: 4 } });
    expect(updateFor(ctx('spreadsheet'), item as PreparedItem, server('s1'))).toBeUndefined();
  });
});

describe('unchanged detection', () => {
  it('an item equal to its record is unchanged: no update row', () => {
    const [item] = items({ class: 'Server', name: 'lon-sql01', status: 'live', attributes: { cpuCores: 8 } });
    const result = plan('discovery', [item as PreparedItem], [server('s1')]);
    expect(result).toMatchObject({ creates: [], updates: [], unchanged: 1, rejected: [] });
    expect(result.known.get(key('Server', 'name', 'lon-sql01'))).toEqual({
      id: 's1',
      class: 'Server',
      status: 'LIVE',
    });
  });

  it('a new name, status, version or identifier is a change', () => {
    const changes: Array<[Record<string, unknown>, Record<string, unknown>]> = [
      [{ status: 'retired' }, { status: 'RETIRED' }],
      [{ version: '2.0' }, { version: '2.0' }],
      [
        { name: 'LON-SQL01', identifiers: { hostname: 'lon-sql01' } },
        { name: 'LON-SQL01', nameLower: 'lon-sql01' },
      ],
    ];
    for (const [given, set] of changes) {
      const [item] = items({ class: 'Server', name: 'lon-sql01', ...given });
      expect(updateFor(ctx('discovery'), item as PreparedItem, server('s1'))?.set).toEqual(set);
    }
    const [withSerial] = items({ class: 'Server', name: 'lon-sql01', identifiers: { serialNumber: 'SN-9' } });
    const update = updateFor(ctx('discovery'), withSerial as PreparedItem, server('s1'));
    expect(update?.set).toEqual({});
    expect(update?.addIdentifiers).toEqual([
      { key: key('Server', 'serialNumber', 'SN-9'), name: 'serialNumber', value: 'SN-9' },
    ]);
    expect(update?.removeIdentifierKeys).toEqual([]);
  });

  it('a renamed record loses its old name identifier', () => {
    const [item] = items({ class: 'Server', name: 'lon-sql02', identifiers: { hostname: 'lon-sql01' } });
    const update = updateFor(ctx('discovery'), item as PreparedItem, server('s1'));
    expect(update?.removeIdentifierKeys).toEqual([key('Server', 'name', 'lon-sql01')]);
  });

  it('a merged value outside the class schema rejects the item, naming it', () => {
    const [item] = items({ class: 'Server', name: 'lon-sql01' });
    const bad = server('s1', { attributes: { hostname: 'lon-sql01', cpuCores: 0 } });
    const result = plan('discovery', [item as PreparedItem], [bad]);
    expect(result.updates).toEqual([]);
    expect(result.rejected).toEqual([
      expect.objectContaining({ kind: 'ITEM', index: 0, field: 'items[0].attributes.cpuCores' }),
    ]);
  });
});

describe('identification and claims', () => {
  it('creates an item that matches nothing, with its attributes sourced from this import', () => {
    const [item] = items({ class: 'Server', name: 'lon-web01', attributes: { hostname: 'lon-web01', cpuCores: 2 } });
    const result = plan('discovery', [item as PreparedItem], []);
    expect(result.creates).toHaveLength(1);
    const create = result.creates[0];
    expect(create).toMatchObject({ kind: 'ci', class: 'Server', name: 'lon-web01', status: 'LIVE', version: null });
    expect(create?.props).toEqual({ a_hostname: 'lon-web01', a_cpuCores: 2 });
    expect(JSON.parse(create?.attrSources ?? '')).toEqual({ hostname: 'discovery', cpuCores: 'discovery' });
    expect(result.fresh).toEqual(new Set([create?.id]));
  });

  it('rejects an item whose identifiers match two different records', () => {
    const a = server('s1');
    const b = server('s2', { name: 'other', identifiers: { name: 'other', serialNumber: 'SN-1' } });
    const [item] = items({ class: 'Server', name: 'lon-sql01', identifiers: { serialNumber: 'SN-1' } });
    const result = plan('discovery', [item as PreparedItem], [a, b]);
    expect(result).toMatchObject({ creates: [], updates: [], unchanged: 0 });
    expect(result.rejected).toEqual([
      {
        kind: 'ITEM',
        index: 0,
        reason:
          'items[0]: matches 2 different records (name=lon-sql01 → s1; serialNumber=sn-1 → s2); resolve the duplicate first',
        field: 'items[0].identifiers',
      },
    ]);
  });

  it('refuses a second item of the run claiming the same record through other identifiers', () => {
    const current = server('s1', { identifiers: { name: 'lon-sql01', hostname: 'lon-sql01', serialNumber: 'SN-1' } });
    const claims = new Map<string, number>();
    const [first] = items({ class: 'Server', name: 'lon-sql01' });
    expect(plan('discovery', [first as PreparedItem], [current], claims).rejected).toEqual([]);
    // A later batch: a different item (index 5) reaching s1 by its serial number.
    const second = {
      ...(items({ class: 'Server', name: 'x', identifiers: { serialNumber: 'SN-1' } })[0] as PreparedItem),
      index: 5,
    };
    const result = plan('discovery', [second], [current], claims);
    expect(result.updates).toEqual([]);
    expect(result.rejected).toEqual([
      {
        kind: 'ITEM',
        index: 5,
        reason: 'items[5]: matches the same record (s1) as items[0]; merge them into one item',
        field: 'items[5].identifiers',
      },
    ]);
  });

  it('refuses a new item reaching an identifier an earlier item renamed away', () => {
    const claims = new Map<string, number>();
    const [renaming] = items({ class: 'Server', name: 'lon-sql02', identifiers: { hostname: 'lon-sql01' } });
    plan('discovery', [renaming as PreparedItem], [server('s1')], claims);
    const late = { ...(items({ class: 'Server', name: 'lon-sql01' })[0] as PreparedItem), index: 3 };
    // s1 no longer owns name=lon-sql01 in the graph the second batch sees.
    const result = plan('discovery', [late], [], claims);
    expect(result.creates).toEqual([]);
    expect(result.rejected[0]?.reason).toBe(
      'items[3]: reaches the same record as items[0] (through an identifier that record had); merge them into one item',
    );
  });

  it('an item retried with its own claims is not refused', () => {
    const claims = new Map<string, number>();
    const [item] = items({ class: 'Server', name: 'lon-sql01' });
    plan('discovery', [item as PreparedItem], [server('s1')], claims);
    expect(plan('discovery', [item as PreparedItem], [server('s1')], claims)).toMatchObject({
      unchanged: 1,
      rejected: [],
    });
  });

  it('validation refuses two items of one import sharing an identifier', () => {
    const rejected: ImportRejection[] = [];
    const raw = [
      { class: 'Server', name: 'a', attributes: { hostname: 'h1' } },
      { class: 'Server', name: 'b', identifiers: { hostname: 'H1' } },
    ];
    const prepared = itemPreparer(registry, raw, (r) => rejected.push(r)).slice(0, 2);
    expect(prepared.map((p) => p.index)).toEqual([0]);
    expect(rejected).toEqual([
      {
        kind: 'ITEM',
        index: 1,
        reason: 'items[1]: same record as items[0] (shared identifier); merge them into one item',
        field: 'items[1]',
      },
    ]);
  });
});

describe('relations', () => {
  const ref = (id: string, cls: string, status: RecordRef['status'] = 'LIVE'): RecordRef => ({
    id,
    class: cls,
    status,
  });

  it('looks up only the ends this run has not written', () => {
    const batch = relations({
      type: 'RUNS_ON',
      from: { class: 'Application', identifiers: { name: 'crm' } },
      to: { id: 'srv-1' },
    });
    const known = new Map([[key('Application', 'name', 'crm'), ref('app-1', 'Application')]]);
    expect(relationLookups(batch, known)).toEqual({ keys: [], ids: ['srv-1'] });
    expect(relationLookups(batch, new Map())).toEqual({ keys: [key('Application', 'name', 'crm')], ids: ['srv-1'] });
  });

  it('resolves ends by id and by identifiers, this run first, and rejects what does not resolve', () => {
    const batch = relations(
      { type: 'RUNS_ON', from: { class: 'Application', identifiers: { name: 'crm' } }, to: { id: 'srv-1' } },
      { type: 'RUNS_ON', from: { class: 'Application', identifiers: { name: 'nope' } }, to: { id: 'srv-1' } },
      { type: 'RUNS_ON', from: { class: 'Application', identifiers: { name: 'crm' } }, to: { id: 'gone' } },
      {
        type: 'DEPENDS_ON',
        from: { class: 'Server', identifiers: { name: 'srv', serialNumber: 'SN-2' } },
        to: { id: 'srv-1' },
      },
      { type: 'RUNS_ON', from: { id: 'srv-1' }, to: { id: 'srv-1' } },
      { type: 'RUNS_ON', from: { id: 'srv-1' }, to: { class: 'Application', identifiers: { name: 'crm' } } },
      { type: 'DEPENDS_ON', from: { class: 'Application', identifiers: { name: 'crm' } }, to: { id: 'old' } },
    );
    const { rows, rejected } = resolveRelations(registry, batch, {
      known: new Map([[key('Application', 'name', 'crm'), ref('app-1', 'Application')]]),
      byIdentifier: new Map([
        [key('Application', 'name', 'crm'), ref('app-stale', 'Application')],
        [key('Server', 'name', 'srv'), ref('srv-1', 'Server')],
        [key('Server', 'serialNumber', 'SN-2'), ref('srv-2', 'Server')],
      ]),
      byId: new Map([
        ['srv-1', ref('srv-1', 'Server')],
        ['old', ref('old', 'Server', 'RETIRED')],
      ]),
    });
    expect(rows).toEqual([{ type: 'RUNS_ON', fromId: 'app-1', toId: 'srv-1', props: {} }]);
    expect(rejected.map((r) => [r.index, r.field, r.reason])).toEqual([
      [1, 'relations[1].from', 'relations[1].from: no record matches Application {"name":"nope"}'],
      [2, 'relations[2].to', 'relations[2].to: no record matches id gone'],
      [
        3,
        'relations[3].from',
        'relations[3].from: Server {"name":"srv","serialNumber":"SN-2"} matches 2 different records',
      ],
      [4, 'relations[4].type', 'relations[4].type: a record cannot be related to itself'],
      [5, 'relations[5].type', expect.stringContaining('RUNS_ON cannot start at a Server')],
      [6, 'relations[6].type', 'relations[6].type: CI old is retired: new relationships to it are refused'],
    ]);
  });

  it('validation refuses a second value of a single-valued relationship from the same end', () => {
    const rejected: ImportRejection[] = [];
    const from = { class: 'Server', identifiers: { name: 'srv' } };
    const raw = [
      { type: 'LOCATED_IN', from, to: { id: 'site-1' } },
      { type: 'LOCATED_IN', from, to: { id: 'site-2' } },
      { type: 'DEPENDS_ON', from: { class: 'Nope', identifiers: { name: 'x' } }, to: { id: 'a' } },
    ];
    relationPreparer(registry, raw, (r) => rejected.push(r)).slice(0, 3);
    expect(rejected).toEqual([
      {
        kind: 'RELATION',
        index: 1,
        reason: 'relations[1]: a record has at most one LOCATED_IN, and relations[0] already gives this one',
        field: 'relations[1]',
      },
      {
        kind: 'RELATION',
        index: 2,
        reason: 'relations[2].from.class: unknown class Nope',
        field: 'relations[2].from.class',
      },
    ]);
  });

  it('writes new relationships, skips unchanged ones, and replaces single-valued ones only on older records', () => {
    const row = (type: string, fromId: string, toId: string, props: Record<string, unknown> = {}): RelationRow => ({
      type,
      fromId,
      toId,
      props,
    });
    const rows = [
      row('DEPENDS_ON', 'old-1', 'x'), // exists, no attributes: unchanged
      row('DEPENDS_ON', 'old-1', 'y', { a_weight: 2 }), // exists, attributes to set: written
      row('DEPENDS_ON', 'old-1', 'z'), // new
      row('LOCATED_IN', 'old-1', 'site'), // single-valued from an older record: replaces
      row('LOCATED_IN', 'new-1', 'site'), // from a record this run created: nothing to replace
    ];
    const fresh = new Set(['new-1']);
    expect(relationsToCheck(rows, fresh)).toHaveLength(4);
    // What existingRelationships answers: the keys of the rows already in the graph.
    const existing = new Set([rows[0], rows[1]].map((r) => relationKey(r as RelationRow)));
    const { replace, plain } = relationWrites(rows, existing, fresh, ['LOCATED_IN', 'OWNED_BY']);
    expect(replace).toEqual([rows[3]]);
    expect(plain).toEqual([rows[1], rows[2], rows[4]]);
  });
});
