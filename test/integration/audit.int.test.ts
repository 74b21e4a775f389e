/**
 * The tamper-evident audit log on the real Neo4j: writes through GraphQL get gapless sequences and leaf hashes, the
 * log's reads and proofs are for auditors and admins, tree heads are signed into the database and a file outside
 * it, and verification catches edits, deletions, swaps and truncations — 1,000 random trials on copies of the log,
 * and edits made to the database itself, through `npm run audit:verify` as well.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ApolloServer } from '@apollo/server';
import type { GraphQLContext, Services } from '../../src/context';
import { PROJECT_ROOT } from '../../src/paths';
import { contextFor, createApollo } from '../../src/server/app';
import { buildServices } from '../../src/server/services';
import { entryLeafHash, type Actor } from '../../src/shared/write';
import {
  loadSigningKey,
  readTreeHeadFile,
  verifyAuditLog,
  type SignedTreeHead,
  type StoredAuditEntry,
} from '../../src/modules/audit';
import { treeHash, verifyConsistency, verifyInclusion } from '../../src/modules/audit/merkle';
import { ADMIN, EDITOR, VIEWER, createHarness, type Harness } from '../helpers/harness';

const AUDITOR: Actor = { id: 'test-auditor', roles: ['auditor'] };
const CREATE = `mutation ($input: CreateCIInput!) { createCI(input: $input) { id revision } }`;
const UPDATE = `mutation ($input: UpdateCIInput!) { updateCI(input: $input) { id revision } }`;
const SIGN = `mutation { signAuditTreeHead { treeSize rootHash timestamp signature keyId } }`;
const LOG = `query ($filter: AuditLogFilter, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) {
    totalCount
    edges { cursor node { sequence id at actor operation changeId entityType entityId action before after leafHash } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}`;

let h: Harness;
let services: Services;
let apollo: ApolloServer<GraphQLContext>;
let dir: string;
let keyFile: string;
let headFile: string;

async function gql(query: string, variables: Record<string, unknown>, actor: Actor | null): Promise<any> {
  const response = await apollo.executeOperation({ query, variables }, { contextValue: contextFor(services, actor) });
  if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
  return response.body.singleResult;
}

async function ok(query: string, variables: Record<string, unknown> = {}, actor: Actor | null = EDITOR): Promise<any> {
  const result = await gql(query, variables, actor);
  if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors, null, 2)}`);
  return result.data;
}

async function createServer(name: string): Promise<{ id: string; revision: number }> {
  const data = await ok(CREATE, { input: { class: 'Server', name, status: 'LIVE', attributes: { hostname: name } } });
  return data.createCI;
}

beforeAll(async () => {
  h = await createHarness();
  dir = mkdtempSync(join(tmpdir(), 'sg-audit-'));
  keyFile = join(dir, 'keys', 'audit-ed25519.pem');
  headFile = join(dir, 'audit', 'tree-heads.jsonl');
  services = buildServices(h.db, {
    sourcePrecedence: ['manual', 'discovery', 'import'],
    AUDIT_SIGNING_KEY_FILE: keyFile,
    AUDIT_TREE_HEAD_FILE: headFile,
  });
  apollo = createApollo();
  await apollo.start();
  await h.reset();
});
afterAll(async () => {
  await apollo.stop();
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Entries and signed heads built up by the tests in order (they share one log). */
let headsSigned: SignedTreeHead[] = [];

