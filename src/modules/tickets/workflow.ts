/**
 * The service desk's rules that need no database: status models, the priority matrix, work orders, CAB sizes,
 * release environments. Statuses and priorities are the ones of the operations manual (seed 002); the change
 * work orders are the ones every change must carry (seed 000).
 */
import { BadUserInputError } from '../../shared/errors';

// ── Incidents and service requests (one status model, seed 002) ────────────────────────────────────────────
export const TICKET_STATUSES = ['NEW', 'ASSIGNED', 'ACCEPTED', 'PENDING', 'COMPLETED', 'CLOSED'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const OPEN_TICKET_STATUSES: readonly TicketStatus[] = ['NEW', 'ASSIGNED', 'ACCEPTED', 'PENDING'];

/**
 * New: being documented and qualified · Assigned: a work group is assigned · Accepted: a member owns it and works it ·
 * Pending: waiting for something or someone · Completed: service restored, not yet confirmed by the customer ·
 * Closed: closed with the customer's agreement. A completed ticket the customer does not accept goes back to Accepted.
 */
export const TICKET_TRANSITIONS: Record<TicketStatus, readonly TicketStatus[]> = {
  NEW: ['ASSIGNED', 'COMPLETED'],
  ASSIGNED: ['ACCEPTED', 'PENDING', 'COMPLETED'],
  ACCEPTED: ['PENDING', 'COMPLETED'],
  PENDING: ['ACCEPTED', 'COMPLETED'],
  COMPLETED: ['CLOSED', 'ACCEPTED'],
  CLOSED: [],
};

// ── Problems ──────────────────────────────────────────────────────────────────────────────────────────────
export const PROBLEM_STATUSES = ['NEW', 'INVESTIGATING', 'KNOWN_ERROR', 'RESOLVED', 'CLOSED'] as const;
export type ProblemStatus = (typeof PROBLEM_STATUSES)[number];
export const PROBLEM_TRANSITIONS: Record<ProblemStatus, readonly ProblemStatus[]> = {
  NEW: ['INVESTIGATING'],
  INVESTIGATING: ['KNOWN_ERROR', 'RESOLVED'],
  KNOWN_ERROR: ['RESOLVED'],
  RESOLVED: ['CLOSED', 'INVESTIGATING'],
  CLOSED: [],
};

// ── Changes ───────────────────────────────────────────────────────────────────────────────────────────────
export const CHANGE_TYPES = ['STANDARD', 'NORMAL', 'EMERGENCY'] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];
export const CHANGE_STATUSES = [
  'NEW',
  'ASSESSMENT',
  'AUTHORIZED',
  'SCHEDULED',
  'IMPLEMENTING',
  'REVIEW',
  'CLOSED',
  'REJECTED',
  'CANCELLED',
] as const;
export type ChangeStatus = (typeof CHANGE_STATUSES)[number];
/** Statuses in which a change still occupies its window on the Forward Schedule of Change. */
export const LIVE_CHANGE_STATUSES: readonly ChangeStatus[] = [
  'NEW',
  'ASSESSMENT',
  'AUTHORIZED',
  'SCHEDULED',
  'IMPLEMENTING',
];
/** A change in one of these has been approved (by the CAB, or pre-approved as a standard change). */
export const APPROVED_CHANGE_STATUSES: readonly ChangeStatus[] = [
  'AUTHORIZED',
  'SCHEDULED',
  'IMPLEMENTING',
  'REVIEW',
  'CLOSED',
];
export const CHANGE_TRANSITIONS: Record<ChangeStatus, readonly ChangeStatus[]> = {
  NEW: ['ASSESSMENT', 'AUTHORIZED', 'CANCELLED'],
  ASSESSMENT: ['AUTHORIZED', 'REJECTED', 'CANCELLED'],
  AUTHORIZED: ['SCHEDULED', 'CANCELLED'],
  SCHEDULED: ['IMPLEMENTING', 'CANCELLED'],
  IMPLEMENTING: ['REVIEW'],
  REVIEW: ['CLOSED'],
  CLOSED: [],
  REJECTED: [],
  CANCELLED: [],
};

/** The work orders every change carries (seed 000). Authorization is the CAB's (or a standard change's pre-approval). */
export const WORK_ORDER_KINDS = [
  'RISK_ASSESSMENT',
  'TEST_PLAN',
  'ROLLBACK_PLAN',
  'IMPLEMENTATION_PLAN',
  'AUTHORIZATION',
] as const;
export type WorkOrderKind = (typeof WORK_ORDER_KINDS)[number];
/** Written by people before the change goes to the CAB; AUTHORIZATION is recorded when the approvals are complete. */
export const PLANNING_WORK_ORDERS: readonly WorkOrderKind[] = [
  'RISK_ASSESSMENT',
  'TEST_PLAN',
  'ROLLBACK_PLAN',
  'IMPLEMENTATION_PLAN',
];
export const CHANGE_OUTCOMES = ['SUCCESSFUL', 'FAILED', 'ROLLED_BACK'] as const;
export type ChangeOutcome = (typeof CHANGE_OUTCOMES)[number];

