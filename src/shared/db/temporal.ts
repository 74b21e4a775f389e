/**
 * Cypher fragments of the storage's versioning convention, for every repository that reads the past. A live record
 * holds its current state, valid from its `updatedAt`; each state it superseded is an immutable (:Revision {id}) with
 * the record's properties, valid from `validFrom` until `validTo`. The fragments take variable names of the caller's
 * statement (never user text).
 */

/**
 * A CALL subquery yielding `state`: the state live record `node` was in at datetime `t` (both variables of the
 * statement) — the record itself when it was last written by then, else its superseded revision valid then; no row
 * when it did not exist yet. Project `state` with `stateProperties`.
 */
export function stateAt(node: string, t: string): string {
  return `CALL (${node}, ${t}) {
       WITH ${node} AS state WHERE state.updatedAt <= ${t} RETURN state
       UNION ALL
       MATCH (state:Revision {id: ${node}.id}) USING INDEX SEEK state:Revision(id)
       WHERE ${node}.updatedAt > ${t} AND state.validFrom <= ${t} AND state.validTo > ${t}
       RETURN state
     }`;
}

/**
 * A state (live record or revision, variable `v`) as a revision's properties: a revision's own, or the live record's
 * with the validity a revision carries (from its `updatedAt`, open-ended) and `derived`, the map entries a revision
 * stores besides the record's properties (e.g. `kind: …, identifiers: …`, built by the record's repository from `v`).
 */
export function stateProperties(v: string, derived: string): string {
  return `CASE WHEN ${v}:Revision THEN properties(${v}) ELSE ${v} {.*, ${derived}, validFrom: ${v}.updatedAt, validTo: null} END`;
}
