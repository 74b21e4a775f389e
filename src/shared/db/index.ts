export * from './db';
export { migrate, readMigrations, MigrationError, type MigrationReport } from './migrations';
