/**
 * `npm run token -- --subject joe@ioko.example --roles agent [--org ORG_ID] [--name "Joe Bloggs"] [--ttl 8h]`:
 * prints a bearer token signed by the service's local key (AUTH_KEY_FILE, created when missing), for the issuer and
 * audience the service accepts. Refused when AUTH_ISSUER is set: tokens then come from that issuer.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { LocalSigningKey } from '../modules/identity';
import { ASSIGNABLE_ROLES } from '../shared/write';

const USAGE =
  'usage: npm run token -- --subject <id or email> --roles <role,role> [--org <organization id>] [--name <name>] [--ttl 8h]';

/** `90s`, `30m`, `8h`, `7d` (or plain seconds) in seconds. */
function parseTtl(text: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!match) throw new Error(`--ttl ${text}: use a number with s, m, h or d, e.g. 8h`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  const seconds = Number(match[1]) * unit;
  if (seconds <= 0) throw new Error('--ttl must be positive');
  return seconds;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      subject: { type: 'string' },
      roles: { type: 'string' },
      org: { type: 'string' },
      name: { type: 'string' },
      ttl: { type: 'string', default: '8h' },
    },
  });
  if (!values.subject || !values.roles) throw new Error(USAGE);
  const roles = values.roles
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const unknown = roles.filter((r) => !ASSIGNABLE_ROLES.includes(r));
  if (unknown.length) throw new Error(`unknown role ${unknown.join(', ')}; roles are ${ASSIGNABLE_ROLES.join(', ')}`);
  const config = loadConfig();
  if (config.AUTH_ISSUER)
    throw new Error(`AUTH_ISSUER is set (${config.AUTH_ISSUER}): the service accepts that issuer's tokens only`);
  const key = await LocalSigningKey.loadOrCreate(config.AUTH_KEY_FILE);
  const token = await key.sign(
    { subject: values.subject, roles, organizationId: values.org ?? null, name: values.name ?? null },
    { issuer: config.AUTH_LOCAL_ISSUER, audience: config.AUTH_AUDIENCE, ttlSeconds: parseTtl(values.ttl) },
  );
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
