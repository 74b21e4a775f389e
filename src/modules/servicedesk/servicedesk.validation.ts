/** Input schemas of the service desk (zod): errors name the field and the rule. */
import { z } from 'zod';
import {
  CHANGE_OUTCOMES,
  CHANGE_TYPES,
  ENVIRONMENTS,
  IMPACTS,
  PROBLEM_STATUSES,
  TICKET_STATUSES,
  URGENCIES,
  WORK_ORDER_KINDS,
} from './workflow';

const id = z.string().trim().min(1, 'must not be empty').max(200);
const ids = (max = 500) => z.array(id).max(max, `at most ${max}`);
const text = (max: number) => z.string().trim().max(max, `at most ${max} characters`);
const required = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);
export const moment = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO-8601 date-time');

export const logIncidentSchema = z.object({
  shortDescription: required(200),
  description: text(20_000).nullish(),
  reportedBy: z
    .enum(['SERVICE_DESK', 'CUSTOMER', 'MONITORING', 'EMAIL'])
    .nullish()
    .transform((r) => r ?? 'SERVICE_DESK'),
  callerId: id.nullish(),
  serviceId: id.nullish(),
  ciIds: ids()
    .nullish()
    .transform((v) => [...new Set(v ?? [])]),
  category: text(100).nullish(),
  impact: z.enum(IMPACTS),
  urgency: z.enum(URGENCIES),
  assignmentGroupId: id.nullish(),
  assigneeId: id.nullish(),
});

export const updateIncidentSchema = z.object({
  id,
  shortDescription: required(200).nullish(),
  description: text(20_000).nullish(),
  category: text(100).nullish(),
  impact: z.enum(IMPACTS).nullish(),
  urgency: z.enum(URGENCIES).nullish(),
  ciIds: ids().nullish(),
  serviceId: id.nullish(),
});

export const assignSchema = z.object({ id, groupId: id, assigneeId: id.nullish() });

export const transitionTicketSchema = z.object({
  id,
  to: z.enum(TICKET_STATUSES),
  pendingReason: text(2000).nullish(),
  completionCode: text(100).nullish(),
  resolution: text(20_000).nullish(),
  customerAgreement: text(2000).nullish(),
  note: text(20_000).nullish(),
});

export const linkIncidentSchema = z.object({ id, link: z.enum(['DUPLICATE_OF', 'CHILD_OF']), targetId: id });

export const addNoteSchema = z.object({
  ticketId: id,
  kind: z.enum(['WORK_NOTE', 'COMMENT', 'COMMUNICATION', 'TRANSITION']),
  text: required(20_000),
});

export const createProblemSchema = z.object({
  title: required(200),
  description: text(20_000).nullish(),
  ownerId: id.nullish(),
  category: text(100).nullish(),
  incidentIds: ids()
    .nullish()
    .transform((v) => [...new Set(v ?? [])]),
  ciIds: ids()
    .nullish()
    .transform((v) => [...new Set(v ?? [])]),
  origin: z.enum(['REACTIVE', 'PROACTIVE']).nullish(),
});

export const updateProblemSchema = z.object({
  id,
  title: required(200).nullish(),
  description: text(20_000).nullish(),
  ownerId: id.nullish(),
  rootCause: text(20_000).nullish(),
  workaround: text(20_000).nullish(),
  fix: text(20_000).nullish(),
  ciIds: ids().nullish(),
});

export const transitionProblemSchema = z.object({
  id,
  to: z.enum(PROBLEM_STATUSES),
  rootCause: text(20_000).nullish(),
  workaround: text(20_000).nullish(),
  fix: text(20_000).nullish(),
  resolution: text(20_000).nullish(),
  knownError: z
    .object({
      title: required(200).nullish(),
      ciIds: ids().nullish(),
      ciClass: text(64).nullish(),
      version: text(100).nullish(),
    })
    .nullish(),
  note: text(20_000).nullish(),
});

