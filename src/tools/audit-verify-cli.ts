/**
 * `npm run audit:verify`: reads the whole audit log in sequence order, recomputes every leaf and every signed root,
 * and checks them against the signed tree heads in the file outside the database (AUDIT_TREE_HEAD_FILE, signatures
 * checked with the key in AUDIT_SIGNING_KEY_FILE). Read-only. Names the first bad
 * entry; exits 1 when anything is wrong, 2 when it could not check.
 */
import { connect } from './connect';
import { buildServices } from '../server/services';

async function main(): Promise<number> {
  const { config, db } = await connect(() => undefined);
  try {
    const audit = buildServices(db, config).audit;
    const report = await audit.verify();
    console.log(
      `audit log: ${report.entries} entries; ${report.headsMatched} signed tree heads matched` +
        (report.signedSize !== null ? `; latest signed size ${report.signedSize}` : '') +
        `; entries 0..${report.verifiedPrefix - 1} proven by a signed head`,
    );
    if (report.ok) {
      console.log('audit log verified: every entry hashes to its leaf and every signed root matches');
      return 0;
    }
    if (report.firstBadSequence !== null) console.log(`first bad entry: sequence ${report.firstBadSequence}`);
    for (const problem of report.problems) console.log(`  - ${problem}`);
    return 1;
  } finally {
    await db.close();
  }
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  });
