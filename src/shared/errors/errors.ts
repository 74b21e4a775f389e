/**
 * Transport-free errors. The GraphQL layer turns them into `extensions.code` in one formatter
 * (src/server/format-error.ts); anything else is masked as INTERNAL_SERVER_ERROR.
 */
import type { ZodError } from 'zod';

export type ErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN' | 'UNAUTHENTICATED' | 'QUERY_TIMEOUT';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra machine-readable facts, copied into `extensions` (e.g. `field`, `currentRevision`). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadUserInputError extends AppError {
  /** `field` is the dotted path of the offending input field, e.g. `input.attributes.cpuCores`. */
  constructor(message: string, field?: string, details: Record<string, unknown> = {}) {
    super('BAD_USER_INPUT', field ? `${field}: ${message}` : message, field ? { field, ...details } : details);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string, id: string) {
    super('NOT_FOUND', `${what} ${id} does not exist`, { id });
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('CONFLICT', message, details);
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message: string) {
    super('UNAUTHENTICATED', message);
  }
}

/** Neo4j ended a transaction that ran past its timeout (NEO4J_TX_TIMEOUT_MS, or NEO4J_IMPORT_TX_TIMEOUT_MS). */
export class QueryTimeoutError extends AppError {
  constructor(timeoutMs: number | undefined) {
    super(
      'QUERY_TIMEOUT',
      timeoutMs === undefined
        ? 'the database ended the statement: it ran past the transaction timeout'
        : `the database ended the statement: it ran past the ${timeoutMs} ms transaction timeout`,
      timeoutMs === undefined ? {} : { timeoutMs },
    );
  }
}

/** Formats a zod issue path as `prefix.a.b[2].c`. */
export function fieldPath(prefix: string, path: ReadonlyArray<PropertyKey>): string {
  let out = prefix;
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** All issues of a zod error as one BAD_USER_INPUT error; the first issue's path is `field`. */
export function fromZodError(error: ZodError, prefix = 'input'): BadUserInputError {
  const issues = error.issues.map((issue) => ({ field: fieldPath(prefix, issue.path), message: issue.message }));
  const first = issues[0] ?? { field: prefix, message: 'invalid input' };
  const message = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  return new BadUserInputError(message.slice(first.field.length + 2), first.field, { issues });
}
