/** `npm run migrate`: applies pending migrations and exits. */
import { connect } from './connect';
import { MIGRATIONS_DIR } from '../paths';
import { migrate } from '../shared/db';

async function main(): Promise<void> {
  const { db } = await connect();
  try {
    const report = await migrate(db, MIGRATIONS_DIR, { log: console.log });
    console.log(`${report.applied.length} applied, ${report.alreadyApplied} already applied`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
