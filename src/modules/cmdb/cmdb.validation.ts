/** zod schemas of the CMDB's inputs: shapes and rules that GraphQL's types cannot say. */
import { z } from 'zod';
import { ATTRIBUTE_NAME_PATTERN, ATTRIBUTE_TYPES, CI_STATUSES, NAME_PATTERN } from './registry';

export const nameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  // eslint-disable-next-line no-control-regex -- control characters are exactly what the rule refuses
  .refine((s) => !/[\u0000-\u001f]/.test(s), 'must not contain control characters');

const flatValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]);

/** A flat JSON object of attributes (types per class are checked against the registry later). */
export const attributesSchema = z.record(
  z.string().regex(ATTRIBUTE_NAME_PATTERN, 'attribute names are camelCase letters, digits and _'),
  flatValue,
);

export const identifiersSchema = z.record(
  z.string().regex(ATTRIBUTE_NAME_PATTERN, 'identifier names are camelCase letters, digits and _'),
  z.string().trim().min(1, 'identifier values must not be empty').max(500).nullable(),
);

const status = z.enum(CI_STATUSES);
const id = z.string().min(1).max(100);

export const createCISchema = z.object({
  class: z.string().min(1),
  name: nameSchema,
  status: status.nullish().transform((s) => s ?? 'PLANNED'),
  version: z.string().trim().max(100).nullish(),
  attributes: attributesSchema.nullish(),
  identifiers: identifiersSchema.nullish(),
  locationId: id.nullish(),
  ownerGroupId: id.nullish(),
});
export type CreateCI = z.infer<typeof createCISchema>;

export const updateCISchema = z.object({
  id,
  expectedRevision: z.number().int().min(1),
  name: nameSchema.nullish(),
  status: status.nullish(),
  version: z.string().trim().max(100).nullish(),
  attributes: attributesSchema.nullish(),
  identifiers: identifiersSchema.nullish(),
  locationId: id.nullish(),
  ownerGroupId: id.nullish(),
  changeId: id.nullish(),
});
export type UpdateCI = z.infer<typeof updateCISchema>;

export const retireCISchema = z.object({
  id,
  expectedRevision: z.number().int().min(1).nullish(),
  reason: z.string().max(2000).nullish(),
  changeId: id.nullish(),
});

export const relateSchema = z.object({
  type: z.string(),
  fromId: id,
  toId: id,
  attributes: attributesSchema.nullish(),
  changeId: id.nullish(),
});

export const defineClassSchema = z.object({
  name: z.string().regex(NAME_PATTERN, 'class names are PascalCase letters and digits, 2 to 64 characters'),
  description: z.string().max(2000).nullish(),
  baseClass: z.string().nullish(),
  identifyingKeys: z.array(z.string().regex(ATTRIBUTE_NAME_PATTERN)).max(10).nullish(),
  attributes: z
    .array(
      z.object({
        name: z.string().regex(ATTRIBUTE_NAME_PATTERN, 'attribute names are camelCase letters, digits and _'),
        type: z.enum(ATTRIBUTE_TYPES),
        required: z.boolean().nullish(),
        description: z.string().max(2000).nullish(),
        allowedValues: z.array(z.string().min(1)).min(1).nullish(),
        min: z.number().nullish(),
        max: z.number().nullish(),
      }),
    )
    .max(200)
    .nullish(),
});
export type DefineClass = z.infer<typeof defineClassSchema>;

/** Parses or throws BAD_USER_INPUT naming the field (`prefix.path`). */
export { parseInput } from './parse';
