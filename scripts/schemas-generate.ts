// `npm run schemas:generate`: regenerate schemas/generated/ and bring schemas/catalog.json up to date.
// Registers the @billing/* path aliases first: libs/avro imports @billing/eventsourcing.
import 'tsconfig-paths/register';
import { join } from 'node:path';
import { generateSchemas } from '../libs/avro/src/tooling';

function main(): void {
  const dir = process.argv[2] ?? join(__dirname, '..', 'schemas');
  let report;
  try {
    report = generateSchemas(dir);
  } catch (error) {
    console.error(`schemas:generate failed: ${(error as Error).message}`);
    process.exit(2);
  }
  for (const note of report.notes) console.log(`note: ${note}`);
  for (const version of report.versions) console.log(`catalog: ${version}`);
  console.log(`${report.written.length} files written`);
  if (report.problems.length > 0) {
    console.error(`\nschemas:generate refused ${report.problems.length} change(s):\n  - ${report.problems.join('\n  - ')}`);
    process.exit(1);
  }
}

main();
