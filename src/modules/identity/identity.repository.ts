/**
 * Identity records: (:ApiKey) integrations' keys, (:LocalUser) local accounts and (:AuthSession) their browser
 * sessions, (:AuthSession)-[:SESSION_OF]->(:LocalUser). Secrets and passwords are stored only as hashes.
 */
import { asRow, bool, optStr, str, strList, type Row, type Tx } from '../../shared/db';

export interface ApiKeyRecord {
  id: string;
  name: string;
  prefix: string;
  roles: string[];
  organizationId: string | null;
  expiresAt: string | null;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface LocalUserRecord {
  id: string;
  email: string;
  name: string;
  roles: string[];
  organizationId: string | null;
  disabled: boolean;
  createdAt: string;
}

const API_KEY_FIELDS = `k.id AS id, k.name AS name, k.prefix AS prefix, k.roles AS roles,
  k.organizationId AS organizationId, k.expiresAt AS expiresAt, k.createdAt AS createdAt, k.createdBy AS createdBy,
  k.revokedAt AS revokedAt, k.lastUsedAt AS lastUsedAt`;

function toApiKey(r: Row): ApiKeyRecord {
  return {
    id: str(r, 'id'),
    name: str(r, 'name'),
    prefix: str(r, 'prefix'),
    roles: strList(r, 'roles'),
    organizationId: optStr(r, 'organizationId'),
    expiresAt: optStr(r, 'expiresAt'),
    createdAt: str(r, 'createdAt'),
    createdBy: str(r, 'createdBy'),
    revokedAt: optStr(r, 'revokedAt'),
    lastUsedAt: optStr(r, 'lastUsedAt'),
  };
}

function toLocalUser(r: Row): LocalUserRecord {
  return {
    id: str(r, 'id'),
    email: str(r, 'email'),
    name: str(r, 'name'),
    roles: strList(r, 'roles'),
    organizationId: optStr(r, 'organizationId'),
    disabled: bool(r, 'disabled'),
    createdAt: str(r, 'createdAt'),
  };
}

/** The one row a CREATE returns. */
function created<T>(rows: Row[], decode: (r: Row) => T): T {
  const [row] = rows;
  if (!row) throw new Error('CREATE returned no row');
  return decode(row);
}

const USER_FIELDS = `u.id AS id, u.email AS email, u.name AS name, u.roles AS roles,
  u.organizationId AS organizationId, coalesce(u.disabled, false) AS disabled, u.createdAt AS createdAt`;

export async function createApiKey(
  tx: Tx,
  key: Omit<ApiKeyRecord, 'createdAt' | 'revokedAt' | 'lastUsedAt'> & { secretHash: string },
): Promise<ApiKeyRecord> {
  const rows = await tx.run(
    `CREATE (k:ApiKey {id: $id, name: $name, prefix: $prefix, roles: $roles, organizationId: $organizationId,
       expiresAt: CASE WHEN $expiresAt IS NULL THEN null ELSE datetime($expiresAt) END, secretHash: $secretHash,
       createdAt: datetime(), createdBy: $createdBy})
     RETURN ${API_KEY_FIELDS}`,
    key,
  );
  return created(rows, toApiKey);
}

export async function findApiKeyBySecretHash(tx: Tx, secretHash: string): Promise<ApiKeyRecord | null> {
  const rows = await tx.run(`MATCH (k:ApiKey {secretHash: $secretHash}) RETURN ${API_KEY_FIELDS}`, { secretHash });
  return rows[0] ? toApiKey(rows[0]) : null;
}

export async function findApiKey(tx: Tx, id: string): Promise<ApiKeyRecord | null> {
  const rows = await tx.run(`MATCH (k:ApiKey {id: $id}) RETURN ${API_KEY_FIELDS}`, { id });
  return rows[0] ? toApiKey(rows[0]) : null;
}

export async function listApiKeys(tx: Tx): Promise<ApiKeyRecord[]> {
  const rows = await tx.run(`MATCH (k:ApiKey) RETURN ${API_KEY_FIELDS} ORDER BY k.createdAt, k.id`);
  return rows.map(toApiKey);
}

/** Sets revokedAt (kept when already revoked); null when no key has the id. */
export async function revokeApiKey(tx: Tx, id: string): Promise<ApiKeyRecord | null> {
  const rows = await tx.run(
    `MATCH (k:ApiKey {id: $id}) SET k.revokedAt = coalesce(k.revokedAt, datetime()) RETURN ${API_KEY_FIELDS}`,
    { id },
  );
  return rows[0] ? toApiKey(rows[0]) : null;
}

export async function touchApiKey(tx: Tx, id: string): Promise<void> {
  await tx.write('MATCH (k:ApiKey {id: $id}) SET k.lastUsedAt = datetime()', { id });
}

export async function createLocalUser(
  tx: Tx,
  user: Omit<LocalUserRecord, 'createdAt' | 'disabled'> & { passwordHash: string },
): Promise<LocalUserRecord> {
  const rows = await tx.run(
    `CREATE (u:LocalUser {id: $id, email: $email, name: $name, roles: $roles, organizationId: $organizationId,
       passwordHash: $passwordHash, disabled: false, createdAt: datetime()})
     RETURN ${USER_FIELDS}`,
    user,
  );
  return created(rows, toLocalUser);
}

export async function findLocalUserByEmail(
  tx: Tx,
  email: string,
): Promise<(LocalUserRecord & { passwordHash: string }) | null> {
  const rows = await tx.run(
    `MATCH (u:LocalUser {email: $email}) RETURN ${USER_FIELDS}, u.passwordHash AS passwordHash`,
    {
      email,
    },
  );
  return rows[0] ? { ...toLocalUser(rows[0]), passwordHash: str(rows[0], 'passwordHash') } : null;
}

export async function listLocalUsers(tx: Tx): Promise<LocalUserRecord[]> {
  return (await tx.run(`MATCH (u:LocalUser) RETURN ${USER_FIELDS} ORDER BY u.email`)).map(toLocalUser);
}

/** Disables the account and ends its sessions; null when no account has the id. */
export async function disableLocalUser(tx: Tx, id: string): Promise<LocalUserRecord | null> {
  const rows = await tx.run(
    `MATCH (u:LocalUser {id: $id}) SET u.disabled = true
     WITH u CALL (u) { OPTIONAL MATCH (s:AuthSession)-[:SESSION_OF]->(u) DETACH DELETE s }
     RETURN ${USER_FIELDS}`,
    { id },
  );
  return rows[0] ? toLocalUser(rows[0]) : null;
}

/** Sets the password hash and ends every session of the account. */
export async function setPassword(tx: Tx, id: string, passwordHash: string): Promise<void> {
  await tx.write(
    `MATCH (u:LocalUser {id: $id}) SET u.passwordHash = $passwordHash
     WITH u CALL (u) { OPTIONAL MATCH (s:AuthSession)-[:SESSION_OF]->(u) DETACH DELETE s }`,
    { id, passwordHash },
  );
}

/** A session of the account; the account's expired sessions are removed on the way. */
export async function createSession(tx: Tx, userId: string, sessionHash: string, expiresAt: string): Promise<void> {
  await tx.write(
    `MATCH (u:LocalUser {id: $userId})
     CALL (u) { OPTIONAL MATCH (old:AuthSession)-[:SESSION_OF]->(u) WHERE old.expiresAt < datetime() DETACH DELETE old }
     CREATE (:AuthSession {sessionHash: $sessionHash, expiresAt: datetime($expiresAt), createdAt: datetime()})
       -[:SESSION_OF]->(u)`,
    { userId, sessionHash, expiresAt },
  );
}

export async function findSession(
  tx: Tx,
  sessionHash: string,
): Promise<{ expiresAt: string; user: LocalUserRecord } | null> {
  const rows = await tx.run(
    `MATCH (s:AuthSession {sessionHash: $sessionHash})-[:SESSION_OF]->(u:LocalUser)
     RETURN s.expiresAt AS expiresAt, {id: u.id, email: u.email, name: u.name, roles: u.roles,
       organizationId: u.organizationId, disabled: coalesce(u.disabled, false), createdAt: u.createdAt} AS user`,
    { sessionHash },
  );
  return rows[0] ? { expiresAt: str(rows[0], 'expiresAt'), user: toLocalUser(asRow(rows[0].user, 'user')) } : null;
}

/** Ends the session; the account it belonged to, or null when there was none. */
export async function deleteSession(tx: Tx, sessionHash: string): Promise<LocalUserRecord | null> {
  const rows = await tx.run(
    `MATCH (s:AuthSession {sessionHash: $sessionHash})-[:SESSION_OF]->(u:LocalUser)
     DETACH DELETE s
     RETURN ${USER_FIELDS}`,
    { sessionHash },
  );
  return rows[0] ? toLocalUser(rows[0]) : null;
}
