/**
 * Two projects: `unit` needs no database (test/unit, *.test.ts beside the code); `integration` shares one real
 * Neo4j started once in globalSetup. `npm run test:unit` runs the first alone.
 */
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };

/** @type {import('jest').Config} */
module.exports = {
  // One database, two cores: test files run one after another, each starting from an empty graph.
  maxWorkers: 1,
  testTimeout: 120000,
  verbose: false,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/unit', '<rootDir>/src'],
      testMatch: ['**/*.test.ts'],
      transform,
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/integration'],
      testMatch: ['**/*.int.test.ts'],
      transform,
      globalSetup: '<rootDir>/test/helpers/global-setup.ts',
      globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
    },
  ],
};
