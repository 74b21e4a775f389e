import { loadConfig, type Config } from '../config';
import { databaseReady, neo4jVersion, type Db } from '../shared/db';
import { findNodeTypes } from '../shared/db/node.repository';
import { CmdbService, ImportService, MANUAL_SOURCE, RegistryStore } from '../modules/cmdb';
import { AnalysisService } from '../modules/analysis';
import { HistoryService } from '../modules/history';
import { TicketService } from '../modules/tickets';
import { ChangeService } from '../modules/change';
import { AuditService } from '../modules/audit';
import { IdentityService, identityConfigFrom, type AuthSettings } from '../modules/identity';
import type { Services } from '../context';

/** `config` names the audit key and tree head files and the AUTH_* settings; without them, loadConfig()'s defaults. */
export function buildServices(
  db: Db,
  config: Pick<Config, 'sourcePrecedence'> &
    Partial<Pick<Config, 'AUDIT_SIGNING_KEY_FILE' | 'AUDIT_TREE_HEAD_FILE'> & AuthSettings>,
): Services {
  const defaults = loadConfig({});
  const registries = new RegistryStore(db);
  const precedence = config.sourcePrecedence.includes(MANUAL_SOURCE)
    ? config.sourcePrecedence
    : [MANUAL_SOURCE, ...config.sourcePrecedence];
  const analysis = new AnalysisService(db, registries);
  const cmdb = new CmdbService(db, registries);
  const tickets = new TicketService(db, analysis, registries);
  const changes = new ChangeService(db, analysis, tickets, cmdb);
  cmdb.useChangeGate(changes);
  analysis.useTicketFacts(tickets.facts);
  return {
    system: {
      neo4jVersion: () => neo4jVersion(db),
      ready: () => databaseReady(db),
      nodeTypes: (ids) => db.readTx((tx) => findNodeTypes(tx, ids), { operation: 'node types' }),
    },
    registries,
    cmdb,
    tickets,
    changes,
    imports: new ImportService(db, registries, precedence),
    analysis,
    history: new HistoryService(db, analysis, registries),
    audit: new AuditService(db, {
      signingKeyFile: config.AUDIT_SIGNING_KEY_FILE ?? defaults.AUDIT_SIGNING_KEY_FILE,
      treeHeadFile: config.AUDIT_TREE_HEAD_FILE ?? defaults.AUDIT_TREE_HEAD_FILE,
    }),
    identity: new IdentityService(db, identityConfigFrom({ ...defaults, ...definedOnly(config) })),
  };
}

/** `config` without its undefined entries, so they do not override defaults when spread. */
function definedOnly<T extends object>(config: T): Partial<T> {
  return Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) as Partial<T>;
}
