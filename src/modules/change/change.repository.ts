/**
 * Cypher of change and release management. A change is (:Ticket:Change {type, status, plannedStart, plannedEnd,
 * risk, …})-[:MODIFIES]->(:CI), with (:WorkOrder {kind, content}) via HAS_WORK_ORDER, (:Approval {order, approver,
 * state}) via HAS_APPROVAL, RESOLVES → Problem. Blackouts are (:BlackoutWindow)-[:PROTECTS]->(:CI). A release is
 * (:Ticket:Release)-[:INCLUDES]->(:Change), -[:INSTALLS_ON]->(:CI), with (:Deployment {environment, at})
 * via HAS_DEPLOYMENT, DEPLOYED_ON → CI and UNDER → the change of a production deployment.
 */
import { asRow, int, num, oneOf, optStr, str, strList, type Row, type Tx } from '../../shared/db';
import { ENVIRONMENTS, WORK_ORDER_KINDS, type Environment, type WorkOrderKind } from '../tickets';
import type { WriteTx } from '../../shared/write';

/** Sets (or clears) a change's planned window, stored as datetimes so windows compare in Cypher. */
export async function setWindow(tx: WriteTx, id: string, start: string | null, end: string | null): Promise<void> {
  await tx.run(
    `MATCH (c:Ticket {id: $id}) USING INDEX SEEK c:Ticket(id)
     SET c.plannedStart = CASE WHEN $start IS NULL THEN null ELSE datetime($start) END,
         c.plannedEnd = CASE WHEN $end IS NULL THEN null ELSE datetime($end) END`,
    { id, start, end },
  );
}

export interface WorkOrderRow {
  changeId: string;
  kind: WorkOrderKind;
  content: string;
  author: string;
  at: string;
}

export async function setWorkOrder(
  tx: WriteTx,
  changeId: string,
  id: string,
  kind: string,
  content: string,
): Promise<void> {
  await tx.run(
    `MATCH (c:Ticket {id: $changeId}) USING INDEX SEEK c:Ticket(id)
     OPTIONAL MATCH (c)-[:HAS_WORK_ORDER]->(old:WorkOrder {kind: $kind})
     DETACH DELETE old
     WITH DISTINCT c
     CREATE (c)-[:HAS_WORK_ORDER]->(:WorkOrder {id: $id, kind: $kind, content: $content, author: $actor, at: datetime.transaction()})`,
    { changeId, id, kind, content, actor: tx.actor.id },
  );
}

export async function workOrdersOf(tx: Tx, changeIds: readonly string[]): Promise<WorkOrderRow[]> {
  const rows = await tx.run(
    `UNWIND $changeIds AS cid
     MATCH (c:Ticket {id: cid}) USING INDEX SEEK c:Ticket(id)
     MATCH (c)-[:HAS_WORK_ORDER]->(w:WorkOrder)
     RETURN cid AS changeId, w.kind AS kind, w.content AS content, w.author AS author, w.at AS at`,
    { changeIds },
  );
  return rows.map((r) => ({
    changeId: str(r, 'changeId'),
    kind: oneOf(r, 'kind', WORK_ORDER_KINDS),
    content: str(r, 'content'),
    author: str(r, 'author'),
    at: str(r, 'at'),
  }));
}

const APPROVAL_STATES = ['PENDING', 'APPROVED', 'REJECTED'] as const;

export interface ApprovalRow {
  changeId: string;
  id: string;
  order: number;
  approver: string;
  role: string | null;
  state: (typeof APPROVAL_STATES)[number];
  comment: string | null;
  decidedAt: string | null;
}

/** Replaces the pending approvals of a change with these (order = position). */
export async function setApprovals(
  tx: WriteTx,
  changeId: string,
  approvals: ReadonlyArray<{ id: string; approver: string; role: string | null }>,
): Promise<void> {
  await tx.run(
    `MATCH (c:Ticket {id: $changeId}) USING INDEX SEEK c:Ticket(id)
     CALL (c) { MATCH (c)-[:HAS_APPROVAL]->(a:Approval) DETACH DELETE a }
     WITH c
     UNWIND range(0, size($approvals) - 1) AS i
     WITH c, i, $approvals[i] AS a
     CREATE (c)-[:HAS_APPROVAL]->(:Approval {id: a.id, order: i + 1, approver: a.approver, role: a.role, state: 'PENDING'})`,
    { changeId, approvals },
  );
}