// ── Releases ──────────────────────────────────────────────────────────────────────────────────────────────
/** Environments in the order a release moves through them; every one before PRODUCTION is a test environment. */
export const ENVIRONMENTS = ['TEST', 'RC', 'STAGE', 'PRODUCTION'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
/** A release is PLANNED until its first deployment, then at the furthest environment it has reached. */
export const RELEASE_STATUSES = ['PLANNED', ...ENVIRONMENTS] as const;
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

// ── Priority (seed 002): impact × urgency → 0 (natural disaster) … 4 (requests, negotiated) ──────────────────
export const IMPACTS = ['SEVERE', 'HIGH', 'MEDIUM', 'LOW', 'NONE'] as const;
export type Impact = (typeof IMPACTS)[number];
export const URGENCIES = ['IMMEDIATE', 'CRITICAL', 'URGENT', 'NORMAL', 'NEGOTIATED'] as const;
export type Urgency = (typeof URGENCIES)[number];
/** Where an incident came from. */
export const REPORTERS = ['SERVICE_DESK', 'CUSTOMER', 'MONITORING', 'EMAIL'] as const;
export type Reporter = (typeof REPORTERS)[number];

/**
 * The default matrix: rows are impacts (SEVERE … NONE), columns urgencies (IMMEDIATE … NEGOTIATED). The manual's
 * table gives the diagonal (Severe/Immediate = 0 … None/Negotiated = 4); off the diagonal the priority is the mean of
 * the two levels rounded towards the less urgent one, so priority 0 needs both severe impact and immediate urgency.
 */
export const DEFAULT_PRIORITY_MATRIX: number[][] = IMPACTS.map((_, i) =>
  URGENCIES.map((__, u) => Math.ceil((i + u) / 2)),
);

export interface ServiceDeskSettings {
  priorityMatrix: number[][];
  /** This many incidents on one CI within the window raise a problem by themselves. */
  repeatIncidentThreshold: number;
  repeatIncidentWindowHours: number;
  /** Approvers a normal change needs at least (the CAB), and an emergency change (the emergency CAB). */
  cabMinimumApprovers: number;
  ecabMinimumApprovers: number;
}

export const DEFAULT_SETTINGS: ServiceDeskSettings = {
  priorityMatrix: DEFAULT_PRIORITY_MATRIX,
  repeatIncidentThreshold: 3,
  repeatIncidentWindowHours: 24 * 7,
  cabMinimumApprovers: 2,
  ecabMinimumApprovers: 1,
};

export function priorityOf(settings: ServiceDeskSettings, impact: Impact, urgency: Urgency): number {
  return settings.priorityMatrix[IMPACTS.indexOf(impact)]![URGENCIES.indexOf(urgency)]!;
}

/** Refuses an illegal transition with the legal ones named, e.g. "CLOSED → ACCEPTED is not allowed; from CLOSED: none". */
export function assertTransition<S extends string>(
  what: string,
  table: Record<S, readonly S[]>,
  from: S,
  to: S,
  field = 'input.to',
): void {
  if (from === to) throw new BadUserInputError(`${what} is already ${to}`, field, { legal: [...table[from]] });
  if (!table[from].includes(to)) {
    const legal = table[from];
    throw new BadUserInputError(
      `${what} cannot go from ${from} to ${to}; from ${from} it can go to ${legal.length ? legal.join(', ') : 'no other status (final)'}`,
      field,
      { legal: [...legal] },
    );
  }
}

export const CHANGE_RISKS = ['LOW', 'MEDIUM', 'HIGH'] as const;
export type ChangeRisk = (typeof CHANGE_RISKS)[number];

/**
 * The risk of a change from the impact analysis of taking its CIs down: no service affected is LOW; services
 * affected but no customer, or a single customer on a degraded service, MEDIUM; a customer's service down, or
 * three or more services, HIGH. Emergency changes are one level higher (less testing, less time to review).
 */
export function riskOf(
  type: ChangeType,
  services: Array<{ state: string }>,
  customers: Array<{ services: Array<{ state: string }> }>,
): ChangeRisk {
  const levels: ChangeRisk[] = ['LOW', 'MEDIUM', 'HIGH'];
  let level = 0;
  if (services.length > 0) level = 1;
  if (
    services.length >= 3 ||
    customers.some((c) => c.services.some((s) => s.state === 'DOWN')) ||
    customers.length >= 2
  )
    level = 2;
  if (type === 'EMERGENCY') level = Math.min(2, level + 1);
  return levels[level]!;
}

/** The environment a release may go to next: forward only, and PRODUCTION only after at least one test environment. */
export function deploymentViolation(deployed: readonly Environment[], target: Environment): string | null {
  const rank = ENVIRONMENTS.indexOf(target);
  const highest = Math.max(-1, ...deployed.map((e) => ENVIRONMENTS.indexOf(e)));
  if (rank < highest) {
    return `the release is already in ${ENVIRONMENTS[highest]}: it moves forward only (${ENVIRONMENTS.join(' → ')}); build a new release to go back`;
  }
  if (target === 'PRODUCTION' && !deployed.some((e) => e !== 'PRODUCTION')) {
    return `a release reaches PRODUCTION only after a test environment (${ENVIRONMENTS.slice(0, -1).join(', ')}); it has been deployed to none`;
  }
  return null;
}
