/** The service desk's settings (priority matrix, repeat-incident policy, CAB sizes), stored as one JSON setting. */
import type { Db, Tx } from '../../shared/db';
import { write, type Actor } from '../../shared/write';
import { parseInput } from '../cmdb';
import * as repo from './tickets.repository';
import * as v from './tickets.validation';
import { DEFAULT_SETTINGS, priorityOf, type Impact, type ServiceDeskSettings, type Urgency } from './workflow';

const SETTINGS_KEY = 'servicedesk';

export class SettingsService {
  constructor(private readonly db: Db) {}

  async current(tx?: Tx): Promise<ServiceDeskSettings> {
    const raw = tx
      ? await repo.readSetting(tx, SETTINGS_KEY)
      : await this.db.readTx((t) => repo.readSetting(t, SETTINGS_KEY), { operation: 'serviceDeskSettings' });
    return raw ? { ...DEFAULT_SETTINGS, ...(JSON.parse(raw) as Partial<ServiceDeskSettings>) } : DEFAULT_SETTINGS;
  }

  async update(actor: Actor | null, raw: unknown): Promise<ServiceDeskSettings> {
    const input = parseInput(v.settingsSchema, raw);
    return write(this.db, actor, { name: 'updateServiceDeskSettings', permission: 'servicedesk.admin' }, async (tx) => {
      const before = await this.current(tx);
      const after: ServiceDeskSettings = { ...before };
      // The schema's keys are ServiceDeskSettings keys with the same value types; Object.entries loses that pairing.
      for (const [k, value] of Object.entries(input))
        if (value !== null && value !== undefined) (after as unknown as Record<string, unknown>)[k] = value;
      await repo.writeSetting(tx, SETTINGS_KEY, JSON.stringify(after));
      tx.audit({ entityType: 'Settings', entityId: SETTINGS_KEY, action: 'update', before, after });
      return after;
    });
  }

  async priorityFor(impact: Impact, urgency: Urgency): Promise<number> {
    return priorityOf(await this.current(), impact, urgency);
  }
}