export async function decideApproval(
  tx: WriteTx,
  approvalId: string,
  state: 'APPROVED' | 'REJECTED',
  comment: string,
): Promise<void> {
  await tx.run(
    `MATCH (a:Approval {id: $approvalId}) USING INDEX SEEK a:Approval(id)
     SET a.state = $state, a.comment = $comment, a.decidedAt = datetime.transaction(), a.decidedBy = $actor`,
    { approvalId, state, comment, actor: tx.actor.id },
  );
}

export async function approvalsOf(tx: Tx, changeIds: readonly string[]): Promise<ApprovalRow[]> {
  const rows = await tx.run(
    `UNWIND $changeIds AS cid
     MATCH (c:Ticket {id: cid}) USING INDEX SEEK c:Ticket(id)
     MATCH (c)-[:HAS_APPROVAL]->(a:Approval)
     RETURN cid AS changeId, a.id AS id, a.order AS order, a.approver AS approver, a.role AS role, a.state AS state,
            a.comment AS comment, a.decidedAt AS decidedAt
     ORDER BY a.order`,
    { changeIds },
  );
  return rows.map((r) => ({
    changeId: str(r, 'changeId'),
    id: str(r, 'id'),
    order: num(r, 'order'),
    approver: str(r, 'approver'),
    role: optStr(r, 'role'),
    state: oneOf(r, 'state', APPROVAL_STATES),
    comment: optStr(r, 'comment'),
    decidedAt: optStr(r, 'decidedAt'),
  }));
}

/** Changes whose window overlaps [from, to), in these statuses, by start. */
export async function changesInWindow(
  tx: Tx,
  from: string,
  to: string,
  statuses: readonly string[],
  limit: number,
): Promise<string[]> {
  const rows = await tx.run(
    `MATCH (c:Change) WHERE c.plannedStart < datetime($to) AND c.plannedEnd > datetime($from) AND c.status IN $statuses
     RETURN c.id AS id ORDER BY c.plannedStart, c.number LIMIT $limit`,
    { from, to, statuses, limit: int(limit) },
  );
  return rows.map((r) => r.id as string);
}

// ── Blackout windows ──────────────────────────────────────────────────────────────────────────────────────
export interface BlackoutRow {
  id: string;
  name: string;
  start: string;
  end: string;
  reason: string | null;
  ciIds: string[];
}

const BLACKOUT =
  '{ id: b.id, name: b.name, start: b.start, end: b.end, reason: b.reason, ciIds: [(b)-[:PROTECTS]->(c:CI) | c.id] }';

export async function createBlackout(tx: WriteTx, row: BlackoutRow): Promise<void> {
  await tx.run(
    `CREATE (b:BlackoutWindow {id: $id, name: $name, start: datetime($start), end: datetime($end), reason: $reason,
                               createdBy: $actor, createdAt: datetime.transaction()})
     WITH b UNWIND $ciIds AS cid
     MATCH (c:Entity {id: cid}) USING INDEX SEEK c:Entity(id)
     CREATE (b)-[:PROTECTS]->(c)`,
    { ...row, actor: tx.actor.id },
  );
}

/** Blackouts overlapping [from, to); with `ciIds`, only those protecting one of them. */
export async function blackoutsOverlapping(
  tx: Tx,
  from: string,
  to: string,
  ciIds: readonly string[] | null,
): Promise<BlackoutRow[]> {
  const rows = await tx.run(
    `MATCH (b:BlackoutWindow) WHERE b.start < datetime($to) AND b.end > datetime($from)
       AND ($ciIds IS NULL OR EXISTS { MATCH (b)-[:PROTECTS]->(c:CI) WHERE c.id IN $ciIds })
     RETURN ${BLACKOUT} AS b ORDER BY b.start`,
    { from, to, ciIds },
  );
  return rows.map((r) => r.b as BlackoutRow);
}

