export { HistoryService, checksumOf } from './history.service';
export { historyResolvers } from './history.resolvers';