describe('appending', () => {
  it('gives every entry written through GraphQL the next sequence and its leaf hash, gapless under concurrency', async () => {
    const first = await createServer('audit-a');
    await ok(UPDATE, { input: { id: first.id, expectedRevision: first.revision, version: '2' } });
    const started = Date.now();
    const concurrent = 40;
    await Promise.all(Array.from({ length: concurrent }, (_, i) => createServer(`audit-c${i}`)));
    const ms = Date.now() - started;
    console.log(`${concurrent} concurrent createCI through GraphQL, each appending to the log: ${ms} ms`);

    const rows = await h.cypher(
      `MATCH (a:AuditEntry) RETURN a.sequence AS sequence, a.leafHash AS leafHash ORDER BY a.sequence`,
    );
    expect(rows.map((r) => r.sequence)).toEqual(Array.from({ length: rows.length }, (_, i) => i));
    expect(rows.length).toBeGreaterThanOrEqual(concurrent + 2);
    const [log] = await h.cypher(`MATCH (l:AuditLog {id: 'main'}) RETURN l.size AS size, l.rootHash AS rootHash`);
    expect(log?.size).toBe(rows.length);
    // The root kept on the log node by O(log n) appends is MTH over every leaf.
    expect(log?.rootHash).toBe(treeHash(rows.map((r) => Buffer.from(r.leafHash, 'hex'))).toString('hex'));
    // Every stored leaf hash is the hash of the entry's canonical bytes.
    for (const entry of await services.audit.readLog()) expect(entry.leafHash).toBe(entryLeafHash(entry));
  });

  it('seals entries written before the log existed after the ones it holds, oldest first', async () => {
    const before = (await services.audit.readLog()).length;
    await h.cypher(
      `UNWIND range(1, 3) AS i
       CREATE (:AuditEntry {id: 'legacy-' + i, at: datetime('2020-01-0' + i + 'T00:00:00Z'), actor: 'old',
                            operation: 'createCI', changeId: null, entityType: 'CI', entityId: 'ci-' + i,
                            action: 'create', before: null, after: '{"n":' + i + '}'})`,
    );
    expect(await services.audit.sealUnsequenced()).toBe(3);
    expect(await services.audit.sealUnsequenced()).toBe(0);
    const log = await services.audit.readLog();
    expect(log.slice(before).map((e) => [e.sequence, e.id])).toEqual([
      [before, 'legacy-1'],
      [before + 1, 'legacy-2'],
      [before + 2, 'legacy-3'],
    ]);
    for (const entry of log) expect(entry.leafHash).toBe(entryLeafHash(entry));
  });
});

