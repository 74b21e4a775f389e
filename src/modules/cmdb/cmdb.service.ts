/** CMDB rules: creating, changing, retiring and relating CIs and parties; custom classes. */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../shared/db';
import { BadUserInputError, ConflictError, NotFoundError } from '../../shared/errors';
import { write, type Actor, type WriteTx } from '../../shared/write';
import * as ciRepo from './ci.repository';
import { loadCustomClasses, saveCustomClass } from './class.repository';
import { toStoredAttributes } from './cmdb.rows';
import { findIdentifierOwners } from './identifier.repository';
import * as partyRepo from './party.repository';
import {
  deleteOutgoing,
  deleteRelationship,
  findRelationship,
  findRelationships,
  findRelationshipSummaries,
  mergeRelationships,
} from './relationship.repository';
import { findRelationshipsAt, findRevisionsAt } from './revision.repository';
import type { CIListFilter, EntityRecord, PageRequest, RelationshipRow } from './cmdb.types';
import { checkAttributes, identifierRows, identifiersOf } from './identification';
import { parseInput } from './parse';
import { Registry, type ClassDef, type ClassKind } from './registry';
import { createCISchema, defineClassSchema, relateSchema, retireCISchema, updateCISchema } from './cmdb.validation';

/** Source recorded for attributes written through GraphQL by a person: outranks every import source by default. */
export const MANUAL_SOURCE = 'manual';

/** The registry with custom classes from the graph; reloaded when a class is not found (another process may have defined it). */
export class RegistryStore {
  private registry: Registry | undefined;

  constructor(private readonly db: Db) {}

  async current(): Promise<Registry> {
    return this.registry ?? this.refresh();
  }

  async refresh(): Promise<Registry> {
    const custom = await this.db.readTx((tx) => loadCustomClasses(tx), { operation: 'registry' });
    this.registry = new Registry(custom);
    return this.registry;
  }

  /** The class, reloading once when unknown; BAD_USER_INPUT naming the field when it does not exist. */
  async requireClass(name: string, field: string, kind?: ClassKind): Promise<{ registry: Registry; cls: ClassDef }> {
    let registry = await this.current();
    let cls = registry.getClass(name);
    if (!cls) {
      registry = await this.refresh();
      cls = registry.getClass(name);
    }
    if (!cls || (kind && cls.kind !== kind)) {
      const names = registry
        .allClasses()
        .filter((c) => !kind || c.kind === kind)
        .map((c) => c.name);
      throw new BadUserInputError(`unknown class ${name} (known: ${names.join(', ')})`, field);
    }
    return { registry, cls };
  }
}

function diffFields(
  before: EntityRecord,
  after: Partial<EntityRecord>,
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of ['name', 'status', 'version'] as const) {
    if (after[key] !== undefined && after[key] !== before[key]) {
      b[key] = before[key];
      a[key] = after[key];
    }
  }
  for (const [key, value] of Object.entries(after.attributes ?? {})) {
    if (JSON.stringify(before.attributes[key] ?? null) !== JSON.stringify(value ?? null)) {
      b[`attributes.${key}`] = before.attributes[key] ?? null;
      a[`attributes.${key}`] = value ?? null;
    }
  }
  return { before: b, after: a };
}

/** Relationship types of which a record has at most one (a new one replaces the old). */
export function singleTypes(registry: Registry): string[] {
  return registry
    .allRelationshipTypes()
    .filter((t) => t.single)
    .map((t) => t.name);
}

/**
 * Checks that a change record may carry out an edit of these CIs (it is being implemented and modifies them).
 * The service desk provides it; the CMDB only knows the contract, so the modules stay one-way dependent.
 */
export interface ChangeGate {
  /**
   * Throws BAD_USER_INPUT naming `field` when the change cannot authorize this edit now: it must be in
   * implementation and modify every one of `ciIds` (`all`, a CI edit) or at least one (`any`, a relationship).
   */
  check(tx: WriteTx, changeId: string, ciIds: readonly string[], field: string, mode: 'all' | 'any'): Promise<void>;
}

export class CmdbService {
  private changeGate: ChangeGate | null = null;

  constructor(
    private readonly db: Db,
    readonly registries: RegistryStore,
  ) {}

  // Reads. The batch reads answer many ids in one statement each: the per-request loaders are built on them.

