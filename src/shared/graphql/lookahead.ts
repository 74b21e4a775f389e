/**
 * Lookahead: whether a field's selection asks only for what a cheaper statement already returns. Answers are cached
 * per field-node list (graphql-js reuses it for every item of a list, and Apollo reuses parsed documents).
 */
import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/** Entity fields every summary carries: `{id, class, name, status}` (and the kind, for unions and __typename). */
export const SUMMARY_FIELDS: ReadonlySet<string> = new Set(['id', 'class', 'name', 'status', '__typename']);

/** True when every selected field (through inline fragments; named fragments are not looked into) is in `fields`. */
export function selectsOnly(set: SelectionSetNode | undefined, fields: ReadonlySet<string>): boolean {
  return (
    !!set &&
    set.selections.every((sel) =>
      sel.kind === Kind.FIELD
        ? fields.has(sel.name.value) && !sel.selectionSet
        : sel.kind === Kind.INLINE_FRAGMENT
          ? selectsOnly(sel.selectionSet, fields)
          : false,
    )
  );
}

const verdicts = new WeakMap<object, Map<string, boolean>>();

/** Caches `decide(fieldNodes)` per field-node list and question. */
export function decided(
  info: GraphQLResolveInfo,
  question: string,
  decide: (nodes: readonly FieldNode[]) => boolean,
): boolean {
  let byQuestion = verdicts.get(info.fieldNodes);
  if (!byQuestion) verdicts.set(info.fieldNodes, (byQuestion = new Map()));
  let verdict = byQuestion.get(question);
  if (verdict === undefined) byQuestion.set(question, (verdict = decide(info.fieldNodes)));
  return verdict;
}

/** The field asks only for summary fields of the entity it returns. */
export function onlySummary(info: GraphQLResolveInfo): boolean {
  return decided(info, 'summary', (nodes) => nodes.every((n) => selectsOnly(n.selectionSet, SUMMARY_FIELDS)));
}

/** The field's selection asks for `name` (directly or in an inline fragment); a named fragment counts as asking. */
export function selects(info: GraphQLResolveInfo, name: string): boolean {
  const asks = (set: SelectionSetNode | undefined): boolean =>
    !!set &&
    set.selections.some((sel) =>
      sel.kind === Kind.FIELD
        ? sel.name.value === name
        : sel.kind === Kind.INLINE_FRAGMENT
          ? asks(sel.selectionSet)
          : true,
    );
  return decided(info, `selects:${name}`, (nodes) => nodes.some((n) => asks(n.selectionSet)));
}
