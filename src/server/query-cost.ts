/**
 * The list-aware cost limit and the list-argument caps. Both need the operation's variables (`cis(first: $n)`,
 * `impactAnalysis(input: $input)` with the ids inside), which validation rules never see, so they run in Apollo's
 * didResolveOperation hook: after parsing and validation, before execution starts any resolver.
 *
 * Cost: every field costs 1; a field with a selection set costs `size × (1 + its selections' cost)`, where `size`
 * is how many items the field may return:
 * - its `first`, `last` or `limit` argument (explicit or default) — or, for a field returning a list, the `limit`
 *   field of its input object (`rootCauseCandidates(input: {limit})`);
 * - else the length of its longest ID-list argument, at the top level or in its input object (`nodes(ids)`,
 *   `impactAnalysis(input: {ciIds})`): each id is worked on;
 * - else, for a list, UNSIZED_LIST — except the edges and nodes of a `...Connection`, which its own `first` counts;
 * - else 1.
 * A fragment spread costs what its fragment costs (computed once per document), so fragment reuse cannot blow the
 * computation up; @skip / @include are ignored (the estimate is an upper bound).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  getNamedType,
  getNullableType,
  isInputObjectType,
  isListType,
  isObjectType,
  isInterfaceType,
  valueFromASTUntyped,
  type FieldNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type DocumentNode,
  type FragmentDefinitionNode,
} from 'graphql';
import type { GraphQLContext } from '../context';

/**
 * Caps that differ from GRAPHQL_MAX_LIST_LENGTH, keyed `InputType.field` or `Type.field(argument)`. An import sent
 * over GraphQL carries its records in one list; the body limit (HTTP_BODY_LIMIT_BYTES) bounds it as well.
 */
export const LIST_CAPS: Readonly<Record<string, number>> = {
  'ImportInput.items': 50_000,
  'ImportInput.relations': 100_000,
};

/** The size assumed for a list field that has no size argument (a CI's relationships, a ticket's journal). */
export const UNSIZED_LIST = 10;

const SIZE_ARGUMENTS = new Set(['first', 'last', 'limit']);

/** GRAPHQL_MAX_COST and GRAPHQL_MAX_LIST_LENGTH (armor.ts's GraphQLLimits carries them). */
interface Limits {
  maxCost: number;
  maxListLength: number;
}
type Variables = Record<string, unknown>;

function refused(message: string, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 }, ...extensions },
  });
}

function isIdList(type: GraphQLInputType): boolean {
  return isListType(getNullableType(type)) && getNamedType(type).name === 'ID';
}

/** Whether values of `type` can hold a list anywhere (memoized per type: an import's items are walked only if so). */
const holdsList = new WeakMap<GraphQLNamedType, boolean>();
function mayHoldList(type: GraphQLInputType): boolean {
  if (isListType(getNullableType(type))) return true;
  const named = getNamedType(type);
  if (!isInputObjectType(named)) return false;
  const known = holdsList.get(named);
  if (known !== undefined) return known;
  holdsList.set(named, false); // a recursive input type is settled by its other fields
  const result = Object.values(named.getFields()).some((f) => mayHoldList(f.type));
  holdsList.set(named, result);
  return result;
}

class CostWalk {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly fragmentCost = new Map<string, number>();

  constructor(
    private readonly schema: GraphQLSchema,
    document: DocumentNode,
    private readonly variables: Variables,
    private readonly limits: Limits,
  ) {
    for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(d.name.value, d);
  }