  /** Entities by id (absent ids have no record in the answer). */
  entities(ids: readonly string[]): Promise<EntityRecord[]> {
    return this.db.readTx((tx) => ciRepo.findEntities(tx, ids), { operation: 'load entities' });
  }

  /** Relationships of these entities in both directions, each with the other end's full record. */
  relationshipsOf(ids: readonly string[]): Promise<RelationshipRow[]> {
    return this.db.readTx((tx) => findRelationships(tx, ids), { operation: 'load relationships' });
  }

  /**
   * Relationships of these entities with only a summary of the other end; without `withProperties` the
   * relationships' own properties are not read (attributes empty, createdAt blank).
   */
  relationshipSummariesOf(ids: readonly string[], withProperties: boolean): Promise<RelationshipRow[]> {
    return this.db.readTx((tx) => findRelationshipSummaries(tx, ids, withProperties), {
      operation: 'load relationship summaries',
    });
  }

  /** Entities as they stood at `at` (absent when they did not exist then). */
  entitiesAt(ids: readonly string[], at: string): Promise<EntityRecord[]> {
    return this.db.readTx((tx) => findRevisionsAt(tx, ids, at), { operation: 'load entities as of' });
  }

  /** Relationships of these entities as they stood at `at`, with the other ends as they stood then. */
  relationshipsAt(ids: readonly string[], at: string): Promise<RelationshipRow[]> {
    return this.db.readTx((tx) => findRelationshipsAt(tx, ids, at), { operation: 'load relationships as of' });
  }

  /** One page of CIs matching `filter`, live or as they stood at `at`: up to `page.limit + 1` (tells a next page). */
  listCIs(filter: CIListFilter, page: PageRequest, at?: string): Promise<EntityRecord[]> {
    return this.db.readTx((tx) => ciRepo.listCIs(tx, filter, page, at), { operation: 'cis' });
  }

  /** How many CIs match `filter`, live or at `at`. */
  countCIs(filter: CIListFilter, at?: string): Promise<number> {
    return this.db.readTx((tx) => ciRepo.countCIs(tx, filter, at), { operation: 'cis count' });
  }

  /** Parties of a class (Organization, Group, Person) by name; organizations optionally of one type. */
  listParties(className: string, orgType?: string): Promise<EntityRecord[]> {
    return this.db.readTx((tx) => partyRepo.listParties(tx, className, orgType), { operation: `list ${className}` });
  }

  /** A keyset page of parties of a class in creation order; `filter.nameContains` is matched case-insensitively. */
  partiesPage(
    className: 'Organization' | 'Group',
    filter: partyRepo.PartyFilter,
    page: { limit: number; after?: readonly [string, string] },
  ): Promise<Array<{ node: EntityRecord; key: [string, string] }>> {
    const where = { ...filter, ...(filter.nameContains ? { nameContains: filter.nameContains.toLowerCase() } : {}) };
    return this.db.readTx((tx) => partyRepo.listPartiesPage(tx, className, where, page), {
      operation: `${className} page`,
    });
  }

  /** How many parties of a class match `filter`. */
  countParties(className: 'Organization' | 'Group', filter: partyRepo.PartyFilter): Promise<number> {
    const where = { ...filter, ...(filter.nameContains ? { nameContains: filter.nameContains.toLowerCase() } : {}) };
    return this.db.readTx((tx) => partyRepo.countParties(tx, className, where), { operation: `${className} count` });
  }

  /** Installs the service desk's change gate (edits naming a changeId are refused until one is installed). */
  useChangeGate(gate: ChangeGate): void {
    this.changeGate = gate;
  }

  private async checkChange(
    tx: WriteTx,
    changeId: string | null | undefined,
    ciIds: readonly string[],
    mode: 'all' | 'any',
  ): Promise<void> {
    if (!changeId) return;
    if (!this.changeGate)
      throw new BadUserInputError('change records are not available in this deployment', 'input.changeId');
    await this.changeGate.check(tx, changeId, ciIds, 'input.changeId', mode);
  }

  /** Throws NOT_FOUND unless the entity exists (and has the kind / class asked for). */
  private async requireEntity(
    tx: WriteTx,
    id: string,
    what: string,
    check?: (e: EntityRecord) => boolean,
  ): Promise<EntityRecord> {
    const [entity] = await ciRepo.findEntities(tx, [id]);
    if (!entity || (check && !check(entity))) throw new NotFoundError(what, id);
    return entity;
  }

