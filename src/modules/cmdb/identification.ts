/**
 * Identification rules shared by single writes and imports: which identifiers a record has, and whether its
 * attributes fit its class.
 */
import { BadUserInputError, fieldPath } from '../../shared/errors';
import { identifierKey, type IdentifierRow } from './cmdb.rows';
import type { Registry } from './registry';

/**
 * A record's identifiers: always `name`, then each identifying key given explicitly or found as a string
 * attribute of the same name. Throws BAD_USER_INPUT on a key the class does not identify by, or a clash.
 */
export function identifiersOf(
  registry: Registry,
  className: string,
  name: string,
  attributes: Record<string, unknown>,
  explicit: Record<string, string | null>,
  prefix: string,
): Record<string, string> {
  const keys = registry.identifyingKeysOf(className);
  const out: Record<string, string> = { name };
  for (const [key, value] of Object.entries(explicit)) {
    if (!keys.includes(key)) {
      throw new BadUserInputError(
        `${key} is not an identifying key of ${className} (identifying keys: ${keys.join(', ')})`,
        `${prefix}.identifiers.${key}`,
      );
    }
    if (key === 'name' && value !== null && value !== name) {
      throw new BadUserInputError(
        `identifier name "${value}" differs from the name "${name}"`,
        `${prefix}.identifiers.name`,
      );
    }
    if (value !== null && key !== 'name') out[key] = value;
  }
  for (const key of keys) {
    const attr = attributes[key];
    if (key === 'name' || typeof attr !== 'string' || attr === '') continue;
    if (out[key] !== undefined && out[key] !== attr) {
      throw new BadUserInputError(
        `identifier ${key} "${out[key]}" differs from attribute ${key} "${attr}"`,
        `${prefix}.identifiers.${key}`,
      );
    }
    out[key] = attr;
  }
  return out;
}

export function identifierRows(className: string, identifiers: Record<string, string>): IdentifierRow[] {
  return Object.entries(identifiers).map(([name, value]) => ({
    key: identifierKey(className, name, value),
    name,
    value,
  }));
}

/** Checks attributes against the class schema; throws BAD_USER_INPUT naming the first bad attribute. */
export function checkAttributes(
  registry: Registry,
  className: string,
  attributes: Record<string, unknown>,
  prefix: string,
): Record<string, unknown> {
  const parsed = registry.attributeSchema(className, 'complete').safeParse(attributes);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const known = registry.attributesOf(className).map((a) => a.name);
  if (issue?.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    throw new BadUserInputError(
      `unknown attribute for class ${className} (known: ${known.join(', ') || 'none'})`,
      `${prefix}.attributes.${key}`,
    );
  }
  const path = issue?.path ?? [];
  const message =
    issue?.code === 'invalid_type' && issue.input === undefined ? `required by class ${className}` : issue?.message;
  throw new BadUserInputError(message ?? 'invalid', fieldPath(`${prefix}.attributes`, path));
}