  selections(set: SelectionSetNode, parent: GraphQLNamedType | undefined): number {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) total += this.field(selection, parent);
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : parent;
        total += this.selections(selection.selectionSet, type ?? undefined);
      } else {
        const name = selection.name.value;
        let cost = this.fragmentCost.get(name);
        if (cost === undefined) {
          this.fragmentCost.set(name, 0); // validation refuses cycles; this only keeps the walk finite regardless
          const fragment = this.fragments.get(name);
          cost = fragment
            ? this.selections(fragment.selectionSet, this.schema.getType(fragment.typeCondition.name.value))
            : 0;
          this.fragmentCost.set(name, cost);
        }
        total += cost;
      }
    }
    return total;
  }

  private fieldDef(parent: GraphQLNamedType | undefined, name: string): GraphQLField<unknown, unknown> | undefined {
    if (name === '__typename') return TypeNameMetaFieldDef;
    if (parent === this.schema.getQueryType()) {
      if (name === '__schema') return SchemaMetaFieldDef;
      if (name === '__type') return TypeMetaFieldDef;
    }
    return parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
  }

  private argument(node: FieldNode, name: string, fallback: unknown): unknown {
    const arg = node.arguments?.find((a) => a.name.value === name);
    if (!arg) return fallback;
    if (arg.value.kind === Kind.VARIABLE) return this.variables[arg.value.name.value] ?? fallback;
    return valueFromASTUntyped(arg.value, this.variables);
  }

  /** Refuses a list longer than its cap, anywhere in `value` (an argument or an input field below one). */
  private checkLists(value: unknown, type: GraphQLInputType, key: string, path: string): void {
    if (value === null || value === undefined || !mayHoldList(type)) return;
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      const items = Array.isArray(value) ? value : [value];
      const cap = LIST_CAPS[key] ?? this.limits.maxListLength;
      if (items.length > cap) {
        const limit = key in LIST_CAPS ? key : 'GRAPHQL_MAX_LIST_LENGTH';
        throw refused(`${path} has ${items.length} items; at most ${cap} are accepted (${limit})`, {
          limit,
          max: cap,
          found: items.length,
          argument: path,
        });
      }
      const inner = nullable.ofType as GraphQLInputType;
      if (mayHoldList(inner)) items.forEach((item, i) => this.checkLists(item, inner, key, `${path}[${i}]`));
      return;
    }
    if (isInputObjectType(nullable) && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      for (const f of Object.values(nullable.getFields()))
        this.checkLists(record[f.name], f.type, `${nullable.name}.${f.name}`, `${path}.${f.name}`);
    }
  }

  private field(node: FieldNode, parent: GraphQLNamedType | undefined): number {
    const def = this.fieldDef(parent, node.name.value);
    if (!def) return 1;
    let size: number | undefined;
    let ids = 0;
    const returnsList = isListType(getNullableType(def.type));
    for (const arg of def.args) {
      const value = this.argument(node, arg.name, arg.defaultValue);
      const at = `${parent?.name}.${def.name}(${arg.name})`;
      this.checkLists(value, arg.type, at, `${def.name}(${arg.name})`);
      if (SIZE_ARGUMENTS.has(arg.name) && typeof value === 'number') size = Math.max(size ?? 0, value);
      if (isIdList(arg.type) && Array.isArray(value)) ids = Math.max(ids, value.length);
      const input = getNamedType(arg.type);
      if (isInputObjectType(input) && value && typeof value === 'object') {
        const record = value as Record<string, unknown>;
        for (const f of Object.values(input.getFields())) {
          const v = record[f.name] ?? f.defaultValue;
          if (returnsList && f.name === 'limit' && typeof v === 'number') size = Math.max(size ?? 0, v);
          if (isIdList(f.type) && Array.isArray(v)) ids = Math.max(ids, v.length);
        }
      }
    }
    if (!node.selectionSet) return 1;
    const inConnection = parent?.name.endsWith('Connection') ?? false;
    const multiplier = size ?? (ids || (returnsList && !inConnection ? UNSIZED_LIST : 1));
    return Math.max(1, multiplier) * (1 + this.selections(node.selectionSet, getNamedType(def.type)));
  }
}

/** The operation's estimated cost; throws the GraphQL error for a list argument over its cap. */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  requestVariables: Variables | undefined,
  limits: Limits,
): number {
  const variables: Variables = {};
  for (const v of operation.variableDefinitions ?? [])
    if (v.defaultValue) variables[v.variable.name.value] = valueFromASTUntyped(v.defaultValue);
  Object.assign(variables, requestVariables);
  const root = schema.getRootType(operation.operation) ?? undefined;
  return new CostWalk(schema, document, variables, limits).selections(operation.selectionSet, root);
}

export function queryCostPlugin(limits: Limits): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const cost = operationCost(schema, document, operation, request.variables, limits);
          if (cost > limits.maxCost)
            throw refused(
              `the query's estimated cost is ${cost}; at most ${limits.maxCost} is accepted (GRAPHQL_MAX_COST)`,
              {
                limit: 'GRAPHQL_MAX_COST',
                max: limits.maxCost,
                found: cost,
              },
            );
        },
      };
    },
  };
}
