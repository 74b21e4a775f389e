/** Unit tests need no database; integration tests share one real Neo4j started once in globalSetup. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/src'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  // One database, two cores: test files run one after another, each starting from an empty graph.
  maxWorkers: 1,
  testTimeout: 120000,
  verbose: false,
};