describe('reading the log', () => {
  it('is for auditors and admins only', async () => {
    for (const actor of [EDITOR, VIEWER]) {
      const result = await gql(LOG, {}, actor);
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect((await gql(LOG, {}, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await gql(SIGN, {}, AUDITOR)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const data = await ok(LOG, { first: 5 }, AUDITOR);
    expect(data.auditLog.edges).toHaveLength(5);
    await ok(LOG, { first: 1 }, ADMIN);
  });

  it('pages by sequence and filters by entity, actor, operation and time', async () => {
    const all: any[] = [];
    let after: string | null = null;
    for (;;) {
      const data = await ok(LOG, { first: 7, after }, AUDITOR);
      all.push(...data.auditLog.edges.map((e: any) => e.node));
      if (!data.auditLog.pageInfo.hasNextPage) break;
      after = data.auditLog.pageInfo.endCursor;
    }
    expect(all.map((e) => e.sequence)).toEqual(Array.from({ length: all.length }, (_, i) => i));
    const updated = all.find((e) => e.action === 'update');
    expect(updated).toMatchObject({ actor: EDITOR.id, operation: 'updateCI', entityType: 'CI' });
    expect(updated.before).toBeTruthy();
    const byEntity = await ok(LOG, { filter: { entityId: updated.entityId } }, AUDITOR);
    expect(byEntity.auditLog.edges.map((e: any) => e.node.action)).toEqual(['create', 'update']);
    const byOperation = await ok(LOG, { filter: { operation: 'updateCI', actor: EDITOR.id } }, AUDITOR);
    expect(byOperation.auditLog.totalCount).toBe(1);
    const legacy = await ok(
      LOG,
      { filter: { actor: 'old', from: '2020-01-02T00:00:00Z', to: '2020-01-03T00:00:00Z' } },
      AUDITOR,
    );
    expect(legacy.auditLog.edges.map((e: any) => e.node.id)).toEqual(['legacy-2']);
    expect((await gql(LOG, { after: 'nonsense' }, AUDITOR)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('signed tree heads and proofs', () => {
  it('signs on demand into the database and the file outside it, once per tree size', async () => {
    const one = (await ok(SIGN, {}, ADMIN)).signAuditTreeHead;
    const again = (await ok(SIGN, {}, ADMIN)).signAuditTreeHead;
    expect(again).toEqual(one);
    const size = (await services.audit.readLog()).length;
    expect(one.treeSize).toBe(size);
    const file = readTreeHeadFile(headFile);
    expect(file.heads).toEqual([one]);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect((await ok(`{ auditTreeHead { treeSize rootHash } }`, {}, AUDITOR)).auditTreeHead).toEqual({
      treeSize: size,
      rootHash: one.rootHash,
    });
    // More writes and more heads, so the log has several signed sizes.
    for (let round = 0; round < 4; round++) {
      await Promise.all(Array.from({ length: 6 }, (_, i) => createServer(`audit-r${round}-${i}`)));
      await services.audit.signScheduled();
    }
    headsSigned = readTreeHeadFile(headFile).heads;
    expect(headsSigned).toHaveLength(5);
    expect(headsSigned.map((x) => x.treeSize)).toEqual([...headsSigned.map((x) => x.treeSize)].sort((a, b) => a - b));
  });

  it('proves every entry included in its signed head and every head consistent with the next', async () => {
    const PROOF = `query ($s: Int!, $n: Int) { auditProof(sequence: $s, treeSize: $n) {
      sequence treeSize leafHash auditPath rootHash treeHead { treeSize rootHash } } }`;
    const latest = headsSigned[headsSigned.length - 1] as SignedTreeHead;
    const hex = (s: string): Buffer => Buffer.from(s, 'hex');
    for (let s = 0; s < latest.treeSize; s++) {
      const p = (await ok(PROOF, { s }, AUDITOR)).auditProof;
      // By default, against the smallest signed head covering the entry.
      const head = headsSigned.find((x) => x.treeSize > s) as SignedTreeHead;
      expect(p.treeHead).toEqual({ treeSize: head.treeSize, rootHash: head.rootHash });
      expect(verifyInclusion(s, p.treeSize, hex(p.leafHash), p.auditPath.map(hex), hex(head.rootHash))).toBe(true);
      const full = (await ok(PROOF, { s, n: latest.treeSize }, AUDITOR)).auditProof;
      expect(
        verifyInclusion(s, latest.treeSize, hex(full.leafHash), full.auditPath.map(hex), hex(latest.rootHash)),
      ).toBe(true);
    }
    const CONSISTENCY = `query ($m: Int!, $n: Int) { auditConsistency(fromSize: $m, toSize: $n) {
      fromSize toSize fromRoot toRoot proof fromHead { treeSize } toHead { treeSize } } }`;
    for (let i = 0; i + 1 < headsSigned.length; i++) {
      const a = headsSigned[i] as SignedTreeHead;
      const b = headsSigned[i + 1] as SignedTreeHead;
      const c = (await ok(CONSISTENCY, { m: a.treeSize, n: b.treeSize }, AUDITOR)).auditConsistency;
      expect(c).toMatchObject({ fromRoot: a.rootHash, toRoot: b.rootHash, fromHead: { treeSize: a.treeSize } });
      expect(verifyConsistency(a.treeSize, b.treeSize, hex(a.rootHash), hex(b.rootHash), c.proof.map(hex))).toBe(true);
    }
    const bad = await gql(PROOF, { s: 0, n: latest.treeSize + 100 }, AUDITOR);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

type Tamper = (log: StoredAuditEntry[], rnd: () => number) => { kind: string; at: number; recomputed: boolean };

/** A small deterministic PRNG (mulberry32), so a failing trial can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIELDS = ['actor', 'operation', 'entityId', 'action', 'after', 'at', 'id', 'changeId'] as const;

/** Edits, deletions, swaps and truncations; half the time the attacker also rewrites the stored leaf hashes. */
const TAMPERS: Tamper[] = [
  (log, rnd) => {
    const i = Math.floor(rnd() * log.length);
    const e = { ...(log[i] as StoredAuditEntry) };
    const field = FIELDS[Math.floor(rnd() * FIELDS.length)] as (typeof FIELDS)[number];
    if (field === 'at') e.at = new Date(Date.parse(e.at) + 1 + Math.floor(rnd() * 1000)).toISOString();
    else e[field] = `${e[field] ?? ''}x`;
    const recomputed = rnd() < 0.5;
    if (recomputed) e.leafHash = entryLeafHash(e);
    log[i] = e;
    return { kind: `edit ${field}`, at: i, recomputed };
  },
  (log, rnd) => {
    const i = Math.floor(rnd() * log.length);
    log.splice(i, 1);
    const recomputed = rnd() < 0.5;
    if (recomputed) {
      for (let k = i; k < log.length; k++) {
        const e = { ...(log[k] as StoredAuditEntry), sequence: k };
        e.leafHash = entryLeafHash(e);
        log[k] = e;
      }
    }
    return { kind: 'delete', at: i, recomputed };
  },
  (log, rnd) => {
    const i = Math.floor(rnd() * (log.length - 1));
    const j = i + 1 + Math.floor(rnd() * (log.length - 1 - i));
    const recomputed = rnd() < 0.5;
    if (recomputed) {
      // Contents swapped, sequences kept in place, leaf hashes rewritten to match.
      const a = { ...(log[j] as StoredAuditEntry), sequence: i };
      const b = { ...(log[i] as StoredAuditEntry), sequence: j };
      a.leafHash = entryLeafHash(a);
      b.leafHash = entryLeafHash(b);
      log[i] = a;
      log[j] = b;
    } else {
      [log[i], log[j]] = [log[j] as StoredAuditEntry, log[i] as StoredAuditEntry];
    }
    return { kind: 'swap', at: i, recomputed };
  },
  (log, rnd) => {
    const k = Math.floor(rnd() * log.length);
    log.length = k;
    return { kind: 'truncate', at: k, recomputed: false };
  },
];

describe('verification', () => {
  it('passes on the untouched log, from the database and through npm run audit:verify', async () => {
    const report = await services.audit.verify();
    expect(report).toMatchObject({ ok: true, problems: [], firstBadSequence: null, headsMatched: headsSigned.length });
  });

  it('detects every one of 1,000 random edits, deletions, swaps and truncations of a copy of the log', async () => {
    const log = await services.audit.readLog();
    const heads = readTreeHeadFile(headFile).heads;
    const { publicKey } = loadSigningKey(keyFile, { create: false });
    const latest = heads[heads.length - 1] as SignedTreeHead;
    // Tampering stays within what the latest signed head covers (entries after it are not signed yet).
    const signed = log.slice(0, latest.treeSize);
    expect(verifyAuditLog(signed, heads, publicKey).ok).toBe(true);
    const sizes = heads.map((x) => x.treeSize);
    const counts: Record<string, number> = {};
    const started = Date.now();
    for (let trial = 0; trial < 1000; trial++) {
      const rnd = prng(trial + 1);
      const copy = signed.slice();
      const tamper = TAMPERS[trial % TAMPERS.length] as Tamper;
      const t = tamper(copy, rnd);
      const report = verifyAuditLog(copy, heads, publicKey);
      const label = `${t.kind}${t.recomputed ? ' (leaf hashes rewritten)' : ''}`;
      counts[label] = (counts[label] ?? 0) + 1;
      if (report.ok || report.firstBadSequence === null)
        throw new Error(`trial ${trial} (${label} at ${t.at}) went undetected`);
      if (t.recomputed) {
        // Only signed roots disagree (or a signed size is missing): the report proves the prefix up to the last
        // matching head and names no entry before it.
        const bound = Math.max(0, ...sizes.filter((s) => s <= t.at));
        expect([trial, report.verifiedPrefix]).toEqual([trial, bound]);
        expect(report.firstBadSequence).toBeGreaterThanOrEqual(bound);
      } else {
        expect([trial, report.firstBadSequence]).toEqual([trial, t.at]);
      }
    }
    console.log(
      `1,000 tamper trials on a ${signed.length}-entry log, ${heads.length} signed heads: all detected in ` +
        `${Date.now() - started} ms; ${JSON.stringify(counts)}`,
    );
  });

  it('names an entry edited in the database, and npm run audit:verify exits non-zero naming it', async () => {
    const [victim] = await h.cypher(`MATCH (a:AuditEntry {sequence: 3}) RETURN a.actor AS actor`);
    await h.cypher(`MATCH (a:AuditEntry {sequence: 3}) SET a.actor = 'mallory'`);
    const report = await services.audit.verify();
    expect(report.ok).toBe(false);
    expect(report.firstBadSequence).toBe(3);
    expect(report.problems[0]).toMatch(/entry 3 .*edited/);

    const env = { ...process.env, AUDIT_SIGNING_KEY_FILE: keyFile, AUDIT_TREE_HEAD_FILE: headFile };
    const cli = join(PROJECT_ROOT, 'src', 'tools', 'audit-verify-cli.ts');
    const tsx = join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
    const failed = await promisify(execFile)(tsx, [cli], { env, cwd: PROJECT_ROOT }).then(
      () => null,
      (error: { code: number; stdout: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toMatch(/first bad entry: sequence 3/);

    // Put back, the log verifies again; a truncated tail in the database is caught against the file's head.
    await h.cypher(`MATCH (a:AuditEntry {sequence: 3}) SET a.actor = $actor`, { actor: victim?.actor });
    const { stdout } = await promisify(execFile)(tsx, [cli], { env, cwd: PROJECT_ROOT });
    expect(stdout).toMatch(/audit log verified/);
    const size = (await services.audit.readLog()).length;
    await h.cypher(`MATCH (a:AuditEntry) WHERE a.sequence >= $from DETACH DELETE a`, { from: size - 2 });
    const truncated = await services.audit.verify();
    expect(truncated).toMatchObject({ ok: false, firstBadSequence: size - 2 });
    expect(truncated.problems.join('\n')).toMatch(/truncated/);
    expect(readFileSync(headFile, 'utf8').trim().split('\n')).toHaveLength(headsSigned.length);
  });
});
