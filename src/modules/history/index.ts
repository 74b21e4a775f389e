export { HistoryService, checksumOf } from './history.service';