  /** Throws CONFLICT when an identifier already belongs to another record (with that record's id). */
  private async checkIdentifiersFree(
    tx: WriteTx,
    className: string,
    identifiers: Record<string, string>,
    selfId?: string,
  ): Promise<void> {
    const rows = identifierRows(className, identifiers);
    const owners = await findIdentifierOwners(
      tx,
      rows.map((r) => r.key),
    );
    for (const row of rows) {
      const owner = owners.get(row.key);
      if (owner && owner !== selfId) {
        throw new ConflictError(`a ${className} with ${row.name} "${row.value}" already exists (${owner})`, {
          field: row.name === 'name' ? 'input.name' : `input.identifiers.${row.name}`,
          existingId: owner,
        });
      }
    }
  }

  /** Sets (or clears) a single-valued relationship such as LOCATED_IN or OWNED_BY. */
  private async setSingle(
    tx: WriteTx,
    registry: Registry,
    self: EntityRecord,
    type: string,
    targetId: string | null,
    field: string,
  ): Promise<void> {
    if (targetId) {
      const target = await this.requireEntity(tx, targetId, 'target');
      const violation = registry.relationshipViolation(type, self.class, target.class);
      if (violation) throw new BadUserInputError(violation, field);
    }
    await deleteOutgoing(tx, self.id, type);
    if (targetId) await mergeRelationships(tx, [{ type, fromId: self.id, toId: targetId, props: {} }]);
  }

  async createCI(actor: Actor | null, raw: unknown): Promise<EntityRecord> {
    const input = parseInput(createCISchema, raw);
    const { registry, cls } = await this.registries.requireClass(input.class, 'input.class', 'ci');
    const attributes = checkAttributes(registry, cls.name, input.attributes ?? {}, 'input');
    const identifiers = identifiersOf(registry, cls.name, input.name, attributes, input.identifiers ?? {}, 'input');
    return write(this.db, actor, { name: 'createCI', permission: 'cmdb.write' }, async (tx) => {
      await this.checkIdentifiersFree(tx, cls.name, identifiers);
      const id = randomUUID();
      await ciRepo.createEntities(tx, [
        {
          id,
          kind: 'ci',
          class: cls.name,
          name: input.name,
          status: input.status,
          version: input.version ?? null,
          props: toStoredAttributes(attributes),
          attrSources: JSON.stringify(Object.fromEntries(Object.keys(attributes).map((k) => [k, MANUAL_SOURCE]))),
          identifiers: identifierRows(cls.name, identifiers),
        },
      ]);
      const created = await this.requireEntity(tx, id, 'CI');
      if (input.locationId)
        await this.setSingle(tx, registry, created, 'LOCATED_IN', input.locationId, 'input.locationId');
      if (input.ownerGroupId)
        await this.setSingle(tx, registry, created, 'OWNED_BY', input.ownerGroupId, 'input.ownerGroupId');
      tx.audit({
        entityType: 'CI',
        entityId: id,
        action: 'create',
        after: { class: cls.name, name: input.name, status: input.status, attributes, identifiers },
      });
      return created;
    });
  }

