/**
 * What every resolver receives: the actor, the services, and this request's DataLoaders. A leaf: modules' resolvers
 * import it, and it imports only types, so no import runs back up through server/.
 */
import type { Db } from './shared/db';
import type { Actor } from './shared/write';
import type { CmdbService, ImportService, RegistryStore } from './modules/cmdb';
import type { CmdbLoaders } from './modules/cmdb/cmdb.loaders';
import type { AnalysisService } from './modules/analysis';
import type { HistoryService } from './modules/history';
import type { ChangeService, TicketService } from './modules/servicedesk';
import type { TicketLoaders } from './modules/servicedesk/servicedesk.loaders';

export interface Services {
  db: Db;
  registries: RegistryStore;
  cmdb: CmdbService;
  imports: ImportService;
  analysis: AnalysisService;
  history: HistoryService;
  tickets: TicketService;
  changes: ChangeService;
}

export interface GraphQLContext {
  /** Null for an anonymous request: reads work, writes answer UNAUTHENTICATED. */
  actor: Actor | null;
  services: Services;
  loaders: CmdbLoaders;
  ticketLoaders: TicketLoaders;
}
