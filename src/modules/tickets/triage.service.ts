/** Triage: the agent queue, and what may be related to an incident (other open incidents, known errors). */
import type { Db } from '../../shared/db';
import { BadUserInputError } from '../../shared/errors';
import type { Actor } from '../../shared/write';
import { parseInput } from '../cmdb';
import type { AnalysisService } from '../analysis';
import * as repo from './tickets.repository';
import type { TicketRecord } from './tickets.repository';
import * as v from './tickets.validation';
import { OPEN_TICKET_STATUSES } from './workflow';

export interface SuggestionsRecord {
  relatedIncidents: Array<{ incidentId: string; reason: string }>;
  knownErrors: Array<{ knownErrorId: string; reason: string }>;
}

export interface QueueEntryRecord extends repo.QueueRow {
  slaTarget: string | null;
  slaDueAt: string | null;
}

export class TriageService {
  constructor(
    private readonly db: Db,
    private readonly analysis: AnalysisService,
  ) {}

  /**
   * The agent queue: open incidents of these groups (or of the actor's groups: the Person whose email is the
   * actor), highest priority first, then oldest. One statement, bounded by `first`.
   */
  async queue(
    actor: Actor | null,
    groupIds: readonly string[] | null | undefined,
    first: number | null | undefined,
  ): Promise<QueueEntryRecord[]> {
    const limit = parseInput(v.limitSchema, first ?? 50, 'first');
    return this.db.readTx(
      async (tx) => {
        let groups = groupIds?.length ? [...groupIds] : null;
        if (!groups) {
          if (!actor)
            throw new BadUserInputError(
              'name the groups, or sign in as a person (token subject: their email) who is in groups',
              'groupIds',
            );
          groups = await repo.groupsOfPersonByEmail(tx, actor.id);
        }
        const rows = await repo.queue(tx, groups, OPEN_TICKET_STATUSES, limit);
        return rows.map((r) => ({ ...r, slaTarget: null, slaDueAt: null }));
      },
      { operation: 'agentQueue' },
    );
  }

  /** Related open incidents (same CI, CIs it depends on, CIs depending on it) and applicable known errors. */
  async suggestions(incident: TicketRecord): Promise<SuggestionsRecord> {
    const ciIds = [...new Set([...incident.ciIds, ...(incident.serviceId ? [incident.serviceId] : [])])];
    if (!ciIds.length) return { relatedIncidents: [], knownErrors: [] };
    // dependency id → the affected CI that relies on it
    const upstream = await this.analysis.dependedOnBy(ciIds, 3);
    const impact = await this.analysis.impact({ ciIds, maxDepth: 3, limit: 2000 }, 'incident.ciIds');
    const downstream = new Map(impact.affected.filter((a) => a.depth > 0).map((a) => [a.id, a.path[0] as string]));
    return this.db.readTx(
      async (tx) => {
        const all = [...new Set([...ciIds, ...upstream.keys(), ...downstream.keys()])];
        const related = await repo.openIncidentsOn(tx, all, OPEN_TICKET_STATUSES, incident.id);
        const names = await repo.namesOf(tx, all);
        const nameOf = (id: string): string => names.get(id) ?? id;
        const seen = new Set<string>();
        const relatedIncidents: SuggestionsRecord['relatedIncidents'] = [];
        for (const r of related) {
          if (seen.has(r.id)) continue;
          seen.add(r.id);
          let reason = `same CI ${r.ciName}`;
          if (!ciIds.includes(r.ciId)) {
            if (upstream.has(r.ciId))
              reason = `on ${r.ciName}, which ${nameOf(upstream.get(r.ciId) as string)} depends on`;
            else reason = `on ${r.ciName}, which depends on ${nameOf(downstream.get(r.ciId) as string)}`;
          }
          relatedIncidents.push({ incidentId: r.id, reason });
        }
        const kes = await repo.knownErrorsFor(tx, ciIds);
        const keSeen = new Set<string>();
        const knownErrors = kes
          .filter((k) => !keSeen.has(k.id) && keSeen.add(k.id))
          .map((k) => ({
            knownErrorId: k.id,
            reason: k.how === 'CI' ? `logged against ${k.ciName}` : `applies to the class (and version) of ${k.ciName}`,
          }));
        return { relatedIncidents, knownErrors };
      },
      { operation: 'incidentSuggestions' },
    );
  }
}
