// `npm run schemas:check` (CI): generated types up to date, every subject backward-transitively compatible with
// every catalog version, catalog ids unique and stable. Exits 1 listing every problem.
// Registers the @billing/* path aliases first: libs/avro imports @billing/eventsourcing.
import 'tsconfig-paths/register';
import { join } from 'node:path';
import { checkSchemas, CheckReport, ToolingOptions } from '../libs/avro/src/tooling';

/** The check as a function of a schema directory, so tests run it on a temporary copy. */
export function runSchemasCheck(dir: string, options: ToolingOptions = {}): CheckReport {
  return checkSchemas(dir, options);
}

function main(): void {
  const dir = process.argv[2] ?? join(__dirname, '..', 'schemas');
  const report = runSchemasCheck(dir);
  for (const note of report.notes) console.log(`note: ${note}`);
  if (report.problems.length > 0) {
    console.error(`\nschemas:check FAILED with ${report.problems.length} problem(s):\n  - ${report.problems.join('\n  - ')}`);
    process.exit(1);
  }
  console.log('schemas:check passed');
}

if (require.main === module) main();
