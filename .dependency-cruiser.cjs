/**
 * The import rules of the layout (README "Layout"): no cycles, the driver behind shared/db, modules talk through
 * their index, resolvers and loaders are wired by server/ only, and the running service never imports a CLI,
 * the seed or a test helper. `npm run lint` runs this.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle, type-only imports included.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'driver-behind-shared-db',
      severity: 'error',
      comment: 'Only src/shared/db imports neo4j-driver.',
      from: { path: '^(src|seed)/', pathNot: '^src/shared/db/' },
      to: { path: 'node_modules/neo4j-driver' },
    },
    {
      name: 'modules-through-their-index',
      severity: 'error',
      comment: "A module reaches another module only through that module's index.ts.",
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/([^/]+)/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'resolvers-wired-by-server',
      severity: 'error',
      comment: 'Resolvers and loaders are wired by src/server only; an index exports services, ports and types.',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/[^/]+/[^/]+\\.(resolvers|loaders)\\.ts$', pathNot: '^src/modules/$1/' },
    },
    {
      name: 'resolvers-wired-by-server-only',
      severity: 'error',
      from: { path: '^(src|seed)/', pathNot: ['^src/server/', '^src/modules/', '^src/context\\.ts$'] },
      to: { path: '^src/modules/[^/]+/[^/]+\\.(resolvers|loaders)\\.ts$' },
    },
    {
      name: 'index-exports-no-resolvers',
      severity: 'error',
      from: { path: '^src/modules/[^/]+/index\\.ts$' },
      to: { path: '\\.(resolvers|loaders)\\.ts$' },
    },
    {
      name: 'service-does-not-import-tools',
      severity: 'error',
      comment: 'CLIs and the local-Neo4j launcher stay out of the import path of the server.',
      from: { path: '^src/', pathNot: '^src/tools/' },
      to: { path: '^src/tools/' },
    },
    {
      name: 'service-does-not-import-seed',
      severity: 'error',
      comment: 'The seed is loaded by the launcher and the CLIs in src/tools, never by the service.',
      from: { path: '^src/', pathNot: '^src/tools/' },
      to: { path: '^seed/' },
    },
    {
      name: 'production-does-not-import-tests',
      severity: 'error',
      from: { path: '^(src|seed)/' },
      to: { path: '^test/' },
    },
    {
      name: 'shared-is-a-floor',
      severity: 'error',
      comment: 'src/shared knows no module, no server and no tool.',
      from: { path: '^src/shared/' },
      to: { path: '^src/(modules|server|tools)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(src/generated|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