// ── Releases ──────────────────────────────────────────────────────────────────────────────────────────────
export interface DeploymentRow {
  id: string;
  releaseId: string;
  environment: Environment;
  at: string;
  actor: string;
  version: string;
  changeId: string | null;
  ciIds: string[];
}

const DEPLOYMENT = `{ id: d.id, releaseId: r.id, environment: d.environment, at: d.at, actor: d.actor, version: d.version,
  changeId: head([(d)-[:UNDER]->(c:Change) | c.id]), ciIds: [(d)-[:DEPLOYED_ON]->(ci:CI) | ci.id] }`;

function toDeployment(d: unknown): DeploymentRow {
  const r = asRow(d, 'd');
  return {
    id: str(r, 'id'),
    releaseId: str(r, 'releaseId'),
    environment: oneOf(r, 'environment', ENVIRONMENTS),
    at: str(r, 'at'),
    actor: str(r, 'actor'),
    version: str(r, 'version'),
    changeId: optStr(r, 'changeId'),
    ciIds: strList(r, 'ciIds'),
  };
}

export async function addDeployment(tx: WriteTx, row: Omit<DeploymentRow, 'at' | 'actor'>): Promise<void> {
  await tx.run(
    `MATCH (r:Ticket {id: $releaseId}) USING INDEX SEEK r:Ticket(id)
     CREATE (r)-[:HAS_DEPLOYMENT]->(d:Deployment {id: $id, environment: $environment, version: $version, at: datetime.transaction(), actor: $actor})
     WITH d
     CALL (d) { MATCH (c:Ticket {id: $changeId}) USING INDEX SEEK c:Ticket(id) CREATE (d)-[:UNDER]->(c) }
     CALL (d) { UNWIND $ciIds AS cid MATCH (ci:Entity {id: cid}) USING INDEX SEEK ci:Entity(id) CREATE (d)-[:DEPLOYED_ON]->(ci) }`,
    { ...row, actor: tx.actor.id },
  );
}

export async function deploymentsOf(tx: Tx, releaseIds: readonly string[]): Promise<DeploymentRow[]> {
  const rows = await tx.run(
    `UNWIND $releaseIds AS rid
     MATCH (r:Ticket {id: rid}) USING INDEX SEEK r:Ticket(id)
     MATCH (r)-[:HAS_DEPLOYMENT]->(d:Deployment)
     RETURN ${DEPLOYMENT} AS d ORDER BY d.at`,
    { releaseIds },
  );
  return rows.map((r) => toDeployment(r.d));
}

/** Production deployments onto a CI, newest first: which release put which version there, when, under which change. */
export async function deploymentsOnCI(tx: Tx, ciId: string): Promise<DeploymentRow[]> {
  const rows = await tx.run(
    `MATCH (ci:Entity {id: $ciId}) USING INDEX SEEK ci:Entity(id)
     MATCH (ci)<-[:DEPLOYED_ON]-(d:Deployment)<-[:HAS_DEPLOYMENT]-(r:Release)
     RETURN ${DEPLOYMENT} AS d ORDER BY d.at DESC`,
    { ciId },
  );
  return rows.map((r) => toDeployment(r.d));
}

/** Revisions of CIs written under a change (superseded since, or still current). */
export async function revisionsUnder(tx: Tx, changeId: string): Promise<Array<{ ciId: string; revision: number }>> {
  const rows = await tx.run(
    `CALL () {
       MATCH (r:Revision {changeId: $changeId}) RETURN r.id AS ciId, r.revision AS revision, r.validFrom AS at
       UNION ALL
       MATCH (c:Entity {changeId: $changeId}) RETURN c.id AS ciId, c.revision AS revision, c.updatedAt AS at
     }
     RETURN ciId, revision ORDER BY at, revision`,
    { changeId },
  );
  return rows.map((r) => ({ ciId: str(r, 'ciId'), revision: num(r, 'revision') }));
}

export type { Row };