  async updateCI(actor: Actor | null, raw: unknown): Promise<EntityRecord> {
    const input = parseInput(updateCISchema, raw);
    const registry = await this.registries.current();
    return write(
      this.db,
      actor,
      { name: 'updateCI', permission: 'cmdb.write', changeId: input.changeId },
      async (tx) => {
        const current = await ciRepo.lockEntity(tx, input.id);
        if (!current || current.kind !== 'ci') throw new NotFoundError('CI', input.id);
        await this.checkChange(tx, input.changeId, [current.id], 'all');
        if (current.revision !== input.expectedRevision) {
          throw new ConflictError(
            `CI ${input.id} is at revision ${current.revision}, not ${input.expectedRevision}: it was changed meanwhile; reload and retry`,
            { currentRevision: current.revision },
          );
        }
        if (current.status === 'RETIRED')
          throw new ConflictError(`CI ${input.id} is retired and can no longer be changed`);
        const name = input.name ?? current.name;
        const merged: Record<string, unknown> = { ...current.attributes };
        for (const [key, value] of Object.entries(input.attributes ?? {})) {
          if (value === null) delete merged[key];
          else merged[key] = value;
        }
        const attributes = checkAttributes(registry, current.class, merged, 'input');
        const explicit: Record<string, string | null> = { ...current.identifiers, ...(input.identifiers ?? {}) };
        delete explicit.name;
        // An identifier that mirrored a removed attribute goes with it.
        for (const [key, value] of Object.entries(input.attributes ?? {})) {
          if (value === null && current.identifiers[key] === current.attributes[key]) explicit[key] = null;
          else if (
            typeof value === 'string' &&
            input.identifiers?.[key] === undefined &&
            current.identifiers[key] !== undefined
          )
            explicit[key] = value;
        }
        const identifiers = identifiersOf(registry, current.class, name, attributes, explicit, 'input');
        await this.checkIdentifiersFree(tx, current.class, identifiers, current.id);

        const changedAttrs: Record<string, unknown> = {};
        for (const key of new Set([...Object.keys(current.attributes), ...Object.keys(attributes)])) {
          if (JSON.stringify(current.attributes[key] ?? null) !== JSON.stringify(attributes[key] ?? null))
            changedAttrs[key] = attributes[key] ?? null;
        }
        const set: Record<string, unknown> = toStoredAttributes(changedAttrs);
        if (name !== current.name) Object.assign(set, { name, nameLower: name.toLowerCase() });
        if (input.status && input.status !== current.status) set.status = input.status;
        if (input.version !== undefined && (input.version ?? null) !== current.version)
          set.version = input.version ?? null;
        const oldKeys = new Set(identifierRows(current.class, current.identifiers).map((r) => r.key));
        const newRows = identifierRows(current.class, identifiers);
        const newKeys = new Set(newRows.map((r) => r.key));
        const addIdentifiers = newRows.filter((r) => !oldKeys.has(r.key));
        const removeIdentifierKeys = [...oldKeys].filter((k) => !newKeys.has(k));
        const sources = { ...current.attributeSources };
        for (const [key, value] of Object.entries(changedAttrs)) {
          if (value === null) delete sources[key];
          else sources[key] = MANUAL_SOURCE;
        }

        const relationChanged = input.locationId !== undefined || input.ownerGroupId !== undefined;
        if (Object.keys(set).length || addIdentifiers.length || removeIdentifierKeys.length || relationChanged) {
          await ciRepo.updateEntities(tx, [
            { id: current.id, set, attrSources: JSON.stringify(sources), addIdentifiers, removeIdentifierKeys },
          ]);
          if (input.locationId !== undefined)
            await this.setSingle(tx, registry, current, 'LOCATED_IN', input.locationId ?? null, 'input.locationId');
          if (input.ownerGroupId !== undefined)
            await this.setSingle(tx, registry, current, 'OWNED_BY', input.ownerGroupId ?? null, 'input.ownerGroupId');
          const diff = diffFields(current, {
            name,
            status: input.status ?? current.status,
            version: input.version === undefined ? current.version : (input.version ?? null),
            attributes: changedAttrs,
          });
          if (input.locationId !== undefined) diff.after.locationId = input.locationId;
          if (input.ownerGroupId !== undefined) diff.after.ownerGroupId = input.ownerGroupId;
          tx.audit({
            entityType: 'CI',
            entityId: current.id,
            action: 'update',
            before: diff.before,
            after: diff.after,
          });
        }
        return this.requireEntity(tx, current.id, 'CI');
      },
    );
  }

  /**
   * Sets the version of CIs inside a caller's write transaction (a release deployment): the revision and audit entry
   * carry the transaction's change record. The caller has checked the change authorizes these CIs.
   */
  async setVersionsIn(tx: WriteTx, ciIds: readonly string[], version: string): Promise<void> {
    for (const id of ciIds) {
      const current = await ciRepo.lockEntity(tx, id);
      if (!current || current.kind !== 'ci') throw new NotFoundError('CI', id);
      if (current.status === 'RETIRED')
        throw new ConflictError(`CI ${current.name} (${id}) is retired and can no longer be changed`);
      if (current.version === version) continue;
      await ciRepo.updateEntities(tx, [
        {
          id,
          set: { version },
          attrSources: JSON.stringify(current.attributeSources),
          addIdentifiers: [],
          removeIdentifierKeys: [],
        },
      ]);
      tx.audit({
        entityType: 'CI',
        entityId: id,
        action: 'update',
        before: { version: current.version },
        after: { version },
      });
    }
  }

