/** Shapes the GraphQL layer maps change types onto (see codegen.ts mappers). */
import type { BlackoutRow } from './change.repository';

export interface ScheduleRecord {
  changeIds: string[];
  blackouts: BlackoutRow[];
}
