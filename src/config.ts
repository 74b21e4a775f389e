/** Environment, parsed once with zod into one typed object. */
import { z } from 'zod';

const schema = z.object({
  /** A running Neo4j to use. When unset, `npm start` starts the local Maven-provisioned one. */
  NEO4J_URI: z.string().url().optional(),
  NEO4J_USER: z.string().default('neo4j'),
  NEO4J_PASSWORD: z.string().default(''),
  NEO4J_DATABASE: z.string().default('neo4j'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /** Import sources from highest to lowest precedence; an attribute set by a higher one is kept. */
  SOURCE_PRECEDENCE: z.string().default('manual,discovery,import'),
  /** Load the demo CMDB on start when the database holds no CI. */
  LOAD_DEMO: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Roles given to an actor whose request names none (X-Actor-Roles). */
  DEFAULT_ROLES: z.string().default('editor'),
});

export type Config = z.infer<typeof schema> & { sourcePrecedence: string[]; defaultRoles: string[] };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid environment:\n${lines.join('\n')}`);
  }
  const split = (s: string): string[] =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  return {
    ...parsed.data,
    sourcePrecedence: split(parsed.data.SOURCE_PRECEDENCE),
    defaultRoles: split(parsed.data.DEFAULT_ROLES),
  };
}
