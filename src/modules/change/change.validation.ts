/** Input schemas of change and release management (zod): errors name the field and the rule. */
import { z } from 'zod';
import { CHANGE_OUTCOMES, CHANGE_TYPES, ENVIRONMENTS, WORK_ORDER_KINDS, fields } from '../tickets';

const { id, ids, text, required, moment } = fields;
export { moment };

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
