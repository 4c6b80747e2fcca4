import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalog, readCatalog } from '../libs/avro/src/catalog';
import { generateSchemas } from '../libs/avro/src/tooling';
import { runSchemasCheck } from './schemas-check';

// Every case works on a temporary schema directory of its own: the real schemas/ is never touched.
const DECIMAL = { type: 'bytes', logicalType: 'decimal', precision: 38, scale: 12 };
const TIMESTAMP = { type: 'long', logicalType: 'timestamp-millis' };
const PUBLISHED = { committed: { kind: 'no-git' as const } };

type Json = Record<string, unknown>;

function envelope(payload: string[]): Json[] {
  return [
    { name: 'eventId', type: 'string' },
    { name: 'eventType', type: 'string' },
    { name: 'occurredAt', type: TIMESTAMP },
    { name: 'recordedAt', type: TIMESTAMP },
    { name: 'causationId', type: ['null', 'string'], default: null },
    { name: 'correlationId', type: ['null', 'string'], default: null },
    { name: 'schemaVersion', type: 'int' },
    { name: 'customerId', type: 'string' },
    { name: 'payload', type: payload },
  ];
}

const baseline: Record<string, Json> = {
  'ledger/LedgerEvent.avsc': {
    type: 'record',
    name: 'LedgerEvent',
    namespace: 'billing.ledger',
    topics: ['ledger.events.v1'],
    fields: envelope(['billing.ledger.AmountPosted', 'billing.ledger.AccountClosed']),
  },
  'ledger/AmountPosted.avsc': {
    type: 'record',
    name: 'AmountPosted',
    namespace: 'billing.ledger',
    fields: [
      { name: 'accountId', type: 'string' },
      { name: 'amount', type: DECIMAL },
      { name: 'sequence', type: 'long' },
      { name: 'direction', type: 'billing.ledger.Direction' },
    ],
  },
  'ledger/AccountClosed.avsc': {
    type: 'record',
    name: 'AccountClosed',
    namespace: 'billing.ledger',
    fields: [{ name: 'accountId', type: 'string' }],
  },
  'ledger/Direction.avsc': { type: 'enum', name: 'Direction', namespace: 'billing.ledger', symbols: ['Debit', 'Credit', 'Memo'] },
};

let dir: string;

function writeSchemas(files: Record<string, Json>): void {
  for (const [path, json] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), `${JSON.stringify(json, null, 2)}\n`);
  }
}

function edit(path: string, change: (json: Json) => void): void {
  const json = JSON.parse(readFileSync(join(dir, path), 'utf8')) as Json;
  change(json);
  writeSchemas({ [path]: json });
}

function fieldsOf(json: Json): Json[] {
  return json.fields as Json[];
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'schemas-check-'));
  writeFileSync(
    join(dir, 'topics.json'),
    JSON.stringify({ topics: [{ name: 'ledger.events.v1', owner: 'ledger' }, { name: 'ledger.audit.v1', owner: 'ledger' }] }),
  );
  writeSchemas(baseline);
  const first = generateSchemas(dir, PUBLISHED);
  expect(first.problems).toEqual([]);
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('schemas:check on an untouched generated directory', () => {
  it('passes, and notes the topic that has no schema yet', () => {
    const report = runSchemasCheck(dir, PUBLISHED);
    expect(report.problems).toEqual([]);
    expect(report.notes).toContain('no value schema yet for topic ledger.audit.v1: skipped');
    expect(readCatalog(dir).subjects['ledger.events.v1-value'].versions.map((v) => v.id)).toEqual([1]);
  });
});

describe('schemas:check fails on incompatible changes', () => {
  const cases: Array<[string, () => void, RegExp]> = [
    [
      'a new field without a default',
      () => edit('ledger/AmountPosted.avsc', (json) => fieldsOf(json).push({ name: 'memo', type: 'string' })),
      /AmountPosted>\.memo: added without a default/,
    ],
    [
      'a type change long -> string',
      () => edit('ledger/AmountPosted.avsc', (json) => (fieldsOf(json)[2].type = 'string')),
      /sequence: type changed from long to string/,
    ],
    [
      'a removed enum symbol',
      () => edit('ledger/Direction.avsc', (json) => (json.symbols = ['Debit', 'Credit'])),
      /enum symbols removed without an enum default: Memo/,
    ],
    [
      'a removed payload union branch',
      () => edit('ledger/LedgerEvent.avsc', (json) => (fieldsOf(json)[8].type = ['billing.ledger.AmountPosted'])),
      /union branch billing\.ledger\.AccountClosed was removed/,
    ],
    [
      'a changed decimal scale',
      () => edit('ledger/AmountPosted.avsc', (json) => (fieldsOf(json)[1].type = { ...DECIMAL, scale: 6 })),
      // the convention check (every decimal is 38, 12) and the resolution rule (scale must not change) both catch it
      /decimal\(38, 6\)/,
    ],
    [
      'a renamed field without an alias',
      () => edit('ledger/AccountClosed.avsc', (json) => (fieldsOf(json)[0].name = 'closedAccountId')),
      /closedAccountId: added without a default/,
    ],
  ];

  it.each(cases)('%s', (_label, change, expected) => {
    change();
    const before = readFileSync(join(dir, 'catalog.json'), 'utf8');

    const generated = generateSchemas(dir, PUBLISHED);
    expect(generated.problems.join('\n')).toMatch(expected);
    expect(readFileSync(join(dir, 'catalog.json'), 'utf8')).toBe(before); // refused: no new version

    const report = runSchemasCheck(dir, PUBLISHED);
    expect(report.problems.join('\n')).toMatch(expected);
    expect(report.problems.join('\n')).toMatch(/ledger\.events\.v1-value/);
  });
});

