/** What every resolver receives: the actor, the services, and this request's DataLoaders. */
import type { Db } from '../shared/db';
import type { Actor } from '../shared/write';
import type { CmdbLoaders, CmdbService, ImportService, RegistryStore } from '../modules/cmdb';
import type { AnalysisService } from '../modules/analysis';
import type { HistoryService } from '../modules/history';
import type { ChangeService, TicketLoaders, TicketService } from '../modules/servicedesk';

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