export const createCatalogItemSchema = z
  .object({
    serviceId: id,
    name: required(200),
    description: text(5000).nullish(),
    requiresApproval: z
      .boolean()
      .nullish()
      .transform((v) => v ?? false),
    approver: text(200).nullish(),
    fulfilmentGroupId: id.nullish(),
  })
  .refine((v) => !v.requiresApproval || !!v.approver, {
    message: 'an item that requires approval names its approver',
    path: ['approver'],
  });

export const requestItemSchema = z.object({
  catalogItemId: id,
  title: required(200).nullish(),
  description: text(20_000).nullish(),
  requestedForId: id.nullish(),
  details: z.record(z.string(), z.unknown()).nullish(),
});

export const decideSchema = z.object({ id, approve: z.boolean(), comment: required(5000) });

const matrixRow = z
  .array(z.number().int().min(0, 'priorities are 0 … 4').max(4, 'priorities are 0 … 4'))
  .length(5, 'a row has 5 cells, one per urgency');
export const settingsSchema = z.object({
  priorityMatrix: z.array(matrixRow).length(5, 'the matrix has 5 rows, one per impact').nullish(),
  repeatIncidentThreshold: z.number().int().min(2, 'must be at least 2').max(1000).nullish(),
  repeatIncidentWindowHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 366)
    .nullish(),
  cabMinimumApprovers: z.number().int().min(1).max(20).nullish(),
  ecabMinimumApprovers: z.number().int().min(1).max(20).nullish(),
});

// ── Changes and releases ──────────────────────────────────────────────────────────────────────────────────
const windowRefine = <T extends { plannedStart?: string | null; plannedEnd?: string | null }>(v: T): boolean =>
  !v.plannedStart || !v.plannedEnd || Date.parse(v.plannedStart) < Date.parse(v.plannedEnd);

export const createChangeSchema = z
  .object({
    type: z.enum(CHANGE_TYPES),
    title: required(200),
    description: text(20_000).nullish(),
    ciIds: ids()
      .min(1, 'a change modifies at least one CI')
      .transform((v) => [...new Set(v)]),
    plannedStart: moment.nullish(),
    plannedEnd: moment.nullish(),
    problemIds: ids()
      .nullish()
      .transform((v) => [...new Set(v ?? [])]),
  })
  .refine(windowRefine, { message: 'must be after plannedStart', path: ['plannedEnd'] });

export const updateChangeSchema = z
  .object({
    id,
    title: required(200).nullish(),
    description: text(20_000).nullish(),
    ciIds: ids().min(1, 'a change modifies at least one CI').nullish(),
    plannedStart: moment.nullish(),
    plannedEnd: moment.nullish(),
  })
  .refine(windowRefine, { message: 'must be after plannedStart', path: ['plannedEnd'] });

export const setWorkOrderSchema = z.object({ changeId: id, kind: z.enum(WORK_ORDER_KINDS), content: required(50_000) });

export const submitChangeSchema = z.object({
  id,
  approvers: z
    .array(z.object({ approver: required(200), role: text(200).nullish() }))
    .max(20)
    .nullish()
    .transform((v) => v ?? []),
});

export const decisionSchema = z.object({ id, comment: required(5000) });
export const completeChangeSchema = z.object({ id, outcome: z.enum(CHANGE_OUTCOMES), notes: text(20_000).nullish() });
export const closeChangeSchema = z.object({ id, review: required(20_000) });
export const cancelChangeSchema = z.object({ id, reason: required(5000) });

export const blackoutSchema = z
  .object({
    name: required(200),
    start: moment,
    end: moment,
    reason: text(2000).nullish(),
    ciIds: ids().min(1, 'protect at least one CI or service'),
  })
  .refine((v) => Date.parse(v.start) < Date.parse(v.end), { message: 'must be after start', path: ['end'] });

export const createReleaseSchema = z.object({
  name: required(200),
  version: required(100),
  pack: z.array(required(500)).min(1, 'a release carries a release pack: list its contents').max(1000),
  changeIds: ids().min(1, 'a release is authorized through at least one change'),
  ciIds: ids().min(1, 'name the CIs the release installs on'),
});

export const deployReleaseSchema = z.object({ id, environment: z.enum(ENVIRONMENTS), changeId: id.nullish() });
