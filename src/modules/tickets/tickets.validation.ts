/** Input schemas of incidents, problems, requests and settings (zod): errors name the field and the rule. */
import { z } from 'zod';
import { IMPACTS, PROBLEM_STATUSES, TICKET_STATUSES, URGENCIES } from './workflow';

const id = z.string().trim().min(1, 'must not be empty').max(200);
const ids = (max = 500) => z.array(id).max(max, `at most ${max}`);
const text = (max: number) => z.string().trim().max(max, `at most ${max} characters`);
const required = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);
const moment = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO-8601 date-time');

/** The field rules every service-desk input shares (the change module's inputs use them too). */
export const fields = { id, ids, text, required, moment };

/** A list's page size. */
export const limitSchema = z.number().int().min(1, 'must be at least 1').max(1000, 'must be at most 1000');

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