  async retireCI(actor: Actor | null, raw: unknown): Promise<EntityRecord> {
    const input = parseInput(retireCISchema, raw);
    return write(
      this.db,
      actor,
      { name: 'retireCI', permission: 'cmdb.write', changeId: input.changeId },
      async (tx) => {
        const current = await ciRepo.lockEntity(tx, input.id);
        if (!current || current.kind !== 'ci') throw new NotFoundError('CI', input.id);
        await this.checkChange(tx, input.changeId, [current.id], 'all');
        if (input.expectedRevision && current.revision !== input.expectedRevision) {
          throw new ConflictError(`CI ${input.id} is at revision ${current.revision}, not ${input.expectedRevision}`, {
            currentRevision: current.revision,
          });
        }
        if (current.status === 'RETIRED') throw new ConflictError(`CI ${input.id} is already retired`);
        await ciRepo.updateEntities(tx, [
          {
            id: current.id,
            set: { status: 'RETIRED' },
            attrSources: JSON.stringify(current.attributeSources),
            addIdentifiers: [],
            removeIdentifierKeys: [],
          },
        ]);
        tx.audit({
          entityType: 'CI',
          entityId: current.id,
          action: 'retire',
          before: { status: current.status },
          after: { status: 'RETIRED', reason: input.reason ?? null },
        });
        return this.requireEntity(tx, current.id, 'CI');
      },
    );
  }

  async relate(actor: Actor | null, raw: unknown): Promise<RelationshipRow> {
    const input = parseInput(relateSchema, raw);
    const registry = await this.registries.current();
    if (input.fromId === input.toId) throw new BadUserInputError('a CI cannot be related to itself', 'input.toId');
    return write(
      this.db,
      actor,
      { name: 'relateCIs', permission: 'cmdb.write', changeId: input.changeId },
      async (tx) => {
        const [from, to] = await Promise.all([
          this.requireEntity(tx, input.fromId, 'record'),
          this.requireEntity(tx, input.toId, 'record'),
        ]);
        await this.checkChange(
          tx,
          input.changeId,
          [from, to].filter((e) => e.kind === 'ci').map((e) => e.id),
          'any',
        );
        const violation = registry.relationshipViolation(input.type, from.class, to.class);
        if (violation) throw new BadUserInputError(violation, 'input.type');
        for (const [end, field] of [
          [from, 'input.fromId'],
          [to, 'input.toId'],
        ] as const) {
          if (end.status === 'RETIRED')
            throw new BadUserInputError(`CI ${end.id} is retired: new relationships to it are refused`, field);
        }
        const { created } = await mergeRelationships(
          tx,
          [{ type: input.type, fromId: from.id, toId: to.id, props: toStoredAttributes(input.attributes ?? {}) }],
          singleTypes(registry),
        );
        if (created)
          tx.audit({
            entityType: 'Relationship',
            entityId: `${from.id}-${input.type}->${to.id}`,
            action: 'relate',
            after: { type: input.type, fromId: from.id, toId: to.id },
          });
        const row = await findRelationship(tx, input.type, from.id, to.id);
        if (!row) throw new Error('relationship vanished after MERGE');
        return row;
      },
    );
  }

  async unrelate(
    actor: Actor | null,
    raw: unknown,
  ): Promise<{ removed: boolean; type: string; fromId: string; toId: string }> {
    const input = parseInput(relateSchema.omit({ attributes: true }), raw);
    return write(
      this.db,
      actor,
      { name: 'unrelateCIs', permission: 'cmdb.write', changeId: input.changeId },
      async (tx) => {
        await this.checkChange(tx, input.changeId, [input.fromId, input.toId], 'any');
        const removed = await deleteRelationship(tx, { type: input.type, fromId: input.fromId, toId: input.toId });
        if (!removed) throw new NotFoundError(`relationship ${input.type} from ${input.fromId} to`, input.toId);
        tx.audit({
          entityType: 'Relationship',
          entityId: `${input.fromId}-${input.type}->${input.toId}`,
          action: 'unrelate',
          before: { type: input.type, fromId: input.fromId, toId: input.toId },
        });
        return { removed: true, type: input.type, fromId: input.fromId, toId: input.toId };
      },
    );
  }

