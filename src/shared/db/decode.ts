/**
 * Typed reads of stored rows. A repository decodes each row once with these, so services and resolvers see the
 * types the schema promises; a stored value that breaks the promise fails here, naming the field, instead of
 * surfacing later as a wrong answer.
 */
import type { Row } from './db';

/** A stored value is not what the model says it is: a data fault, reported as an internal error. */
export class RowDecodeError extends Error {
  constructor(
    readonly field: string,
    expected: string,
    value: unknown,
  ) {
    super(`stored field "${field}" should be ${expected}, found ${describe(value)}`);
    this.name = 'RowDecodeError';
  }
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (Array.isArray(value)) return 'a list';
  return typeof value;
}

/** A map value (a projected row inside a row); `field` names it in the error. */
export function asRow(value: unknown, field: string): Row {
  if (!isRow(value)) throw new RowDecodeError(field, 'a map', value);
  return value;
}

export function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value of `field`, or null when it is absent. */
function read(row: Row, field: string): unknown {
  const v = row[field];
  return v === undefined ? null : v;
}

export function str(row: Row, field: string): string {
  const v = read(row, field);
  if (typeof v !== 'string') throw new RowDecodeError(field, 'a string', v);
  return v;
}

export function optStr(row: Row, field: string): string | null {
  const v = read(row, field);
  if (v === null) return null;
  if (typeof v !== 'string') throw new RowDecodeError(field, 'a string or nothing', v);
  return v;
}

export function num(row: Row, field: string): number {
  const v = read(row, field);
  if (typeof v !== 'number' || Number.isNaN(v)) throw new RowDecodeError(field, 'a number', v);
  return v;
}

export function optNum(row: Row, field: string): number | null {
  const v = read(row, field);
  if (v === null) return null;
  if (typeof v !== 'number' || Number.isNaN(v)) throw new RowDecodeError(field, 'a number or nothing', v);
  return v;
}

export function bool(row: Row, field: string): boolean {
  const v = read(row, field);
  if (typeof v !== 'boolean') throw new RowDecodeError(field, 'a boolean', v);
  return v;
}

/** An ISO-8601 date-time string (how temporal values leave the driver). */
export function date(row: Row, field: string): string {
  const v = str(row, field);
  if (Number.isNaN(Date.parse(v))) throw new RowDecodeError(field, 'an ISO-8601 date-time', v);
  return v;
}

export function optDate(row: Row, field: string): string | null {
  return read(row, field) === null ? null : date(row, field);
}

export function strList(row: Row, field: string): string[] {
  const v = read(row, field);
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new RowDecodeError(field, 'a string list', v);
  return v;
}

/** One of `values` (an `as const` list such as a workflow's statuses). */
export function oneOf<const T extends string>(row: Row, field: string, values: readonly T[]): T {
  const v = read(row, field);
  if (!isOneOf(v, values)) throw new RowDecodeError(field, `one of ${values.join(', ')}`, v);
  return v;
}

function isOneOf<T extends string>(v: unknown, values: readonly T[]): v is T {
  return values.some((x) => x === v);
}

export function optOneOf<const T extends string>(row: Row, field: string, values: readonly T[]): T | null {
  return read(row, field) === null ? null : oneOf(row, field, values);
}
