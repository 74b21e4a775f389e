/**
 * Limits on GraphQL documents, all checked before any resolver runs: tokens while parsing, then depth, aliases and
 * directives (graphql-armor's validation rules) and, once the operation and its variables are known, the
 * list-aware cost and the list-argument caps (query-cost.ts). Each refusal is an HTTP 400 whose error names the
 * limit in `extensions.limit` (the environment variable that sets it) with `extensions.max`.
 */
import type { ApolloServerOptions, ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, type ParseOptions, type ValidationContext, type ValidationRule } from 'graphql';
import { loadConfig, type Config } from '../config';
import type { GraphQLContext } from '../context';
import { queryCostPlugin } from './query-cost';

export interface GraphQLLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxCost: number;
  /** Items in one list argument, unless query-cost.ts's LIST_CAPS names another cap for it. */
  maxListLength: number;
  introspection: boolean;
  /** "Did you mean ...?" in validation errors. */
  fieldSuggestions: boolean;
}

export function graphqlLimitsFrom(config: Config): GraphQLLimits {
  return {
    maxDepth: config.GRAPHQL_MAX_DEPTH,
    maxAliases: config.GRAPHQL_MAX_ALIASES,
    maxDirectives: config.GRAPHQL_MAX_DIRECTIVES,
    maxTokens: config.GRAPHQL_MAX_TOKENS,
    maxCost: config.GRAPHQL_MAX_COST,
    maxListLength: config.GRAPHQL_MAX_LIST_LENGTH,
    introspection: config.GRAPHQL_INTROSPECTION,
    fieldSuggestions: config.fieldSuggestions,
  };
}

/** The limits an empty environment gives (the defaults documented in src/config.ts). */
export const DEFAULT_GRAPHQL_LIMITS: GraphQLLimits = graphqlLimitsFrom(loadConfig({}));

/**
 * Reports armor's refusal as a validation error naming the limit. Armor's own reporter prefixes "Syntax Error:" and
 * sets code BAD_USER_INPUT; Apollo turns any validation error into GRAPHQL_VALIDATION_FAILED with HTTP 400.
 */
function reportAs(limit: string, max: number): (context: ValidationContext | null, error: GraphQLError) => void {
  return (context, error) =>
    context?.reportError(
      new GraphQLError(`${error.message.replace(/^Syntax Error: /, '')} (${limit})`, { extensions: { limit, max } }),
    );
}

/**
 * How deep an operation may nest when it introspects: graphql-js's getIntrospectionQuery (what GraphiQL and codegen
 * send) is 15 fields deep through its `ofType` chain. Deeper introspection is refused; breadth bombs (nested
 * `fields { type { fields ... } } }`) are the cost limit's.
 */
export const INTROSPECTION_MAX_DEPTH = 16;

/** Armor's depth, alias and directive rules with our limits; they run with graphql's own validation rules. */
export function limitRules(limits: GraphQLLimits): ValidationRule[] {
  const refuse = { propagateOnRejection: false } as const;
  const off = { enabled: false } as const;
  const armor = new ApolloArmor({
    // Depth counts fields only (an inline fragment or a spread adds no level) and skips what lies under __schema,
    // which the rule below bounds.
    maxDepth: {
      n: limits.maxDepth,
      flattenFragments: true,
      ...refuse,
      onReject: [reportAs('GRAPHQL_MAX_DEPTH', limits.maxDepth)],
    },
    maxAliases: { n: limits.maxAliases, ...refuse, onReject: [reportAs('GRAPHQL_MAX_ALIASES', limits.maxAliases)] },
    maxDirectives: {
      n: limits.maxDirectives,
      ...refuse,
      onReject: [reportAs('GRAPHQL_MAX_DIRECTIVES', limits.maxDirectives)],
    },
    // Armor's token limit re-parses the document in a plugin and throws out of the request pipeline (an HTTP 500
    // over Fastify); graphql's parser counts tokens itself (parseOptions below) and answers 400 in the one parse.
    maxTokens: off,
    // Armor's cost rule multiplies only by literal `first` / `last`, ignores variables, `limit` and list arguments,
    // and skips everything under __schema: query-cost.ts computes the cost instead.
    costLimit: off,
    // Apollo's hideSchemaDetailsFromClientErrors removes the suggestion without leaving a dangling "?".
    blockFieldSuggestion: off,
  });
  const introspectionDepth = Math.max(limits.maxDepth, INTROSPECTION_MAX_DEPTH);
  const introspection = new ApolloArmor({
    maxDepth: {
      n: introspectionDepth,
      flattenFragments: true,
      ignoreIntrospection: false,
      ...refuse,
      onReject: [reportAs('INTROSPECTION_MAX_DEPTH', introspectionDepth)],
    },
    maxAliases: off,
    maxDirectives: off,
    maxTokens: off,
    costLimit: off,
    blockFieldSuggestion: off,
  });
  return [...armor.protect().validationRules, ...introspection.protect().validationRules];
}

/** Names the token limit on graphql's "Document contains more that N tokens" parse error (its spelling). */
function tokenLimitNaming(maxTokens: number): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async parsingDidStart() {
          return async (error) => {
            if (error instanceof GraphQLError && /contains more tha[nt] \d+ tokens/.test(error.message))
              Object.assign(error.extensions, { limit: 'GRAPHQL_MAX_TOKENS', max: maxTokens });
          };
        },
      };
    },
  };
}

/** The Apollo options that enforce `limits`; createApollo spreads them into its configuration. */
export function armorOptions(
  limits: GraphQLLimits,
): Pick<
  ApolloServerOptions<GraphQLContext>,
  'validationRules' | 'parseOptions' | 'introspection' | 'hideSchemaDetailsFromClientErrors'
> & { plugins: ApolloServerPlugin<GraphQLContext>[] } {
  const parseOptions: ParseOptions = { maxTokens: limits.maxTokens };
  return {
    parseOptions,
    validationRules: limitRules(limits),
    introspection: limits.introspection,
    hideSchemaDetailsFromClientErrors: !limits.fieldSuggestions,
    plugins: [tokenLimitNaming(limits.maxTokens), queryCostPlugin(limits)],
  };
}