  async defineClass(actor: Actor | null, raw: unknown): Promise<ClassDef> {
    const input = parseInput(defineClassSchema, raw);
    let registry = await this.registries.refresh();
    if (registry.getClass(input.name))
      throw new ConflictError(`class ${input.name} already exists`, { field: 'input.name' });
    let base: ClassDef | undefined;
    if (input.baseClass) {
      base = registry.getClass(input.baseClass);
      if (!base || base.kind !== 'ci') {
        throw new BadUserInputError(`unknown CI class ${input.baseClass}`, 'input.baseClass');
      }
    }
    const attributes = (input.attributes ?? []).map((attr, i) => {
      if (attr.allowedValues && attr.type !== 'STRING') {
        throw new BadUserInputError(
          'allowedValues applies to STRING attributes only',
          `input.attributes[${i}].allowedValues`,
        );
      }
      if ((attr.min != null || attr.max != null) && attr.type !== 'INTEGER' && attr.type !== 'NUMBER') {
        throw new BadUserInputError(
          'min and max apply to INTEGER and NUMBER attributes only',
          `input.attributes[${i}].min`,
        );
      }
      return {
        name: attr.name,
        type: attr.type,
        ...(attr.required ? { required: true } : {}),
        ...(attr.description ? { description: attr.description } : {}),
        ...(attr.allowedValues ? { allowedValues: attr.allowedValues } : {}),
        ...(attr.min != null ? { min: attr.min } : {}),
        ...(attr.max != null ? { max: attr.max } : {}),
      };
    });
    const seen = new Set<string>();
    attributes.forEach((attr, i) => {
      if (seen.has(attr.name))
        throw new BadUserInputError(`attribute ${attr.name} is declared twice`, `input.attributes[${i}].name`);
      seen.add(attr.name);
    });
    const def: ClassDef = {
      name: input.name,
      kind: 'ci',
      description: input.description ?? '',
      ...(base ? { base: base.name } : {}),
      identifyingKeys: input.identifyingKeys ?? [],
      attributes,
      custom: true,
    };
    const candidate = new Registry([...registry.allClasses().filter((c) => c.custom), def]);
    const known = new Set(candidate.attributesOf(def.name).map((x) => x.name));
    (input.identifyingKeys ?? []).forEach((key, i) => {
      if (key !== 'name' && !known.has(key)) {
        throw new BadUserInputError(
          `identifying key ${key} is not an attribute of ${def.name}`,
          `input.identifyingKeys[${i}]`,
        );
      }
    });
    await write(this.db, actor, { name: 'defineCIClass', permission: 'cmdb.admin' }, async (tx) => {
      await saveCustomClass(tx, def);
      tx.audit({ entityType: 'CIClass', entityId: def.name, action: 'define-class', after: def });
    });
    registry = await this.registries.refresh();
    return registry.getClass(def.name) ?? def;
  }

  /** Creates an organization, group or person (the party classes), optionally joining groups. */
  async createParty(
    actor: Actor | null,
    className: 'Organization' | 'Group' | 'Person',
    raw: { name: unknown; attributes?: unknown; groupIds?: readonly string[] | null },
    operation: string,
  ): Promise<EntityRecord> {
    const name = parseInput(createCISchema.shape.name, raw.name, 'input.name');
    const given = parseInput(createCISchema.shape.attributes, raw.attributes ?? {}, 'input.attributes') ?? {};
    const { registry } = await this.registries.requireClass(className, 'class', 'party');
    const attributes = checkAttributes(registry, className, given, 'input');
    const identifiers = identifiersOf(registry, className, name, attributes, {}, 'input');
    return write(this.db, actor, { name: operation, permission: 'cmdb.write' }, async (tx) => {
      await this.checkIdentifiersFree(tx, className, identifiers);
      const id = randomUUID();
      await ciRepo.createEntities(tx, [
        {
          id,
          kind: 'party',
          class: className,
          name,
          status: null,
          version: null,
          props: toStoredAttributes(attributes),
          attrSources: JSON.stringify(Object.fromEntries(Object.keys(attributes).map((k) => [k, MANUAL_SOURCE]))),
          identifiers: identifierRows(className, identifiers),
        },
      ]);
      for (const [i, groupId] of (raw.groupIds ?? []).entries()) {
        await this.requireEntity(tx, groupId, 'Group', (e) => e.class === 'Group').catch(() => {
          throw new BadUserInputError(`group ${groupId} does not exist`, `input.groupIds[${i}]`);
        });
      }
      if (raw.groupIds?.length) {
        await mergeRelationships(
          tx,
          raw.groupIds.map((groupId) => ({ type: 'MEMBER_OF_GROUP', fromId: id, toId: groupId, props: {} })),
        );
      }
      tx.audit({ entityType: className, entityId: id, action: 'create', after: { name, attributes } });
      return this.requireEntity(tx, id, className);
    });
  }
}
