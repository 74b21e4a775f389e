/**
 * `npx tsx test/bench/validation-overhead.ts [ITERATIONS]` — what the document limits cost on ordinary queries, in
 * process and without a database: graphql's own validation alone, then with armor's rules (src/server/armor.ts), and
 * the per-request cost walk (src/server/query-cost.ts). Apollo keeps documents that passed validation, so a repeated
 * document pays the validation rules once; the cost walk runs on every request (it reads the variables).
 */
import { makeExecutableSchema } from '@graphql-tools/schema';
import { getOperationAST, parse, specifiedRules, validate, type DocumentNode } from 'graphql';
import { DEFAULT_GRAPHQL_LIMITS, limitRules } from '../../src/server/armor';
import { operationCost } from '../../src/server/query-cost';
import { loadTypeDefs } from '../../src/server/schema';

const QUERIES: Record<string, { query: string; variables: Record<string, unknown> }> = {
  'page of 100 CIs': {
    query: `query ($first: Int) { cis(first: $first) { totalCount edges { cursor node { id name class status } } pageInfo { hasNextPage endCursor } } }`,
    variables: { first: 100 },
  },
  'CI with relationships': {
    query: `query ($id: ID!) { ci(id: $id) { id name class status attributes relationships { type direction ci { id name class status } } } }`,
    variables: { id: 'ci-1' },
  },
  'impact of 3 CIs': {
    query: `query ($ids: [ID!]!) { impactAnalysis(input: { ciIds: $ids }) { affectedCIs { ci { id name } state depth } } }`,
    variables: { ids: ['a', 'b', 'c'] },
  },
};

/** Median µs per call over 21 rounds; the rounds of the functions measured together interleave (the machine is shared). */
function microseconds(iterations: number, ...runs: Array<() => void>): number[] {
  for (const run of runs) for (let i = 0; i < Math.min(iterations, 500); i++) run();
  const rounds = runs.map(() => [] as number[]);
  const per = Math.max(1, Math.floor(iterations / 21));
  for (let r = 0; r < 21; r++)
    runs.forEach((run, k) => {
      const started = process.hrtime.bigint();
      for (let i = 0; i < per; i++) run();
      rounds[k]?.push(Number(process.hrtime.bigint() - started) / 1000 / per);
    });
  return rounds.map((times) => times.sort((a, b) => a - b)[10] ?? NaN);
}

const iterations = Number(process.argv[2] ?? 5000);
const schema = makeExecutableSchema({ typeDefs: loadTypeDefs() });
const armor = [...specifiedRules, ...limitRules(DEFAULT_GRAPHQL_LIMITS)];
console.log(`| query | parse µs | graphql validation µs | + armor rules µs | cost walk µs (every request) |`);
console.log(`| --- | ---: | ---: | ---: | ---: |`);
for (const [name, { query, variables }] of Object.entries(QUERIES)) {
  const document: DocumentNode = parse(query);
  const operation = getOperationAST(document);
  if (!operation || validate(schema, document, armor).length) throw new Error(`${name} does not validate`);
  const [parsing = NaN] = microseconds(iterations, () => parse(query, { maxTokens: DEFAULT_GRAPHQL_LIMITS.maxTokens }));
  const [plain = NaN, limited = NaN] = microseconds(
    iterations,
    () => validate(schema, document, specifiedRules),
    () => validate(schema, document, armor),
  );
  const [cost = NaN] = microseconds(iterations, () =>
    operationCost(schema, document, operation, variables, DEFAULT_GRAPHQL_LIMITS),
  );
  const f = (x: number): string => x.toFixed(1);
  console.log(`| ${name} | ${f(parsing)} | ${f(plain)} | ${f(limited - plain)} | ${f(cost)} |`);
}