describe('schemas:check passes on compatible changes once generated', () => {
  const cases: Array<[string, () => void]> = [
    ['a new field with a default', () => edit('ledger/AmountPosted.avsc', (json) => fieldsOf(json).push({ name: 'memo', type: ['null', 'string'], default: null }))],
    [
      'a field renamed with an alias',
      () =>
        edit('ledger/AccountClosed.avsc', (json) => {
          fieldsOf(json)[0] = { name: 'closedAccountId', aliases: ['accountId'], type: 'string' };
        }),
    ],
    ['a new enum symbol', () => edit('ledger/Direction.avsc', (json) => (json.symbols = ['Debit', 'Credit', 'Memo', 'Reversal']))],
    [
      'a new event appended to the payload union',
      () => {
        writeSchemas({ 'ledger/AccountReopened.avsc': { type: 'record', name: 'AccountReopened', namespace: 'billing.ledger', fields: [{ name: 'accountId', type: 'string' }] } });
        edit('ledger/LedgerEvent.avsc', (json) => (json.fields = envelope(['billing.ledger.AmountPosted', 'billing.ledger.AccountClosed', 'billing.ledger.AccountReopened'])));
      },
    ],
    ['an int promoted to long', () => edit('ledger/AmountPosted.avsc', (json) => fieldsOf(json).push({ name: 'lines', type: 'long', default: 0 }))],
  ];

  it.each(cases)('%s', (_label, change) => {
    change();
    // Before generation the check fails: the catalog and the generated types lag the .avsc.
    expect(runSchemasCheck(dir, PUBLISHED).problems.join('\n')).toMatch(/run npm run schemas:generate/);

    const generated = generateSchemas(dir, PUBLISHED);
    expect(generated.problems).toEqual([]);
    const versions = readCatalog(dir).subjects['ledger.events.v1-value'].versions;
    expect(versions.map((v) => [v.version, v.id])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(runSchemasCheck(dir, PUBLISHED).problems).toEqual([]);
  });
});

describe('schemas:check guards the catalog and the generated types', () => {
  it('fails when a generated file was edited by hand', () => {
    const path = join(dir, 'generated/ledger/AmountPosted.ts');
    writeFileSync(path, readFileSync(path, 'utf8').replace('sequence: number', 'sequence: string'));
    expect(runSchemasCheck(dir, PUBLISHED).problems).toContain('generated/ledger/AmountPosted.ts is out of date: run npm run schemas:generate');
  });

  it('fails on a duplicate id', () => {
    edit('ledger/AmountPosted.avsc', (json) => fieldsOf(json).push({ name: 'memo', type: ['null', 'string'], default: null }));
    generateSchemas(dir, PUBLISHED);
    const catalog = JSON.parse(readFileSync(join(dir, 'catalog.json'), 'utf8')) as { subjects: Record<string, { versions: Array<{ id: number }> }> };
    catalog.subjects['ledger.events.v1-value'].versions[1].id = 1;
    writeFileSync(join(dir, 'catalog.json'), JSON.stringify(catalog));
    expect(runSchemasCheck(dir, PUBLISHED).problems.join('\n')).toMatch(/id 1 is also used by ledger\.events\.v1-value v1/);
  });

  it('fails when a committed id changed or a committed version disappeared', () => {
    const committed: Catalog = readCatalog(dir);
    const catalog = JSON.parse(readFileSync(join(dir, 'catalog.json'), 'utf8')) as { subjects: Record<string, { versions: Array<{ id: number }> }> };
    catalog.subjects['ledger.events.v1-value'].versions[0].id = 7;
    writeFileSync(join(dir, 'catalog.json'), JSON.stringify(catalog));
    const problems = runSchemasCheck(dir, { committed: { kind: 'committed', catalog: committed } }).problems.join('\n');
    expect(problems).toMatch(/committed id 1 .* changed to id 7/);
  });

  it('fails when a frozen history copy was edited', () => {
    const path = join(dir, 'history/ledger.events.v1-value/v1.avsc');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"sequence"', '"sequenceNumber"'));
    expect(runSchemasCheck(dir, PUBLISHED).problems.join('\n')).toMatch(/no longer matches fingerprint/);
  });

  it('fails when an envelope field is missing or a decimal is not decimal(38, 12)', () => {
    edit('ledger/LedgerEvent.avsc', (json) => (json.fields = fieldsOf(json).filter((f) => f.name !== 'correlationId')));
    edit('ledger/AmountPosted.avsc', (json) => fieldsOf(json).push({ name: 'fee', type: { ...DECIMAL, precision: 18, scale: 2 }, default: '\u0000' }));
    const problems = runSchemasCheck(dir, PUBLISHED).problems.join('\n');
    expect(problems).toMatch(/starts with the envelope/);
    expect(problems).toMatch(/decimals are decimal\(38, 12\), got decimal\(18, 2\)/);
  });
});

describe('draft versions (not yet committed) are rewritten in place', () => {
  it('rewrites v1 even for an incompatible change while nothing is committed', () => {
    edit('ledger/AmountPosted.avsc', (json) => (fieldsOf(json)[2].type = 'string'));
    const report = generateSchemas(dir, { committed: { kind: 'none-committed' } });
    expect(report.problems).toEqual([]);
    expect(readCatalog(dir).subjects['ledger.events.v1-value'].versions.map((v) => [v.version, v.id])).toEqual([[1, 1]]);
    expect(runSchemasCheck(dir, { committed: { kind: 'none-committed' } }).problems).toEqual([]);
  });
});
