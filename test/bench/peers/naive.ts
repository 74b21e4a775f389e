/**
 * Peer: the same schema and resolvers without batching — what a resolver that calls the repository once per field
 * costs (N+1). The loaders keep their interface but never batch or cache: every `load` calls the CMDB service's batch
 * read (entities / relationshipsOf / their as-of forms) for one id, each in its own transaction.
 */
import DataLoader from 'dataloader';
import { createTicketLoaders } from '../../../src/modules/tickets/tickets.loaders';
import { createChangeLoaders } from '../../../src/modules/change/change.loaders';
import type { GraphQLContext, Services } from '../../../src/context';
import type { CmdbLoaders } from '../../../src/modules/cmdb/cmdb.loaders';
import type { EntityRecord, RelationshipRow } from '../../../src/modules/cmdb';
import type { Actor } from '../../../src/shared/write';
import { asPrincipal } from '../../../src/shared/auth';

const ONE_AT_A_TIME = { batch: false, cache: false } as const;

function splitKey(key: string): [string, string] {
  const bar = key.indexOf('|');
  return [key.slice(0, bar), key.slice(bar + 1)];
}

export function naiveLoaders(services: Services): CmdbLoaders {
  const cmdb = services.cmdb;
  const entity = new DataLoader<string, EntityRecord | null>(async ([id]) => {
    const [found] = await cmdb.entities([id as string]);
    return [found ?? null];
  }, ONE_AT_A_TIME);
  const relationships = new DataLoader<string, RelationshipRow[]>(
    async ([id]) => [await cmdb.relationshipsOf([id as string])],
    ONE_AT_A_TIME,
  );
  const summaries = (withProperties: boolean): DataLoader<string, RelationshipRow[]> =>
    new DataLoader<string, RelationshipRow[]>(
      async ([id]) => [await cmdb.relationshipSummariesOf([id as string], withProperties)],
      ONE_AT_A_TIME,
    );
  const relationshipSummaries = summaries(true);
  const bareRelationshipSummaries = summaries(false);
  const entityAt = new DataLoader<string, EntityRecord | null>(async ([key]) => {
    const [at, id] = splitKey(key as string);
    const [found] = await cmdb.entitiesAt([id], at);
    return [found ? { ...found, asOf: at } : null];
  }, ONE_AT_A_TIME);
  const relationshipsAt = new DataLoader<string, RelationshipRow[]>(async ([key]) => {
    const [at, id] = splitKey(key as string);
    const rows = await cmdb.relationshipsAt([id], at);
    return [rows.map((r) => ({ ...r, other: { ...r.other, asOf: at }, asOf: at }))];
  }, ONE_AT_A_TIME);
  return { entity, relationships, relationshipSummaries, bareRelationshipSummaries, entityAt, relationshipsAt };
}

/** A request context like `contextFor`, with the unbatched loaders. */
export function naiveContext(services: Services, actor: Actor | null): GraphQLContext {
  return {
    actor: actor ? asPrincipal(actor) : null,
    services,
    loaders: naiveLoaders(services),
    ticketLoaders: createTicketLoaders(services.tickets),
    changeLoaders: createChangeLoaders(services.changes),
  };
}
