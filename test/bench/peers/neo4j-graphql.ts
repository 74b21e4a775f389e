/**
 * Peer: @neo4j/graphql (Neo4j's auto-generated GraphQL layer) over the same database, typed the way its users type
 * a CMDB: one `CI` node type (labels CI and Entity, so lookups by id use the Entity(id) index) with a relationship field per relationship type and direction, `Party` for
 * groups and organizations, and hand-written @cypher fields for traversals (APOC's breadth-first expansion with a
 * relationship filter passed as an argument — no propagation rules, which it cannot express).
 */
import { Neo4jGraphQL } from '@neo4j/graphql';
import { execute, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Driver } from 'neo4j-driver';
import type { RelationshipTypeDef } from '../../../src/modules/cmdb';

const camel = (type: string): string => type.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Relationship fields per type: `<type>Out` and `<type>In`, each to the node type at the other end. */
export interface RelField {
  field: string;
  type: string;
  outgoing: boolean;
  target: 'CI' | 'Party';
}

export function relationshipFields(types: readonly RelationshipTypeDef[]): RelField[] {
  const fields: RelField[] = [];
  const isParty = (classes: readonly string[]): boolean =>
    classes.every((c) => ['Organization', 'Group', 'Person'].includes(c));
  for (const t of types) {
    const fromParty = isParty(t.from);
    const toParty = isParty(t.to);
    if (fromParty && toParty) continue; // party to party (MEMBER_OF_GROUP): never on a CI
    if (!fromParty)
      fields.push({ field: `${camel(t.name)}Out`, type: t.name, outgoing: true, target: toParty ? 'Party' : 'CI' });
    if (!toParty)
      fields.push({ field: `${camel(t.name)}In`, type: t.name, outgoing: false, target: fromParty ? 'Party' : 'CI' });
  }
  return fields;
}

export function typeDefs(fields: readonly RelField[]): string {
  return `
type CI @node(labels: ["CI", "Entity"]) {
  id: ID!
  name: String!
  class: String!
  status: String
${fields.map((f) => `  ${f.field}: [${f.target}!]! @relationship(type: "${f.type}", direction: ${f.outgoing ? 'OUT' : 'IN'})`).join('\n')}
  "Closure along a relationship filter (APOC breadth-first), the CI itself included."
  reach(filter: String!, depth: Int!): [CI!]!
    @cypher(
      statement: """
      CALL apoc.path.subgraphNodes(this, {relationshipFilter: $filter, maxLevel: toInteger($depth), limit: 10001, bfs: true})
        YIELD node
      WITH node WHERE node:CI
      RETURN node
      """
      columnName: "node"
    )
}

type Party @node(labels: ["Party", "Entity"]) {
  id: ID!
  name: String!
  class: String!
}
`;
}

export interface Neo4jGraphQLPeer {
  schema: GraphQLSchema;
  fields: RelField[];
  /** parse + validate + execute, as a GraphQL server would (the document is parsed once per operation). */
  run(source: string, variables: Record<string, unknown>): Promise<Record<string, any>>;
  pageQuery: string;
  oneHopQuery: string;
  reachQuery: string;
}

export async function createNeo4jGraphQLPeer(
  driver: Driver,
  types: readonly RelationshipTypeDef[],
): Promise<Neo4jGraphQLPeer> {
  const fields = relationshipFields(types);
  const lib = new Neo4jGraphQL({ typeDefs: typeDefs(fields), driver });
  const schema = await lib.getSchema();
  const selection = `id name class status ${fields.map((f) => `${f.field} { id name class${f.target === 'CI' ? ' status' : ''} }`).join(' ')}`;
  const cache = new Map<string, DocumentNode>();
  const run = async (source: string, variables: Record<string, unknown>): Promise<Record<string, any>> => {
    const document = parse(source);
    const errors = validate(schema, document);
    if (errors.length) throw new Error(`@neo4j/graphql validation: ${errors.map((e) => e.message).join('; ')}`);
    cache.set(source, document);
    const result = await execute({ schema, document, variableValues: variables, contextValue: {} });
    if (result.errors?.length)
      throw new Error(`@neo4j/graphql errors: ${result.errors.map((e) => e.message).join('; ')}`);
    return result.data as Record<string, any>;
  };
  return {
    schema,
    fields,
    run,
    pageQuery: `query ($first: Int!) { cis(limit: $first, sort: [{ name: ASC }, { id: ASC }]) { ${selection} } }`,
    oneHopQuery: `query ($id: ID!) { cis(where: { id: { eq: $id } }) { ${selection} } }`,
    reachQuery: `query ($id: ID!, $filter: String!, $depth: Int!) { cis(where: { id: { eq: $id } }) { reach(filter: $filter, depth: $depth) { id } } }`,
  };
}
