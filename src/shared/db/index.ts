export * from './db';
export { migrate, readMigrations, MigrationError, type MigrationReport } from './migrations';
export { boltAnswers, databaseReady, neo4jVersion } from './probe';
export * from './decode';
