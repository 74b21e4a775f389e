/**
 * What every resolver receives: the actor, the services, and this request's DataLoaders. A leaf: modules' resolvers
 * import it, and it imports only types, so no import runs back up through server/.
 */
import type { Principal } from './shared/auth';
import type { CmdbService, ImportService, RegistryStore } from './modules/cmdb';
import type { CmdbLoaders } from './modules/cmdb/cmdb.loaders';
import type { AnalysisService } from './modules/analysis';
import type { HistoryService } from './modules/history';
import type { TicketService } from './modules/tickets';
import type { TicketLoaders } from './modules/tickets/tickets.loaders';
import type { ChangeService } from './modules/change';
import type { ChangeLoaders } from './modules/change/change.loaders';
import type { AuditService } from './modules/audit';
import type { IdentityService } from './modules/identity';

/** What the service knows about itself and its database (serverInfo, readiness). */
export interface SystemService {
  neo4jVersion(): Promise<string>;
  /** True when the database answers a read. */
  ready(): Promise<boolean>;
  /** The GraphQL type of the record each global id names (`node(id:)`); ids no record has are absent. */
  nodeTypes(ids: readonly string[]): Promise<Map<string, string>>;
}

export interface Services {
  system: SystemService;
  registries: RegistryStore;
  cmdb: CmdbService;
  imports: ImportService;
  analysis: AnalysisService;
  history: HistoryService;
  tickets: TicketService;
  changes: ChangeService;
  audit: AuditService;
  identity: IdentityService;
}

export interface GraphQLContext {
  /**
   * The authenticated principal. Over HTTP it is never null (src/server/authenticate.ts answers 401 first);
   * in-process callers may pass null, and writes then answer UNAUTHENTICATED.
   */
  actor: Principal | null;
  services: Services;
  loaders: CmdbLoaders;
  ticketLoaders: TicketLoaders;
  changeLoaders: ChangeLoaders;
}
